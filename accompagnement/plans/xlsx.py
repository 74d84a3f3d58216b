"""XLSX export and import of a structure's action plan (openpyxl).

Many structures keep their plan in Excel: the export is the import's template. The import
validates every row first and reports each error with its row and column (French
messages); if any row is wrong nothing is written. Rows with a "Référence" update that
action; rows without one create an action. Status changes go through the workflow.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from accompagnement.plans import services, workflow
from accompagnement.plans.errors import PlanError
from accompagnement.plans.models import Action, AxePolitique
from core import jobs, page_jobs, tabular
from core.errors import BusinessError
from core.models import Job
from core.xlsx import append_row, to_bytes
from referentiels.models import Critere, ReferentielVersion
from tenants import access
from tenants.models import Structure, User

COLUMNS = [
    ("reference", "Référence"),
    ("titre", "Titre"),
    ("description", "Description"),
    ("dimension", "Dimension"),
    ("priorite", "Priorité"),
    ("statut", "Statut"),
    ("avancement", "Avancement (%)"),
    ("echeance", "Échéance"),
    ("responsable", "Responsable (e-mail)"),
    ("axe", "Axe de la politique (n°)"),
    ("criteres", "Critères"),
    ("origine", "Origine"),
]
HEADER_TO_FIELD = {label.lower(): name for name, label in COLUMNS}
SHEET_TITLE = "Plan d'actions"
IMPORT_JOB = "plan_import"
# A structure's plan has tens of actions, a few hundred at most.
IMPORT_LIMITS = tabular.DEFAULT_LIMITS.but(max_rows=2_000, max_columns=30)


def export_plan(actions) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    append_row(sheet, [label for _name, label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for action in actions:
        append_row(
            sheet,
            [
                action.pk,
                action.titre,
                action.description,
                action.get_dimension_display(),
                action.get_priorite_display(),
                action.get_statut_display(),
                action.avancement,
                action.echeance,
                action.responsable.email if action.responsable else "",
                action.axe.numero if action.axe else None,
                ", ".join(sorted(c.code for c in action.criteres.all())),
                action.get_origine_display(),
            ],
        )
    for column, width in zip(
        "ABCDEFGHIJKL", (11, 45, 50, 14, 10, 12, 10, 12, 30, 10, 20, 22), strict=True
    ):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=8, max_col=8):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    return to_bytes(workbook)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0


def _choice(value: Any, choices) -> str | None:
    text = str(value or "").strip().lower()
    for code, label in choices.choices:
        if text in (code, str(label).lower()):
            return code
    return None


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.datetime.strptime(str(value).strip(), "%d/%m/%Y").date()


def _criteres_by_code(codes: set[str]) -> dict[str, Critere]:
    """Codes resolved in published frame versions, the most recently published first."""
    found: dict[str, Critere] = {}
    rows = Critere.objects.filter(
        code__in=codes, version__statut=ReferentielVersion.Statut.PUBLIE
    ).order_by("-version__published_at", "-version_id")
    for critere in rows:
        found.setdefault(critere.code, critere)
    return found


def _read_rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        table = tabular.first_sheet_rows(content, IMPORT_LIMITS, sheet_title=SHEET_TITLE)
    except tabular.TableError as error:
        if error.code != tabular.TableErrorCode.UNREADABLE:
            raise
        raise BusinessError(
            PlanError.IMPORT_FILE,
            _("Le fichier n'est pas un classeur XLSX lisible."),
            field="fichier",
        ) from None
    header = table[0][1] if table else ()
    fields = [HEADER_TO_FIELD.get(str(h or "").strip().lower()) for h in header]
    if "titre" not in fields:
        raise BusinessError(
            PlanError.IMPORT_FILE,
            _("La colonne « Titre » est introuvable en première ligne."),
            field="fichier",
        )
    return [
        (number, {f: v for f, v in zip(fields, values, strict=False) if f})
        for number, values in table[1:]
    ]


def import_plan(*, structure: Structure, user: User, content: bytes) -> ImportReport:
    """Validate every row, then write them all in one transaction (or nothing)."""
    return _write_rows(structure, user, _validated_rows(structure, user, content))


@transaction.atomic
def start_plan_import(
    *, structure: Structure, user: User, name: str, content: bytes, token: str | None = None
) -> Job:
    """Check the whole file now (every refused row reported at once), then queue its
    import as a durable job (``core.page_jobs``), created in this transaction."""
    rows = len(_validated_rows(structure, user, content))
    return page_jobs.start(
        kind=IMPORT_JOB,
        task_name="accompagnement.plans.tasks.import_plan_task",
        user_id=user.pk,
        token=token,
        payload={},
        content=content,
        summary={"fichier": name[:255], "lignes": rows},
    )


def run_plan_import_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The job's work (in the structure's schema): the import in one transaction, with
    the job's report; the rows are checked again against the plan as it is now."""
    structure = connection.tenant  # type: ignore[attr-defined]
    user = User.objects.get(pk=job.payload["auteur"])

    def work() -> dict[str, Any]:
        report = import_plan(structure=structure, user=user, content=page_jobs.content_of(job))
        return {
            "creees": report.created,
            "mises_a_jour": report.updated,
            "resume": _("Import réussi : %(created)s ; %(updated)s.")
            % {
                "created": ngettext("%(n)s action créée", "%(n)s actions créées", report.created)
                % {"n": report.created},
                "updated": ngettext("%(n)s mise à jour", "%(n)s mises à jour", report.updated)
                % {"n": report.updated},
            },
        }

    return page_jobs.apply_once(job, progress, work)


Parsed = list[tuple[Action | None, dict[str, Any], list[Critere], str | None]]


def _validated_rows(structure: Structure, user: User, content: bytes) -> Parsed:
    """Every row read and checked, or a ``BusinessError`` listing each error."""
    if not access.can_edit_plan(user, structure):
        raise BusinessError(
            PlanError.FORBIDDEN, _("Vous ne pouvez pas modifier ce plan d'actions."), status=403
        )
    rows = _read_rows(content)
    existing = {a.pk: a for a in Action.objects.all()}
    axes = {a.numero: a for a in AxePolitique.objects.all()}
    people = {
        u.email.lower(): u
        for u in User.objects.filter(memberships__structure=structure, is_active=True)
    }
    all_codes = {
        code.strip()
        for _n, row in rows
        for code in str(row.get("criteres") or "").split(",")
        if code.strip()
    }
    criteres = _criteres_by_code(all_codes)
    errors = tabular.ErrorList(IMPORT_LIMITS.max_errors)
    parsed: Parsed = []

    def error(row: int, field: str, message: str) -> None:
        label = dict(COLUMNS)[field]
        errors.add(
            {
                "code": PlanError.IMPORT_INVALID,
                "field": field,
                "row": row,
                "message": _("Ligne %(row)s, colonne « %(col)s » : %(msg)s")
                % {"row": row, "col": label, "msg": message},
            }
        )

    for number, row in rows:
        action = None
        data: dict[str, Any] = {}
        reference = row.get("reference")
        if reference not in (None, ""):
            try:
                action = existing.get(int(reference))
            except (TypeError, ValueError):
                action = None
            if action is None:
                error(number, "reference", _("aucune action de ce plan n'a cette référence."))
        titre = str(row.get("titre") or "").strip()
        if not titre:
            error(number, "titre", _("le titre est obligatoire."))
        data["titre"] = titre[:255]
        data["description"] = str(row.get("description") or "").strip()
        for name, choices, default in (
            ("dimension", Action.Dimension, Action.Dimension.TECHNIQUE),
            ("priorite", Action.Priorite, Action.Priorite.MOYENNE),
            ("origine", Action.Origine, Action.Origine.AUTRE),
        ):
            if row.get(name) in (None, ""):
                data[name] = getattr(action, name) if action else default
            else:
                value = _choice(row.get(name), choices)
                if value is None:
                    allowed = ", ".join(str(label) for _c, label in choices.choices)
                    error(
                        number,
                        name,
                        _("valeur « %(v)s » inconnue (valeurs possibles : %(a)s).")
                        % {"v": row.get(name), "a": allowed},
                    )
                data[name] = value
        statut = None
        if row.get("statut") not in (None, ""):
            statut = _choice(row.get("statut"), Action.Statut)
            if statut is None:
                allowed = ", ".join(str(label) for _c, label in Action.Statut.choices)
                error(
                    number,
                    "statut",
                    _("valeur « %(v)s » inconnue (valeurs possibles : %(a)s).")
                    % {"v": row.get("statut"), "a": allowed},
                )
            elif (
                action is not None
                and statut != action.statut
                and not workflow.can_move(action.statut, statut)
            ):
                error(
                    number,
                    "statut",
                    _("passage de « %(from)s » à « %(to)s » impossible.")
                    % {"from": action.get_statut_display(), "to": Action.Statut(statut).label},
                )
        avancement = row.get("avancement")
        if avancement in (None, ""):
            data["avancement"] = action.avancement if action else 0
        else:
            try:
                data["avancement"] = int(
                    float(str(avancement).replace(",", ".").rstrip("%").strip())
                )
                if not 0 <= data["avancement"] <= 100:
                    raise ValueError
            except ValueError:
                error(number, "avancement", _("un pourcentage entre 0 et 100 est attendu."))
        echeance = row.get("echeance")
        if echeance in (None, ""):
            data["echeance"] = None
        else:
            try:
                data["echeance"] = _date(echeance)
            except ValueError:
                error(number, "echeance", _("date attendue au format JJ/MM/AAAA."))
        email = str(row.get("responsable") or "").strip().lower()
        data["responsable"] = None
        if email:
            data["responsable"] = people.get(email)
            if data["responsable"] is None:
                error(number, "responsable", _("« %s » n'a pas de rôle dans la structure.") % email)
        axe = row.get("axe")
        data["axe"] = None
        if axe not in (None, ""):
            try:
                data["axe"] = axes[int(axe)]
            except (KeyError, ValueError, TypeError):
                error(number, "axe", _("la politique qualité n'a pas d'axe n° %s.") % axe)
        linked = []
        for code in str(row.get("criteres") or "").split(","):
            code = code.strip()
            if code:
                if code in criteres:
                    linked.append(criteres[code])
                else:
                    error(
                        number,
                        "criteres",
                        _("critère « %s » inconnu dans les référentiels publiés.") % code,
                    )
        parsed.append((action, data, linked, statut))

    if errors:
        raise BusinessError(
            PlanError.IMPORT_INVALID,
            ngettext(
                "%(n)s erreur : rien n'a été importé. Corrigez le fichier et recommencez.",
                "%(n)s erreurs : rien n'a été importé. Corrigez le fichier et recommencez.",
                len(errors),
            )
            % {"n": len(errors)},
            field="fichier",
            errors=errors.reported(),
        )
    return parsed


def _write_rows(structure: Structure, user: User, parsed: Parsed) -> ImportReport:
    report = ImportReport()
    with transaction.atomic():
        for action, data, linked, statut in parsed:
            if action is None:
                origine = data.pop("origine")
                services.create_action(
                    structure=structure,
                    user=user,
                    criteres=linked,
                    statut=statut or Action.Statut.A_FAIRE,
                    origine=origine,
                    **data,
                )
                report.created += 1
            else:
                data.pop("origine")
                services.update_action(
                    structure=structure, user=user, action=action, criteres=linked, **data
                )
                if statut and statut != action.statut:
                    workflow.apply_transition(
                        action=action,
                        to=statut,
                        user=user,
                        structure=structure,
                        commentaire=_("Import XLSX"),
                    )
                report.updated += 1
    return report
