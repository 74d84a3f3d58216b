"""Deliverable pages: who sees them, upload, submit and decide through the forms, download."""

from __future__ import annotations

import pytest

from accompagnement.livrables import services
from accompagnement.livrables.models import LivrableVersion
from tests.accompagnement.conftest import PDF, pdf_file

BASE = "/s/alpha/livrables/"


@pytest.fixture
def version(in_structure, network, types_livrable):
    livrable = services.create_livrable(
        structure=network.structure,
        user=network.user("referent"),
        type_livrable=types_livrable["dipc"],
    )
    return services.upload_version(
        structure=network.structure,
        user=network.user("referent"),
        livrable=livrable,
        fichier=pdf_file(),
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("directeur", 200),
        ("referent", 200),
        ("contributeur", 200),
        ("lecteur", 200),
        ("expert", 200),
        ("pilote", 200),
        ("federation", 200),
        ("directeur_autre", 404),
        ("expert_autre", 404),
        ("sans_role", 404),
    ],
)
def test_pages_and_download_by_role(network, version, client_for, role, status):
    client = client_for(network.user(role))
    assert client.get(BASE).status_code == status
    assert client.get(f"{BASE}{version.livrable_id}/").status_code == status
    response = client.get(f"{BASE}versions/{version.pk}/fichier/")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF


def test_upload_through_the_page_and_field_errors(
    network, types_livrable, client_for, in_structure
):
    client = client_for(network.user("contributeur"))
    response = client.post(
        BASE, {"type_livrable": types_livrable["devis"].pk, "fichier": pdf_file("devis.exe", b"MZ")}
    )
    assert (
        response.status_code == 400 and "Type de fichier non accepté" in response.content.decode()
    )
    response = client.post(
        BASE, {"type_livrable": types_livrable["devis"].pk, "fichier": pdf_file("devis.pdf")}
    )
    assert response.status_code == 302
    assert (
        LivrableVersion.objects.filter(livrable__type_livrable=types_livrable["devis"]).count() == 1
    )
    assert (
        client_for(network.user("lecteur"))
        .post(BASE, {"type_livrable": types_livrable["devis"].pk, "fichier": pdf_file()})
        .status_code
        == 404
    )


def test_submit_then_decide_through_the_forms(network, version, client_for):
    assert (
        client_for(network.user("contributeur"))
        .post(f"{BASE}versions/{version.pk}/soumettre/")
        .status_code
        == 404
    )
    assert (
        client_for(network.user("referent"))
        .post(f"{BASE}versions/{version.pk}/soumettre/")
        .status_code
        == 302
    )
    expert = client_for(network.user("expert"))
    response = expert.post(
        f"{BASE}versions/{version.pk}/decision/", {"decision": "a_reprendre", "commentaire": ""}
    )
    assert (
        response.status_code == 400 and "commentaire est obligatoire" in response.content.decode()
    )
    response = expert.post(
        f"{BASE}versions/{version.pk}/decision/",
        {"decision": "a_reprendre", "commentaire": "Compléter"},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.statut == "a_reprendre"
    page = (
        client_for(network.user("directeur")).get(f"{BASE}{version.livrable_id}/").content.decode()
    )
    # the history speaks in labels, never in raw codes
    assert "Compléter" in page and "Soumis → À reprendre" in page
    assert "soumis → a_reprendre" not in page


def test_federation_admin_adds_a_deliverable_type(network, client_for):
    client = client_for(network.user("federation"))
    response = client.post(
        "/groupes/types-livrables/",
        {"code": "charte-droits", "libelle": "Charte des droits et libertés"},
    )
    assert response.status_code == 302
    response = client.post(
        "/groupes/types-livrables/", {"code": "charte-droits", "libelle": "Doublon"}
    )
    assert response.status_code == 400 and "déjà utilisé" in response.content.decode()
    assert client_for(network.user("expert")).get("/groupes/types-livrables/").status_code == 404
