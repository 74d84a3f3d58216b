"""Trainings of experts and awareness sessions for pilots: recorded by the federation admin
(API and Django admin), counted in the consolidation ("experts formés", "pilotes
sensibilisés") instead of assignment counts."""

from __future__ import annotations

import datetime

import pytest

from accompagnement.reporting import selectors
from accompagnement.reporting.models import Campagne
from tenants.models import EvenementFormation, ExpertAffectation, User

API = "/api/v1/formations/"


@pytest.fixture
def campagne(network):
    return Campagne.objects.create(
        libelle="S2 2016",
        semestre=2,
        annee=2016,
        echeance=datetime.date(2017, 1, 10),
        ouverte_par=network.user("federation"),
    )


def _post(client, **data):
    return client.post(API, data, format="json")


@pytest.mark.parametrize(
    "role,status",
    [("federation", 200), ("pilote", 403), ("expert", 403), ("directeur", 403), (None, 401)],
)
def test_list_by_role(network, api_client_for, role, status):
    client = api_client_for(network.user(role) if role else None)
    assert client.get(API).status_code in ((401, 403) if status == 401 else (status,))


def test_federation_records_a_training_and_a_pilot_cannot(network, api_client_for):
    expert = network.user("expert")
    payload = {
        "type": "formation_experts",
        "intitule": "Formation des experts — module",
        "date": "2016-09-15",
        "participants": [expert.pk],
    }
    assert _post(api_client_for(network.user("pilote")), **payload).status_code == 403
    response = _post(api_client_for(network.user("federation")), **payload)
    assert response.status_code == 201, response.json()
    assert response.json()["participants"] == [expert.pk]
    listed = api_client_for(network.user("federation")).get(API).json()
    assert [e["intitule"] for e in listed] == ["Formation des experts — module"]


def test_a_non_expert_in_a_training_is_refused_and_nothing_is_written(network, api_client_for):
    response = _post(
        api_client_for(network.user("federation")),
        type="formation_experts",
        intitule="Formation",
        date="2016-09-15",
        participants=[network.user("expert").pk, network.user("directeur").pk],
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "participants" and "experts-réseau" in error["message"]
    assert not EvenementFormation.objects.exists()


def test_consolidation_counts_trained_experts_and_aware_pilots(network, campagne):
    from tenants import formations

    federation = network.user("federation")
    direct = User.objects.create_user(email="direct@test.example", password="x-long-password")
    ExpertAffectation.objects.create(expert=direct, structure=network.structure)
    formations.record_evenement(
        user=federation,
        type="formation_experts",
        intitule="Formation 2016",
        date=datetime.date(2016, 10, 1),
        participants=[network.user("expert"), direct, network.user("expert_autre")],
    )
    formations.record_evenement(
        user=federation,
        type="formation_experts",
        intitule="Formation 2017 (after the semester)",
        date=datetime.date(2017, 3, 1),
        participants=[network.user("expert")],
    )
    formations.record_evenement(
        user=federation,
        type="sensibilisation_pilotes",
        intitule="Sensibilisation",
        date=datetime.date(2016, 11, 1),
        participants=[network.user("pilote")],
    )
    territory = selectors.consolidate(
        selectors.Scope(campagne=campagne, territoire=network.territoire)
    )["familles"]["realisation"]
    # The territory's experts: the group's and the one assigned directly to its structure.
    assert territory["experts"] == 2
    assert territory["experts_formes"] == 2
    assert (territory["pilotes"], territory["pilotes_sensibilises"]) == (1, 1)
    whole = selectors.consolidate(selectors.Scope(campagne=campagne))["familles"]["realisation"]
    assert (whole["experts"], whole["experts_formes"]) == (3, 3)
    assert (whole["pilotes"], whole["pilotes_sensibilises"]) == (2, 1)


def test_django_admin_lists_the_events_for_the_federation_admin(network, client_for):
    admin = User.objects.create_superuser(email="root@test.example", password="x-long-password")
    assert client_for(admin).get("/admin/tenants/evenementformation/").status_code == 200
    assert client_for(network.user("pilote")).get(
        "/admin/tenants/evenementformation/"
    ).status_code in (302, 403)
