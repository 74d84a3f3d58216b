"""The action page: everything about an action, its edit form and its history."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from accompagnement.plans import services
from accompagnement.plans.models import Action
from tests.factories import build_frame


@pytest.fixture
def action(in_structure, network):
    created = services.create_action(
        structure=in_structure,
        user=network.user("referent"),
        titre="Écrire la procédure d'accueil",
        description="Avec l'équipe d'intervention.",
        dimension="structurelle",
        origine="autodiagnostic",
    )
    services.change_action_status(
        structure=in_structure,
        user=network.user("referent"),
        action=created,
        statut="en_cours",
        commentaire="On s'y met",
    )
    connection.set_schema_to_public()
    return created


def url(action) -> str:
    return f"/s/alpha/plan/actions/{action.pk}/"


def test_staff_sees_the_action_with_labels_and_history(action, network, client_for):
    page = client_for(network.user("referent")).get(url(action)).content.decode()
    assert "Écrire la procédure d&#x27;accueil" in page
    assert "Structurelle" in page and "Autodiagnostic" in page and "Moyenne" in page
    assert "À faire → En cours" in page and "« On s&#x27;y met »" in page
    assert "Modifier l'action" in page
    plan = client_for(network.user("referent")).get("/s/alpha/plan/").content.decode()
    assert f'href="/s/alpha/plan/actions/{action.pk}/"' in plan


def test_referent_edits_every_field(action, network, client_for):
    frame = build_frame()
    critere = frame.criteres[0]
    owner = network.user("lecteur")
    response = client_for(network.user("referent")).post(
        url(action),
        {
            "titre": "Procédure d'accueil écrite",
            "description": "",
            "responsable": owner.pk,
            "echeance": "2030-03-31",
            "avancement": "40",
            "priorite": "haute",
            "dimension": "culturelle",
            "axe": "",
            "criteres": [critere.pk],
        },
    )
    assert response.status_code == 302
    connection.set_tenant(network.structure)
    saved = Action.objects.get(pk=action.pk)
    assert (saved.titre, saved.responsable_id, saved.echeance, saved.avancement) == (
        "Procédure d'accueil écrite",
        owner.pk,
        datetime.date(2030, 3, 31),
        40,
    )
    assert (saved.priorite, saved.dimension) == ("haute", "culturelle")
    assert list(saved.criteres.values_list("pk", flat=True)) == [critere.pk]


def test_owner_must_be_of_the_structure(action, network, client_for):
    response = client_for(network.user("referent")).post(
        url(action),
        {
            "titre": "x",
            "responsable": network.user("directeur_autre").pk,
            "avancement": "10",
            "priorite": "haute",
            "dimension": "culturelle",
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    connection.set_tenant(network.structure)
    assert Action.objects.get(pk=action.pk).titre == "Écrire la procédure d'accueil"


def test_reader_reads_without_form_and_cannot_post(action, network, client_for):
    client = client_for(network.user("lecteur"))
    page = client.get(url(action)).content.decode()
    assert "Écrire la procédure" in page and "Modifier l'action" not in page
    assert client.post(url(action), {"titre": "pirate"}).status_code == 404


@pytest.mark.parametrize("role", ["directeur_autre", "expert_autre", "pilote_autre"])
def test_other_structures_people_get_404(role, action, network, client_for):
    assert client_for(network.user(role)).get(url(action)).status_code == 404


def test_unknown_action_is_404(in_structure, network, client_for):
    connection.set_schema_to_public()
    assert (
        client_for(network.user("referent")).get("/s/alpha/plan/actions/999999/").status_code == 404
    )
