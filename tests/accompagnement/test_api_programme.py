"""What only pages did, now through the API: a meeting's minutes (questions, ideas with
counts, proposals turned into collective actions) and the quality policy with its axes."""

from __future__ import annotations

import pytest

from accompagnement.groupes.models import ActionCollective


@pytest.fixture
def reunion_id(network, api_client_for):
    response = api_client_for(network.user("expert")).post(
        "/api/v1/reunions/",
        {"groupe": network.groupe.pk, "date": "2031-03-01T09:30:00+01:00", "lieu": "Lille"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


MINUTES = {
    "compte_rendu": "Atelier sur l'accueil téléphonique.",
    "questions": ["Comment tracer les appels ?", "Qui rappelle ?"],
    "idees": [{"texte": "Cahier d'appels", "occurrences": 4}, {"texte": "Standard partagé"}],
    "propositions": [
        {"texte": "Modèle commun de cahier d'appels", "priorite": "haute", "horizon": "court"}
    ],
}


def test_expert_writes_the_minutes_and_turns_a_proposal_into_a_collective_action(
    network, api_client_for, reunion_id
):
    expert = api_client_for(network.user("expert"))
    url = f"/api/v1/reunions/{reunion_id}/compte-rendu/"
    response = expert.put(url, MINUTES, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["questions"] == MINUTES["questions"]
    assert body["idees"] == [
        {"texte": "Cahier d'appels", "occurrences": 4},
        {"texte": "Standard partagé", "occurrences": 1},
    ]
    (proposition,) = body["propositions"]
    assert proposition["action_collective"] is None
    converted = expert.post(
        f"/api/v1/reunions/{reunion_id}/propositions/{proposition['id']}/convert/",
        {},
        format="json",
    )
    assert converted.status_code == 201, converted.json()
    action = ActionCollective.objects.get(pk=converted.json()["id"])
    assert action.groupe == network.groupe and action.priorite == "haute"
    again = expert.post(
        f"/api/v1/reunions/{reunion_id}/propositions/{proposition['id']}/convert/",
        {},
        format="json",
    )
    assert again.status_code == 409
    read = api_client_for(network.user("pilote")).get(url).json()
    assert read["propositions"][0]["action_collective"] == action.pk


def test_minutes_refuse_an_idea_never_expressed(network, api_client_for, reunion_id):
    response = api_client_for(network.user("expert")).put(
        f"/api/v1/reunions/{reunion_id}/compte-rendu/",
        {**MINUTES, "idees": [{"texte": "X", "occurrences": 0}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "idees[0].occurrences"


@pytest.mark.parametrize(
    "role,status", [("directeur", 403), ("pilote_autre", 404), ("expert_autre", 404)]
)
def test_only_the_groups_expert_writes_minutes(network, api_client_for, reunion_id, role, status):
    response = api_client_for(network.user(role)).put(
        f"/api/v1/reunions/{reunion_id}/compte-rendu/", MINUTES, format="json"
    )
    assert response.status_code == status


POLICY = {
    "titre": "Politique qualité 2031",
    "engagement": "La direction s'engage.",
    "axes": [{"titre": f"Axe {n}", "description": f"Objectif {n}"} for n in range(1, 5)],
}


def test_director_writes_the_quality_policy_and_its_axes(network, api_client_for):
    url = "/s/alpha/api/v1/politique-qualite/"
    assert api_client_for(network.user("lecteur")).get(url).status_code == 404
    response = api_client_for(network.user("directeur")).put(url, POLICY, format="json")
    assert response.status_code == 200, response.json()
    assert [(a["numero"], a["titre"]) for a in response.json()["axes"]] == [
        (n, f"Axe {n}") for n in range(1, 5)
    ]
    read = api_client_for(network.user("expert")).get(url)
    assert read.status_code == 200 and read.json()["titre"] == "Politique qualité 2031"
    assert api_client_for(network.user("directeur_autre")).get(url).status_code == 404
    beta = api_client_for(network.user("directeur_autre")).get("/s/beta/api/v1/politique-qualite/")
    assert beta.status_code == 404


def test_quality_policy_needs_four_to_six_axes_and_an_editor(network, api_client_for):
    url = "/s/alpha/api/v1/politique-qualite/"
    response = api_client_for(network.user("directeur")).put(
        url, {**POLICY, "axes": POLICY["axes"][:3]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "axes"
    assert (
        api_client_for(network.user("lecteur")).put(url, POLICY, format="json").status_code == 403
    )
    assert api_client_for(network.user("expert")).put(url, POLICY, format="json").status_code == 403


def test_a_groups_meetings_calendar_by_token(network, api_client_for, reunion_id):
    url = "/api/v1/reunions/calendar/"
    response = api_client_for(network.user("directeur")).get(url, {"groupe": network.groupe.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content and b"Lille" in response.content
    other = api_client_for(network.user("directeur_autre")).get(url, {"groupe": network.groupe.pk})
    assert other.status_code == 404
    assert other["Content-Type"] == "application/json"
    assert api_client_for(network.user("expert")).get(url, {"groupe": "x"}).status_code == 404
