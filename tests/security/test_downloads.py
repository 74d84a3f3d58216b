"""Files served for download are inert: attachment, nosniff, sandboxing CSP, inert type.

A PDF/HTML polyglot (a valid ``%PDF`` header followed by an HTML page with a script) is
uploaded as evidence and as a deliverable, then downloaded through the pages; generated
exports (register, plan, frame through the API) carry the same headers.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accompagnement.diagnostics import services as diagnostic_services
from accompagnement.livrables import services as livrable_services
from core import downloads
from tests.accompagnement.conftest import types_livrable  # noqa: F401 - pytest fixture

POLYGLOT = (
    b"%PDF-1.4\n%<html><body><script>alert(document.cookie)</script></body></html>\n"
    b"1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
)


def assert_inert(response, content_type: str | None = None) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    if content_type:
        assert response["Content-Type"].startswith(content_type)


@pytest.mark.parametrize(
    ("name", "claimed", "served"),
    [
        ("preuve.pdf", None, "application/pdf"),
        ("page.html", "text/html", "application/octet-stream"),
        ("image.svg", None, "application/octet-stream"),
        ("x.pdf", "text/html; charset=utf-8", "application/octet-stream"),
        ("plan.xlsx", None, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("sans-extension", None, "application/octet-stream"),
    ],
)
def test_only_inert_content_types_are_served(name, claimed, served):
    assert downloads.inert_content_type(name, claimed) == served


def test_evidence_download_is_inert(autodiagnostic, network, client_for):
    reponse = autodiagnostic.reponses.first()
    preuve = diagnostic_services.add_preuve(
        structure=network.structure,
        reponse=reponse,
        fichier=SimpleUploadedFile("preuve.pdf", POLYGLOT, content_type="text/html"),
        user=network.user("referent"),
    )
    response = client_for(network.user("lecteur")).get(
        f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/preuves/{preuve.pk}/"
    )
    assert_inert(response, "application/pdf")
    assert 'filename="preuve.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == POLYGLOT


def test_deliverable_download_is_inert(in_structure, network, client_for, types_livrable):  # noqa: F811
    livrable = livrable_services.create_livrable(
        structure=network.structure,
        user=network.user("referent"),
        type_livrable=types_livrable["dipc"],
    )
    version = livrable_services.upload_version(
        structure=network.structure,
        user=network.user("referent"),
        livrable=livrable,
        fichier=SimpleUploadedFile("livret.pdf", POLYGLOT, content_type="application/pdf"),
    )
    response = client_for(network.user("expert")).get(
        f"/s/alpha/livrables/versions/{version.pk}/fichier/"
    )
    assert_inert(response, "application/pdf")


def test_generated_exports_are_inert(in_structure, network, client_for):
    client = client_for(network.user("lecteur"))
    assert_inert(client.get("/s/alpha/registres/reclamations/export.xlsx"))
    assert_inert(client.get("/s/alpha/plan/export.xlsx"))


def test_frame_export_through_the_api_is_inert(frame, network, api_client_for):
    response = api_client_for(network.user("federation")).get(
        f"/api/v1/referentiels/{frame.version.pk}/export/?format=json"
    )
    assert_inert(response, "application/json")
