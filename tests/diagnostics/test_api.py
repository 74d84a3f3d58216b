"""Self-diagnosis API: roles, isolation, conflicts, query counts."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from accompagnement.diagnostics import services
from tests.diagnostics.conftest import answer_all

BASE = "/s/alpha/api/v1/autodiagnostics/"


@pytest.fixture
def created(autodiagnostic):
    connection.set_schema_to_public()
    return autodiagnostic


@pytest.mark.parametrize(
    "role,status",
    [
        ("referent", 200),
        ("lecteur", 200),
        ("expert", 200),
        ("pilote", 200),
        ("federation", 200),
        ("directeur_autre", 404),
        ("expert_autre", 404),
        ("sans_role", 404),
    ],
)
def test_list_by_role(created, api_client_for, network, role, status):
    response = api_client_for(network.user(role)).get(BASE)
    assert response.status_code == status
    if status == 200:
        assert [a["annee"] for a in response.json()] == [2016]


def test_other_structure_sees_nothing(created, api_client_for, network):
    response = api_client_for(network.user("directeur_autre")).get(
        "/s/beta/api/v1/autodiagnostics/"
    )
    assert response.status_code == 200
    assert response.json() == []
    assert (
        api_client_for(network.user("directeur_autre"))
        .get(f"/s/beta/api/v1/autodiagnostics/{created.pk}/")
        .status_code
        == 404
    )


def test_create_through_the_api(frame, api_client_for, network):
    client = api_client_for(network.user("directeur"))
    response = client.post(BASE, {"version": frame.version.pk, "annee": 2017}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["nb_criteres"] == len(frame.criteres)
    response = api_client_for(network.user("lecteur")).post(
        BASE, {"version": frame.version.pk, "annee": 2018}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "forbidden"


def test_patch_with_stale_revision_answers_409_with_the_other_answer(
    created, api_client_for, network
):
    url = f"{BASE}{created.pk}/reponses/"
    first = api_client_for(network.user("referent")).patch(
        url,
        {"critere": "4.1.1", "valeur": "C", "commentaire": "Affiché", "revision": 0},
        format="json",
    )
    assert first.status_code == 200, first.json()
    assert first.json()["revision"] == 1
    stale = api_client_for(network.user("contributeur")).patch(
        url,
        {"critere": "4.1.1", "valeur": "NC", "commentaire": "Absent", "revision": 0},
        format="json",
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["errors"][0]["code"] == "stale_answer"
    assert body["details"]["current"]["valeur"] == "C"
    assert body["details"]["current"]["commentaire"] == "Affiché"


def test_reader_cannot_patch_and_bad_value_is_400(created, api_client_for, network):
    url = f"{BASE}{created.pk}/reponses/"
    payload = {"critere": "4.1.1", "valeur": "C", "revision": 0}
    assert (
        api_client_for(network.user("lecteur")).patch(url, payload, format="json").status_code
        == 403
    )
    response = api_client_for(network.user("referent")).patch(
        url, {**payload, "valeur": "ZZ"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "code": "value_not_on_scale",
        "field": "valeur",
        "message": response.json()["errors"][0]["message"],
    }


def test_submit_confirm_and_scores(created, frame, api_client_for, network):
    connection.set_tenant(network.structure)
    answer_all(network.structure, created, frame, network.user("referent"))
    connection.set_schema_to_public()
    referent, expert = (
        api_client_for(network.user("referent")),
        api_client_for(network.user("expert")),
    )
    assert (
        referent.post(f"{BASE}{created.pk}/submit/", {}, format="json").json()["statut"] == "soumis"
    )
    confirm = {"critere": "4.1.1", "valeur": "PC", "commentaire": "Procédure partielle"}
    assert (
        referent.post(f"{BASE}{created.pk}/confirmations/", confirm, format="json").status_code
        == 403
    )
    assert (
        api_client_for(network.user("expert_autre"))
        .post(f"{BASE}{created.pk}/confirmations/", confirm, format="json")
        .status_code
        == 404
    )
    response = expert.post(f"{BASE}{created.pk}/confirmations/", confirm, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["confirmation"]["valeur"] == "PC"
    assert [
        r["critere"]["code"] for r in expert.get(f"{BASE}{created.pk}/confirmations/").json()
    ] == ["4.1.1"]
    scores = referent.get(f"{BASE}{created.pk}/scores/").json()
    # One vocabulary: rates and gaps are fractions (0–1) in the API.
    assert scores["module"]["declare"]["taux"] == 1.0
    assert scores["module"]["confirme"]["taux"] == 0.5
    assert scores["module"]["ecart"] == 0.5
    assert [c["ecart"] for c in scores["criteres"] if c["code"] == "4.1.1"] == [0.5]


def test_answer_rows_and_scores_endpoints_query_count_is_bounded(
    in_structure,
    frame_49,
    network,
    api_client_for,
    django_assert_max_num_queries,
):
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=frame_49.version, annee=2016, user=network.user("referent")
    )
    answer_all(network.structure, autodiagnostic, frame_49, network.user("referent"), code="PC")
    connection.set_schema_to_public()
    client = api_client_for(network.user("referent"))
    for path in ("scores/", "reponses/"):
        client.get(f"{BASE}{autodiagnostic.pk}/{path}")  # token, caches
        with django_assert_max_num_queries(15):
            response = client.get(f"{BASE}{autodiagnostic.pk}/{path}")
        assert response.status_code == 200
    assert len(response.json()) == 49


def test_export_xlsx_through_the_api(created, api_client_for, network):
    response = api_client_for(network.user("lecteur")).get(
        f"{BASE}{created.pk}/export/?format=xlsx"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 6
    response = api_client_for(network.user("lecteur")).get(f"{BASE}{created.pk}/export/?format=pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
