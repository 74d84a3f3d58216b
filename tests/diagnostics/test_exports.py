"""Exports produce real files: XLSX read back with openpyxl, PDF with its pages."""

from __future__ import annotations

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
        autodiagnostic, frame, network.user("referent"), code="C", commentaire="Procédure en place"
    )
    services.submit_autodiagnostic(autodiagnostic=autodiagnostic, user=network.user("referent"))
    reponse = autodiagnostic.reponses.get(critere__code="4.1.1")
    services.confirm_criterion(
        reponse=reponse,
        expert=network.user("expert"),
        valeur="NC",
        commentaire="Procédure introuvable",
    )


def test_xlsx_has_one_row_per_criterion(autodiagnostic, frame, network):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.add_preuve(
        reponse=autodiagnostic.reponses.get(critere__code="4.1.1"),
        fichier=SimpleUploadedFile("a.pdf", PDF),
        user=network.user("referent"),
    )
    _submitted_and_confirmed(autodiagnostic, frame, network)
    export = exports.request_export(
        autodiagnostic=autodiagnostic, fmt="xlsx", user=network.user("lecteur")
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
    answer_all(autodiagnostic, frame_49, network.user("referent"), code="PC")
    content = exports.build_pdf(autodiagnostic)
    assert content.startswith(b"%PDF")
    assert pdf_page_count(content) >= 2  # rates and charts, then the 49 criteria


def test_same_data_gives_the_same_export_and_new_data_a_new_one(
    autodiagnostic, frame, network, django_capture_on_commit_callbacks
):
    first = exports.request_export(
        autodiagnostic=autodiagnostic, fmt="pdf", user=network.user("referent")
    )
    again = exports.request_export(
        autodiagnostic=autodiagnostic, fmt="pdf", user=network.user("referent")
    )
    assert again.pk == first.pk
    answer_all(autodiagnostic, frame, network.user("referent"))
    with django_capture_on_commit_callbacks(execute=True):
        queued = exports.request_export(
            autodiagnostic=autodiagnostic, fmt="pdf", user=network.user("referent"), inline=False
        )
    assert queued.pk != first.pk
    queued.refresh_from_db()
    assert queued.etat == ExportAutodiagnostic.Etat.PRET  # the Celery task ran (eager in tests)
    assert queued.progression == 100
    for export in (first, queued):
        export.fichier.storage.delete(export.fichier.name)
