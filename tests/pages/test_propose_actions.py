""" "Proposer des actions": a review step sets each action's title, owner, deadline and
dimension before creating them from the confirmed non-conformities."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from accompagnement.diagnostics import services
from accompagnement.plans.models import Action
from referentiels.models import ReferentielVersion
from tests.bilans.conftest import Frame
from tests.diagnostics.conftest import answer_all


@pytest.fixture
def confirmed(in_structure, network):
    frame = Frame()
    ReferentielVersion.objects.filter(pk=frame.version.pk).update(
        statut=ReferentielVersion.Statut.PUBLIE
    )
    frame.version.refresh_from_db()
    autodiagnostic = services.create_autodiagnostic(
        structure=in_structure, version=frame.version, annee=2016, user=network.user("referent")
    )
    answer_all(network.structure, autodiagnostic, frame, network.user("referent"))
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=network.user("referent")
    )
    reponses = list(autodiagnostic.reponses.select_related("critere").order_by("critere__ordre"))
    for reponse, valeur in zip(reponses[:3], ["NC", "PC", "C"], strict=True):
        services.confirm_criterion(
            structure=network.structure,
            reponse=reponse,
            expert=network.user("expert"),
            valeur=valeur,
            commentaire="" if valeur == "C" else "Constaté",
        )
    connection.set_schema_to_public()
    return autodiagnostic, [r.critere for r in reponses[:2]]


def url(autodiagnostic) -> str:
    return f"/s/alpha/autodiagnostics/{autodiagnostic.pk}/actions/revue/"


def test_referent_reviews_then_creates_the_chosen_actions(confirmed, network, client_for):
    autodiagnostic, (first, second) = confirmed
    client = client_for(network.user("referent"))
    page = client.get(url(autodiagnostic)).content.decode()
    assert f'name="titre-{first.pk}"' in page and f'name="titre-{second.pk}"' in page
    owner = network.user("lecteur")
    response = client.post(
        url(autodiagnostic),
        {
            f"inclure-{first.pk}": "1",
            f"titre-{first.pk}": "Écrire la procédure d'accueil",
            f"responsable-{first.pk}": owner.pk,
            f"echeance-{first.pk}": "2030-01-31",
            f"dimension-{first.pk}": "culturelle",
            f"titre-{second.pk}": "non retenue",
            f"dimension-{second.pk}": "technique",
        },
        follow=True,
    )
    assert "1 action ajoutée au plan d&#x27;actions." in response.content.decode()
    connection.set_tenant(network.structure)
    action = Action.objects.get()
    assert (action.titre, action.responsable_id, action.echeance, action.dimension) == (
        "Écrire la procédure d'accueil",
        owner.pk,
        datetime.date(2030, 1, 31),
        "culturelle",
    )
    assert list(action.criteres.all()) == [first]
    connection.set_schema_to_public()
    page = client.get(url(autodiagnostic)).content.decode()
    assert f'name="titre-{first.pk}"' not in page and f'name="titre-{second.pk}"' in page


def test_a_bad_row_creates_nothing_and_says_why(confirmed, network, client_for):
    autodiagnostic, (first, second) = confirmed
    response = client_for(network.user("referent")).post(
        url(autodiagnostic),
        {
            f"inclure-{first.pk}": "1",
            f"titre-{first.pk}": "Procédure",
            f"responsable-{first.pk}": network.user("directeur_autre").pk,
            f"dimension-{first.pk}": "culturelle",
            f"inclure-{second.pk}": "1",
            f"titre-{second.pk}": "",
            f"dimension-{second.pk}": "technique",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Critère {first.code} : choisissez un responsable de la structure." in page
    assert f"Critère {second.code} : le titre est obligatoire." in page
    connection.set_tenant(network.structure)
    assert not Action.objects.exists()


@pytest.mark.parametrize("role", ["lecteur", "contributeur", "directeur_autre", "pilote"])
def test_only_managers_and_the_expert_propose(role, confirmed, network, client_for):
    autodiagnostic, (first, _second) = confirmed
    client = client_for(network.user(role))
    assert client.get(url(autodiagnostic)).status_code == 404
    client.post(url(autodiagnostic), {f"inclure-{first.pk}": "1", f"titre-{first.pk}": "x"})
    connection.set_tenant(network.structure)
    assert not Action.objects.exists()
