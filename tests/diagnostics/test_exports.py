"""Exports produce real files: XLSX read back with openpyxl, PDF with its pages."""

from __future__ import annotations

import contextlib
import io
import re
import zlib

from openpyxl import load_workbook

from accompagnement.diagnostics import exports, services
from accompagnement.diagnostics.models import ExportAutodiagnostic
from tests.diagnostics.conftest import answer_all

PDF = b"%PDF-1.4\n%%EOF\n"


def pdf_page_count(content: bytes) -> int:
    """The page tree's /Count, looking into the (deflated) object streams too."""
    chunks = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return max(int(n) for chunk in chunks for n in re.findall(rb"/Count\s*(\d+)", chunk))


def _submitted_and_confirmed(autodiagnostic, frame, network):
    answer_all(
        network.structure,
        autodiagnostic,
        frame,
        network.user("referent"),
        code="C",
        commentaire="Procédure en place",
    )
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    reponse = autodiagnostic.reponses.get(critere__code="4.1.1")
    services.confirm_criterion(
        structure=network.structure,
        reponse=reponse,
        expert=network.user("expert"),
        valeur="NC",
        commentaire="Procédure introuvable",
    )


def test_xlsx_has_one_row_per_criterion(autodiagnostic, frame, network):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.add_preuve(
        structure=network.structure,
        reponse=autodiagnostic.reponses.get(critere__code="4.1.1"),
        fichier=SimpleUploadedFile("a.pdf", PDF),
        user=network.user("referent"),
    )
    _submitted_and_confirmed(autodiagnostic, frame, network)
    export = exports.request_export(
        structure=network.structure,
        autodiagnostic=autodiagnostic,
        fmt="xlsx",
        user=network.user("lecteur"),
    )
    assert export.etat == ExportAutodiagnostic.Etat.PRET
    with export.fichier.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(exports.XLSX_COLUMNS)
    assert len(rows) == 1 + len(frame.criteres)
    first = dict(zip(exports.XLSX_COLUMNS, rows[1], strict=True))
    assert first["Code"] == "4.1.1"
    assert first["Niveau"] == 1
    assert first["Cotation déclarée"] == "Conforme"
    assert first["Cotation confirmée"] == "Non conforme"
    assert first["Commentaire"] == "Procédure en place"
    assert first["Commentaire de l'expert"] == "Procédure introuvable"
    assert first["Nombre de preuves"] == 1
    for preuve in autodiagnostic.reponses.get(critere__code="4.1.1").preuves.all():
        preuve.fichier.storage.delete(preuve.fichier.name)
    export.fichier.storage.delete(export.fichier.name)


def test_pdf_report_is_a_real_pdf_with_pages(autodiagnostic, frame_49, network, in_structure):
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=frame_49.version, annee=2017, user=network.user("referent")
    )
    answer_all(network.structure, autodiagnostic, frame_49, network.user("referent"), code="PC")
    content = exports.build_pdf(autodiagnostic)
    assert content.startswith(b"%PDF")
    assert pdf_page_count(content) >= 2  # rates and charts, then the 49 criteria


def test_same_data_gives_the_same_export_and_new_data_a_new_one(
    autodiagnostic, frame, network, django_capture_on_commit_callbacks
):
    first = exports.request_export(
        structure=network.structure,
        autodiagnostic=autodiagnostic,
        fmt="pdf",
        user=network.user("referent"),
    )
    again = exports.request_export(
        structure=network.structure,
        autodiagnostic=autodiagnostic,
        fmt="pdf",
        user=network.user("referent"),
    )
    assert again.pk == first.pk
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    with django_capture_on_commit_callbacks(execute=True):
        queued = exports.request_export(
            structure=network.structure,
            autodiagnostic=autodiagnostic,
            fmt="pdf",
            user=network.user("referent"),
            inline=False,
        )
    assert queued.pk != first.pk
    queued.refresh_from_db()
    assert queued.etat == ExportAutodiagnostic.Etat.PRET  # the Celery task ran (eager in tests)
    assert queued.progression == 100
    for export in (first, queued):
        export.fichier.storage.delete(export.fichier.name)


def test_an_export_moves_through_its_workflow_and_a_failure_is_retried_by_a_person(
    autodiagnostic, frame, network, monkeypatch
):
    """en attente → en cours → échec, then a person's retry → en attente → en cours → prêt:
    each move logged with its name and label (``workflow.EXPORT``), the retry with its author."""
    from accompagnement.diagnostics.workflow import EXPORT

    def broken(_autodiagnostic):
        raise ValueError("builder failed")

    referent = network.user("referent")
    monkeypatch.setitem(exports.BUILDERS, "xlsx", broken)
    with contextlib.suppress(ValueError):
        exports.request_export(
            structure=network.structure, autodiagnostic=autodiagnostic, fmt="xlsx", user=referent
        )
    export = ExportAutodiagnostic.objects.get(autodiagnostic=autodiagnostic, format="xlsx")
    assert export.etat == ExportAutodiagnostic.Etat.ECHEC and export.erreur == "ValueError"
    # a redelivered task does not rebuild a failed export: a person asks again
    assert exports.generate_export(export_id=export.pk).etat == ExportAutodiagnostic.Etat.ECHEC
    monkeypatch.undo()
    again = exports.request_export(
        structure=network.structure, autodiagnostic=autodiagnostic, fmt="xlsx", user=referent
    )
    assert again.pk == export.pk and again.etat == ExportAutodiagnostic.Etat.PRET
    assert again.progression == 100 and again.erreur == "" and again.fichier.name
    log = list(again.transitions.order_by("at", "pk"))
    assert [(t.transition, t.from_statut, t.to_statut) for t in log] == [
        ("create", "", "en_attente"),
        ("start", "en_attente", "en_cours"),
        ("fail", "en_cours", "echec"),
        ("retry", "echec", "en_attente"),
        ("start", "en_attente", "en_cours"),
        ("finish", "en_cours", "pret"),
    ]
    assert log[0].user == referent and log[3].user == referent and log[1].user is None
    assert [EXPORT.label(t.to_statut) for t in log[2:4]] == ["Échec", "En attente"]
    # a second run of a ready export changes nothing
    assert exports.generate_export(export_id=export.pk).transitions.count() == 6
    again.fichier.storage.delete(again.fichier.name)
