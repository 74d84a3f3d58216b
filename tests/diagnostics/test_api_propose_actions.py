"""Actions proposed from confirmed non-conformities through the API, each with its owner,
deadline and Shortell dimension; all or nothing; roles and other structures."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from accompagnement.plans.models import Action

BASE = "/s/alpha/api/v1/autodiagnostics/"


@pytest.fixture
def confirmed(autodiagnostic, frame, network, api_client_for):
    """Every criterion declared C; the expert confirms the first two NC, the rest as C."""
    connection.set_schema_to_public()
    url = f"{BASE}{autodiagnostic.pk}/"
    answers = [
        {"critere": c.code, "valeur": "C", "commentaire": "", "revision": 0} for c in frame.criteres
    ]
    referent = api_client_for(network.user("referent"))
    assert (
        referent.post(
            f"{url}reponses/bulk/", {"reponses": answers, "submit": True}, format="json"
        ).status_code
        == 200
    )
    corrections = [
        {"critere": c.code, "valeur": "NC", "commentaire": "Absent"} for c in frame.criteres[:2]
    ]
    response = api_client_for(network.user("expert")).post(
        f"{url}confirmations/bulk/",
        {"confirmations": corrections, "rest_as_declared": True, "finish": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    return autodiagnostic


def _actions(network):
    connection.set_tenant(network.structure)
    rows = list(Action.objects.values_list("titre", "responsable_id", "echeance", "dimension"))
    connection.set_schema_to_public()
    return rows


def test_expert_proposes_actions_with_owner_deadline_and_dimension(
    confirmed, frame, network, api_client_for
):
    first, second = frame.criteres[0].code, frame.criteres[1].code
    directeur = network.user("directeur")
    response = api_client_for(network.user("expert")).post(
        f"{BASE}{confirmed.pk}/propose-actions/",
        {
            "propositions": [
                {
                    "critere": first,
                    "responsable": directeur.pk,
                    "echeance": "2031-06-30",
                    "dimension": "culturelle",
                }
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert len(body) == 2
    rows = {titre.split(" ")[0]: rest for titre, *rest in _actions(network)}
    assert rows[first] == [directeur.pk, datetime.date(2031, 6, 30), "culturelle"]
    assert rows[second][0] is None
    # Idempotent: asking again creates nothing more.
    again = api_client_for(network.user("expert")).post(
        f"{BASE}{confirmed.pk}/propose-actions/", {}, format="json"
    )
    assert len(again.json()) == 2 and len(_actions(network)) == 2


def test_a_satisfied_criterion_or_an_outsider_refuses_everything(
    confirmed, frame, network, api_client_for
):
    satisfied = frame.criteres[3].code
    response = api_client_for(network.user("expert")).post(
        f"{BASE}{confirmed.pk}/propose-actions/",
        {
            "propositions": [
                {"critere": frame.criteres[0].code, "dimension": "technique"},
                {"critere": satisfied},
                {
                    "critere": frame.criteres[1].code,
                    "responsable": network.user("directeur_autre").pk,
                },
            ]
        },
        format="json",
    )
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("does_not_exist", "propositions[2].responsable"),
    ]
    response = api_client_for(network.user("expert")).post(
        f"{BASE}{confirmed.pk}/propose-actions/",
        {"propositions": [{"critere": frame.criteres[0].code}, {"critere": satisfied}]},
        format="json",
    )
    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("not_a_nonconformity", "propositions[1].critere")
    ]
    assert _actions(network) == []


@pytest.mark.parametrize(
    "role,status",
    [("expert", 200), ("directeur", 200), ("contributeur", 403), ("expert_autre", 404)],
)
def test_who_proposes_actions(confirmed, network, api_client_for, role, status):
    response = api_client_for(network.user(role)).post(
        f"{BASE}{confirmed.pk}/propose-actions/", {}, format="json"
    )
    assert response.status_code == status
