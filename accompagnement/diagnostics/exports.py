"""Exports of a self-diagnosis: XLSX (one row per criterion) and a PDF report.

``request_export`` is the service pages and the API call: it returns the export row for
the current data (same data → same row, idempotent), generating it inline when the
frame is small or through the Celery task ``generate_export_task`` otherwise.
``generate_export`` (called by the task) writes the file to the default storage and
moves the row's progress to "prêt". The progress (en attente → en cours → prêt / en échec,
and a person's retry) is the workflow ``workflow.EXPORT``, logged move by move.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement.diagnostics import selectors, workflow
from accompagnement.diagnostics.errors import DiagnosticError
from accompagnement.diagnostics.models import Autodiagnostic, ExportAutodiagnostic, Reponse
from core import tenancy
from core.actors import SYSTEM
from core.errors import BusinessError
from tenants import access
from tenants.models import Structure

# Frames up to this many criteria are exported inline (a 49-criteria PDF takes < 1 s).
INLINE_LIMIT = 200
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
XLSX_COLUMNS = [
    "Code",
    "Intitulé",
    "Thème",
    "Niveau",
    "Cotation déclarée",
    "Cotation confirmée",
    "Commentaire",
    "Commentaire de l'expert",
    "Nombre de preuves",
]


def fingerprint(autodiagnostic: Autodiagnostic) -> str:
    """What the export depends on: status, answers and confirmations (one query)."""
    row = Reponse.objects.filter(autodiagnostic=autodiagnostic).aggregate(
        n=Count("pk"),
        updated=Max("updated_at"),
        confirmations=Count("confirmation"),
        confirmed=Max("confirmation__confirmed_at"),
        preuves=Count("preuves"),
    )
    raw = f"{autodiagnostic.statut}|{row['n']}|{row['updated']}|{row['confirmations']}|{row['confirmed']}|{row['preuves']}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _rows(autodiagnostic: Autodiagnostic) -> tuple[selectors.ScoresView, list[list]]:
    view = selectors.scores_of(autodiagnostic, with_details=True)
    themes = {t.pk: t for t in view.themes}
    rows = []
    for r in view.reponses:
        confirmation = selectors.confirmation_of(r)
        theme = themes.get(r.critere.theme_id)
        rows.append(
            [
                r.critere.code,
                r.critere.titre,
                f"{theme.code} {theme.titre}" if theme else "",
                r.critere.niveau,
                r.valeur.libelle if r.valeur else "",
                confirmation.valeur.libelle if confirmation else "",
                r.commentaire,
                confirmation.commentaire if confirmation else "",
                len(r.preuves.all()),
            ]
        )
    return view, rows


def build_xlsx(autodiagnostic: Autodiagnostic) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from core.xlsx import append_row, to_bytes

    _view, rows = _rows(autodiagnostic)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Autodiagnostic {autodiagnostic.annee}"
    append_row(sheet, XLSX_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, row)
    for column, width in zip("ABCDEFGHI", (10, 60, 30, 8, 18, 18, 40, 40, 10), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    return to_bytes(workbook)


def _bars(items: list[tuple[str, float | None, float | None]]) -> dict:
    """Geometry of a grouped bar chart (declared vs confirmed, in %) for the PDF's inline SVG."""
    bar_h, gap, label_w, width = 9, 8, 150, 330
    rows = []
    for index, (label, declared, confirmed) in enumerate(items):
        y = index * (2 * bar_h + gap)
        rows.append(
            {
                "label": label,
                "y": y,
                "y2": y + bar_h,
                "text_y": y + bar_h + 3,
                "declared": declared,
                "confirmed": confirmed,
                "declared_w": (declared or 0) * width / 100,
                "confirmed_w": (confirmed or 0) * width / 100,
            }
        )
    return {
        "rows": rows,
        "height": max(len(items), 1) * (2 * bar_h + gap),
        "label_w": label_w,
        "width": width,
        "total_w": label_w + width + 50,
    }


def build_pdf(autodiagnostic: Autodiagnostic) -> bytes:
    from weasyprint import HTML

    view, rows = _rows(autodiagnostic)
    payload = selectors.scores_payload(view)
    themes_chart = _bars(
        [
            (
                f"{t['code']} {t['titre']}"[:34],
                (t["declare"] or {}).get("taux"),
                (t["confirme"] or {}).get("taux"),
            )
            for t in payload["themes"]
        ]
    )
    levels_chart = _bars(
        [
            (
                _("Niveau %(n)s") % {"n": n["niveau"]},
                (n["declare"] or {}).get("taux"),
                (n["confirme"] or {}).get("taux"),
            )
            for n in payload["niveaux"]
        ]
    )
    history = selectors.history()
    history_chart = _bars([(str(h["annee"]), h["declare"], h["confirme"]) for h in history])
    html = render_to_string(
        "diagnostics/rapport_pdf.html",
        {
            "autodiagnostic": autodiagnostic,
            "payload": payload,
            "rows": rows,
            "themes_chart": themes_chart,
            "levels_chart": levels_chart,
            "history_chart": history_chart,
            "generated_at": timezone.now(),
        },
    )
    return HTML(string=html).write_pdf()


BUILDERS = {"xlsx": build_xlsx, "pdf": build_pdf}


def generate_export(*, export_id: int) -> ExportAutodiagnostic:
    """Build the file of an export row, its progress moved by ``workflow.EXPORT``.

    Idempotent: a ready export is left as is, a failed one waits for a person's retry, and
    an export left "en cours" by a worker that died is built again (a redelivered task)."""
    export = _move(export_id, "start", progression=10)
    if export.etat != ExportAutodiagnostic.Etat.EN_COURS:
        return export
    autodiagnostic = Autodiagnostic.objects.select_related("version__referentiel").get(
        pk=export.autodiagnostic_id
    )
    try:
        content = BUILDERS[export.format](autodiagnostic)
    except Exception as error:  # the row tells the page; the task log keeps the traceback
        _move(export_id, "fail", erreur=type(error).__name__)
        raise
    name = f"autodiagnostic-{autodiagnostic.annee}-{export.pk}.{export.format}"
    export.fichier.save(name, ContentFile(content), save=False)
    return _move(export_id, "finish", fichier=export.fichier.name, progression=100)


def _move(export_id: int, name: str, **fields) -> ExportAutodiagnostic:
    """Apply the move ``name`` to the export with its row locked, when its state allows it
    (a concurrent run may have moved it already: the row is then returned as it is)."""
    with transaction.atomic():
        export = ExportAutodiagnostic.objects.select_for_update().get(pk=export_id)
        if str(export.etat) in workflow.EXPORT.move(name).sources:
            for field, value in fields.items():
                setattr(export, field, value)
            workflow.EXPORT.apply(export, name=name, actor=SYSTEM, extra_fields=list(fields))
    return export


def request_export(
    *,
    structure: Structure,
    autodiagnostic: Autodiagnostic,
    fmt: str,
    user,
    inline: bool | None = None,
) -> ExportAutodiagnostic:
    """The export of the current data in ``fmt`` (xlsx or pdf), created if needed.
    Small frames are generated inline; larger ones by a Celery task after commit."""
    tenancy.require_schema(structure.schema_name, "request_export")
    if not access.can_view_autodiagnostic(user, structure):
        raise BusinessError(
            DiagnosticError.FORBIDDEN,
            _("Vous n'avez pas le droit de faire cette action."),
            status=403,
        )
    if fmt not in BUILDERS:
        raise BusinessError(
            DiagnosticError.EXPORT_FORMAT,
            _("Format d'export inconnu : xlsx ou pdf."),
            field="format",
        )
    with transaction.atomic():
        export, created = ExportAutodiagnostic.objects.get_or_create(
            autodiagnostic=autodiagnostic,
            format=fmt,
            empreinte=fingerprint(autodiagnostic),
            defaults={"created_by": user},
        )
        if created:
            workflow.EXPORT.log_creation(export, user)
        else:
            export = ExportAutodiagnostic.objects.select_for_update().get(pk=export.pk)
            if export.etat != ExportAutodiagnostic.Etat.ECHEC:
                return export
            export.progression, export.erreur = 0, ""  # a failed export is retried
            workflow.EXPORT.apply(
                export,
                name="retry",
                actor=user,
                structure=structure,
                extra_fields=["progression", "erreur"],
            )
        if inline is None:
            inline = autodiagnostic.reponses.count() <= INLINE_LIMIT
        if not inline:
            from accompagnement.diagnostics.tasks import submit_export

            submit_export(export)
            return export
    return generate_export(export_id=export.pk)
