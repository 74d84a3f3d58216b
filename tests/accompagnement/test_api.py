"""API of deliverables, actions, collective actions, meetings and attendance."""

from __future__ import annotations

import pytest

from accompagnement.groupes.models import SuiviActionCollective
from tests.accompagnement.conftest import PDF, pdf_file

BASE = "/s/alpha/api/v1"


def _upload(api_client_for, network, types_livrable):
    client = api_client_for(network.user("referent"))
    response = client.post(
        f"{BASE}/livrables/",
        {"type_livrable": "livret-accueil", "titre": "Livret 2016"},
        format="json",
    )
    assert response.status_code == 201, response.content
    livrable_id = response.json()["id"]
    response = client.post(
        f"{BASE}/livrables/{livrable_id}/versions/", {"fichier": pdf_file()}, format="multipart"
    )
    assert response.status_code == 201, response.content
    return livrable_id, response.json()["id"]


def test_deliverable_workflow_through_the_api(network, types_livrable, api_client_for):
    livrable_id, version_id = _upload(api_client_for, network, types_livrable)
    response = api_client_for(network.user("contributeur")).post(
        f"{BASE}/livrable-versions/{version_id}/soumettre/"
    )
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "forbidden"
    response = api_client_for(network.user("directeur")).post(
        f"{BASE}/livrable-versions/{version_id}/soumettre/"
    )
    assert response.status_code == 200 and response.json()["statut"] == "soumis"
    response = api_client_for(network.user("expert")).post(
        f"{BASE}/livrable-versions/{version_id}/decision/",
        {"decision": "a_reprendre"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "commentaire"
    response = api_client_for(network.user("expert")).post(
        f"{BASE}/livrable-versions/{version_id}/decision/",
        {"decision": "valide", "commentaire": "Très bien"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["statut"] == "valide"
    detail = api_client_for(network.user("lecteur")).get(f"{BASE}/livrables/{livrable_id}/").json()
    transitions = detail["versions"][0]["transitions"]
    assert [t["vers"] for t in transitions] == ["soumis", "valide"]
    # each state with its label from the workflow's declaration, next to its code
    assert [(t["de"], t["de_libelle"], t["vers"], t["vers_libelle"]) for t in transitions] == [
        ("brouillon", "Brouillon", "soumis", "Soumis"),
        ("soumis", "Soumis", "valide", "Validé"),
    ]


@pytest.mark.parametrize("role", ["directeur_autre", "expert_autre", "sans_role"])
def test_other_structures_people_get_404(network, types_livrable, api_client_for, role):
    _livrable_id, version_id = _upload(api_client_for, network, types_livrable)
    client = api_client_for(network.user(role))
    assert client.get(f"{BASE}/livrables/").status_code == 404
    assert (
        client.post(
            f"{BASE}/livrable-versions/{version_id}/decision/",
            {"decision": "valide"},
            format="json",
        ).status_code
        == 404
    )
    assert client.get(f"{BASE}/actions/").status_code == 404


def test_upload_refuses_a_disguised_file(network, types_livrable, api_client_for):
    client = api_client_for(network.user("referent"))
    livrable_id = client.post(
        f"{BASE}/livrables/", {"type_livrable": "devis"}, format="json"
    ).json()["id"]
    response = client.post(
        f"{BASE}/livrables/{livrable_id}/versions/",
        {"fichier": pdf_file("x.pdf", b"MZ" + PDF)},
        format="multipart",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "file_type"


def test_actions_and_status_through_the_api(network, api_client_for):
    client = api_client_for(network.user("referent"))
    response = client.post(
        f"{BASE}/actions/",
        {"titre": "Former les intervenants", "dimension": "culturelle"},
        format="json",
    )
    assert response.status_code == 201, response.content
    action_id = response.json()["id"]
    response = client.post(f"{BASE}/actions/{action_id}/statut/", {"statut": "fait"}, format="json")
    assert response.json()["statut"] == "fait" and response.json()["avancement"] == 100
    response = client.post(
        f"{BASE}/actions/{action_id}/statut/", {"statut": "abandonne"}, format="json"
    )
    assert response.status_code == 409
    assert [a["id"] for a in client.get(f"{BASE}/actions/?statut=fait").json()["results"]] == [
        action_id
    ]
    lecteur = api_client_for(network.user("lecteur"))
    assert (
        lecteur.post(
            f"{BASE}/actions/{action_id}/statut/", {"statut": "en_cours"}, format="json"
        ).status_code
        == 403
    )


def test_collective_actions_meetings_and_attendance(network, api_client_for):
    expert = api_client_for(network.user("expert"))
    response = expert.post(
        "/api/v1/actions-collectives/",
        {"groupe": network.groupe.pk, "titre": "Devis commun", "horizon": "court"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert SuiviActionCollective.objects.filter(
        action_collective_id=response.json()["id"], structure=network.structure
    ).exists()
    assert (
        api_client_for(network.user("referent"))
        .post(
            "/api/v1/actions-collectives/",
            {"groupe": network.groupe.pk, "titre": "x"},
            format="json",
        )
        .status_code
        == 403
    )
    assert (
        api_client_for(network.user("expert_autre"))
        .get("/api/v1/actions-collectives/")
        .json()["results"]
        == []
    )
    response = expert.post(
        "/api/v1/reunions/",
        {"groupe": network.groupe.pk, "date": "2026-03-01T09:30:00+01:00", "lieu": "Lille"},
        format="json",
    )
    assert response.status_code == 201, response.content
    reunion_id = response.json()["id"]
    response = expert.post(
        f"/api/v1/reunions/{reunion_id}/emargements/",
        {"structure": network.structure.pk, "participants": "Référente"},
        format="json",
    )
    assert response.status_code == 201 and len(response.json()) == 1
    assert (
        api_client_for(network.user("directeur_autre"))
        .get(f"/api/v1/reunions/{reunion_id}/")
        .status_code
        == 404
    )


def test_review_queue_endpoint(network, types_livrable, api_client_for):
    _livrable_id, version_id = _upload(api_client_for, network, types_livrable)
    api_client_for(network.user("directeur")).post(
        f"{BASE}/livrable-versions/{version_id}/soumettre/"
    )
    rows = (
        api_client_for(network.user("expert"))
        .get("/api/v1/revue-livrables/?type=livret-accueil")
        .json()["results"]
    )
    assert [(r["structure"], r["version_id"]) for r in rows] == [("alpha", version_id)]
    assert (
        api_client_for(network.user("expert_autre"))
        .get("/api/v1/revue-livrables/")
        .json()["results"]
        == []
    )


def test_openapi_schema_has_our_endpoints_without_warnings(db, capsys):
    """No warning of drf-spectacular names our API (other domains answer for theirs)."""
    from drf_spectacular.generators import SchemaGenerator

    from api.urls import schema_patterns

    schema = SchemaGenerator(patterns=schema_patterns()).get_schema(request=None, public=True)
    warnings = [line for line in capsys.readouterr().err.splitlines() if "accompagnement" in line]
    assert warnings == []
    # Our status enums carry explicit names (no hash-suffixed collision names).
    components = schema["components"]["schemas"]
    assert components["StatutActionEnum"]["enum"] == ["a_faire", "en_cours", "fait", "abandonne"]
    assert components["StatutLivrableVersionEnum"]["enum"] == [
        "brouillon",
        "soumis",
        "valide",
        "a_reprendre",
    ]
    paths = "\n".join(schema["paths"])
    for path in (
        "/livrables/",
        "/livrable-versions/{id}/decision/",
        "/actions/{id}/statut/",
        "/actions-collectives/",
        "/reunions/{id}/emargements/",
        "/revue-livrables/",
        "/livrables/{id}/versions/",
    ):
        assert path in paths
