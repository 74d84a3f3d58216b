"""A campaign's page: who has submitted, who is late, "relancer" (once a day per
structure, logged) and the reminders' history."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accompagnement.reporting.models import Campagne, InstantaneBilan
from core.models import OutboxMessage
from tests.bilans.test_consolidation import make_structures


@pytest.fixture
def late_campaign(network):
    campagne = Campagne.objects.create(
        libelle="S1 test",
        semestre=1,
        annee=2030,
        echeance=timezone.localdate() - datetime.timedelta(days=3),
    )
    (done,) = make_structures(network, 1, prefix="remis")
    InstantaneBilan.objects.create(
        campagne=campagne,
        structure=done,
        structure_nom=done.nom,
        territoire_id=done.territoire_id,
        soumis_le=timezone.now() - datetime.timedelta(days=5),
    )
    return campagne


def test_pilot_sees_who_submitted_and_reminds_the_late_once(network, client_for, late_campaign):
    client = client_for(network.user("pilote"))
    url = f"/reporting/campagnes/{late_campaign.pk}/"
    page = client.get(url).content.decode()
    assert "1 bilan attendu" in page and "Structure Alpha" in page and "en retard" in page
    assert "1 bilan remis" in page and "remis 000" in page and "à temps" in page
    assert "Aucune relance envoyée." in page
    page = client.post(url, follow=True).content.decode()
    assert "1 relance envoyée." in page
    message = OutboxMessage.objects.get(key__startswith=f"campagne-relance:{late_campaign.pk}:")
    assert sorted(message.payload["to"]) == ["directeur@test.example", "referent@test.example"]
    assert "relance du pilote" in page and "2 destinataires" in page
    page = client.post(url, follow=True).content.decode()
    assert "Aucune relance de plus" in page
    assert OutboxMessage.objects.filter(key__startswith="campagne-relance:").count() == 1
    listing = client.get("/reporting/campagnes/").content.decode()
    assert f'href="/reporting/campagnes/{late_campaign.pk}/"' in listing


def test_other_territory_and_staff_see_nothing_of_ours(network, client_for, late_campaign):
    url = f"/reporting/campagnes/{late_campaign.pk}/"
    other = client_for(network.user("pilote_autre"))
    assert "Structure Alpha" not in other.get(url).content.decode()
    assert other.get(url, {"territoire": network.territoire.pk}).status_code == 404
    other.post(url, {"territoire": network.territoire.pk})
    assert not OutboxMessage.objects.filter(key__startswith="campagne-relance:").exists()
    for role in ("directeur", "expert", "sans_role"):
        assert client_for(network.user(role)).get(url).status_code == 404, role
        assert client_for(network.user(role)).post(url).status_code == 404, role
    assert not OutboxMessage.objects.filter(key__startswith="campagne-relance:").exists()


def test_federation_sees_the_network(network, client_for, late_campaign):
    page = (
        client_for(network.user("federation"))
        .get(f"/reporting/campagnes/{late_campaign.pk}/")
        .content.decode()
    )
    assert "Tout le réseau" in page and "Structure Beta" in page and "Structure Alpha" in page
