"""Campaigns: who opens them, reminders once per structure and step, territorial review."""

from __future__ import annotations

import datetime

import pytest

from accompagnement.reporting import services
from accompagnement.reporting.models import BilanTerritoire, Campagne, InstantaneBilan
from core.errors import BusinessError


def test_pilot_opens_a_campaign_for_their_territory_only(network):
    pilote = network.user("pilote")
    campagne = services.open_campagne(
        user=pilote,
        libelle="S1 2017",
        semestre=1,
        annee=2017,
        echeance=datetime.date(2017, 7, 10),
        territoire=network.territoire,
    )
    assert campagne.ouverte_par == pilote
    with pytest.raises(BusinessError):
        services.open_campagne(
            user=pilote,
            libelle="x",
            semestre=1,
            annee=2017,
            echeance=datetime.date(2017, 7, 10),
            territoire=network.other_territoire,
        )
    with pytest.raises(BusinessError):
        services.open_campagne(
            user=pilote, libelle="x", semestre=1, annee=2017, echeance=datetime.date(2017, 7, 10)
        )
    with pytest.raises(BusinessError) as error:
        services.open_campagne(
            user=network.user("federation"),
            libelle="S1 2017",
            semestre=1,
            annee=2017,
            echeance=datetime.date(2017, 7, 10),
            territoire=network.territoire,
        )
    assert error.value.code == "campagne_exists"


def test_campaigns_api_lists_what_a_person_follows(network, api_client_for):
    services.open_campagne(
        user=network.user("federation"),
        libelle="S2 2016",
        semestre=2,
        annee=2016,
        echeance=datetime.date(2017, 1, 10),
    )
    services.open_campagne(
        user=network.user("pilote_autre"),
        libelle="UT autre",
        semestre=1,
        annee=2017,
        echeance=datetime.date(2017, 7, 10),
        territoire=network.other_territoire,
    )
    labels = {
        c["libelle"]
        for c in api_client_for(network.user("pilote")).get("/api/v1/campagnes/").json()["results"]
    }
    assert labels == {"S2 2016"}
    created = api_client_for(network.user("directeur")).post(
        "/api/v1/campagnes/",
        {"semestre": 1, "annee": 2018, "echeance": "2018-07-10"},
        format="json",
    )
    assert created.status_code == 404


def test_reminders_go_once_per_structure_and_step(
    network, campagne, mailoutbox, django_capture_on_commit_callbacks
):
    due = campagne.echeance
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.send_campaign_reminders(today=due - datetime.timedelta(days=7)) == 2
        )  # alpha and beta
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_campaign_reminders(today=due - datetime.timedelta(days=7)) == 0
        assert services.send_campaign_reminders(today=due - datetime.timedelta(days=6)) == 0
    alpha = [m for m in mailoutbox if "Structure Alpha" in m.body]
    assert len(alpha) == 1
    assert sorted(alpha[0].to) == ["directeur@test.example", "referent@test.example"]
    assert services.send_campaign_reminders(today=due - datetime.timedelta(days=20)) == 0
    # Beta submits; the J+1 reminder goes to Alpha only, once.
    InstantaneBilan.objects.create(
        campagne=campagne,
        structure=network.other_structure,
        structure_nom="Beta",
        soumis_le=datetime.datetime(2017, 1, 9, tzinfo=datetime.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_campaign_reminders(today=due + datetime.timedelta(days=1)) == 1
        assert services.send_campaign_reminders(today=due + datetime.timedelta(days=2)) == 0
    assert len(mailoutbox) == 3


def test_territorial_review_is_prefilled_edited_and_submitted_by_its_pilot(
    network, campagne, api_client_for
):
    client = api_client_for(network.user("pilote"))
    opened = client.post(
        "/api/v1/bilans-territoire/",
        {"campagne": campagne.pk, "territoire": network.territoire.pk},
        format="json",
    )
    assert opened.status_code == 201, opened.content
    assert opened.json()["nb_structures_engagees"] == 1
    url = f"/api/v1/bilans-territoire/{opened.json()['id']}/"
    assert client.patch(url, {"difficultes_ut": "Disponibilité"}, format="json").status_code == 200
    assert api_client_for(network.user("pilote_autre")).get(url).status_code == 404
    assert (
        api_client_for(network.user("pilote_autre"))
        .post(
            "/api/v1/bilans-territoire/",
            {"campagne": campagne.pk, "territoire": network.territoire.pk},
            format="json",
        )
        .status_code
        == 404
    )
    assert client.post(f"{url}soumettre/", {}, format="json").status_code == 200
    assert client.patch(url, {"remarques": "x"}, format="json").status_code == 409
    bilan = BilanTerritoire.objects.get()
    assert bilan.statut == "soumis" and bilan.transitions.count() == 1


def test_campaign_unique_per_semester_and_scope(network):
    Campagne.objects.create(libelle="a", semestre=1, annee=2017, echeance=datetime.date(2017, 7, 1))
    with pytest.raises(BusinessError):
        services.open_campagne(
            user=network.user("federation"),
            libelle="b",
            semestre=1,
            annee=2017,
            echeance=datetime.date(2017, 7, 1),
        )
