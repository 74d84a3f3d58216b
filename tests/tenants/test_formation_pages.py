"""``/reseau/formations/``: the federation admin lists the trainings and awareness sessions
(paginated) and records one with who attended; everybody else gets 403. An event
recorded through the page is counted by the dashboard ("experts formés")."""

from __future__ import annotations

import datetime
import re

import pytest

from tenants.models import EvenementFormation
from tests.bilans.conftest import campagne  # noqa: F401 (fixture)

URL = "/reseau/formations/"


def _training(network, **extra):
    return {
        "type": "formation_experts",
        "intitule": "Formation des experts — module 1",
        "date": "2016-09-15",
        "territoire": "",
        "experts": [network.user("expert").pk],
        **extra,
    }


def test_federation_sees_the_page_and_the_menu_entry(network, client_for):
    EvenementFormation.objects.create(
        type="sensibilisation_pilotes",
        intitule="Sensibilisation des pilotes 2016",
        date=datetime.date(2016, 3, 1),
        territoire=network.territoire,
    ).participants.set([network.user("pilote")])
    client = client_for(network.user("federation"))
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Formations et sensibilisations" in html
    assert "Sensibilisation des pilotes 2016" in html and network.territoire.nom in html
    assert 'data-testid="formation-form"' in html
    assert 'name="experts"' in html and 'name="pilotes"' in html
    home = client.get("/").content.decode()
    assert f'href="{URL}"' in home


@pytest.mark.parametrize(
    "role", ["pilote", "expert", "directeur", "referent", "lecteur", "directeur_autre", "sans_role"]
)
def test_other_roles_get_403_and_write_nothing(network, client_for, role):
    client = client_for(network.user(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, _training(network)).status_code == 403
    assert not EvenementFormation.objects.exists()
    assert f'href="{URL}"' not in client.get("/").content.decode()


def test_anonymous_is_sent_to_login(db, client_for):
    response = client_for(None).get(URL)
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_federation_records_a_training_through_the_page(network, client_for):
    client = client_for(network.user("federation"))
    response = client.post(URL, _training(network))
    assert response.status_code == 302, response.content.decode()[:2000]
    evenement = EvenementFormation.objects.get()
    assert evenement.type == "formation_experts"
    assert evenement.territoire is None
    assert evenement.created_by == network.user("federation")
    assert list(evenement.participants.all()) == [network.user("expert")]
    html = client.get(URL).content.decode()
    assert "enregistré (1 participant(s))" in html
    table = html.split('data-testid="formations"', 1)[1]
    assert "Formation des experts — module 1" in table and "15/09/2016" in table
    assert "National" in table


def test_a_pilot_in_a_training_is_refused_in_french_and_nothing_written(network, client_for):
    client = client_for(network.user("federation"))
    response = client.post(URL, _training(network, pilotes=[network.user("pilote_autre").pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Seuls des experts-réseau peuvent être inscrits à une formation des experts." in html
    assert 'id="id_pilotes_erreurs"' in html
    assert not EvenementFormation.objects.exists()


def test_missing_title_and_date_are_shown_next_to_the_fields(network, client_for):
    client = client_for(network.user("federation"))
    response = client.post(URL, _training(network, intitule="", date="pas une date"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_intitule_erreurs"' in html and 'id="id_date_erreurs"' in html
    assert "Le formulaire contient des erreurs" in html
    assert not EvenementFormation.objects.exists()


def test_the_list_is_paginated_with_bounded_queries(
    network, client_for, django_assert_max_num_queries
):
    for day in range(1, 26):
        EvenementFormation.objects.create(
            type="formation_experts", intitule=f"Session {day:02}", date=datetime.date(2016, 1, day)
        ).participants.set([network.user("expert")])
    client = client_for(network.user("federation"))
    client.get(URL)  # warm the session and the menu's caches
    with django_assert_max_num_queries(20):
        first = client.get(URL).content.decode()
    assert first.count("Session ") == 20 and "Session 25" in first and "Session 05" not in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert second.count("Session ") == 5 and "Session 01" in second


def _realisation_figure(html: str) -> str:
    match = re.search(
        r'Pilotes sensibilisés / experts formés</dt>\s*<dd><span class="kpi-value">([^<]*)<', html
    )
    assert match, "figure missing"
    return match.group(1)


def test_the_dashboard_counts_the_expert_trained_through_the_page(
    network,
    client_for,
    campagne,  # noqa: F811
):
    federation = client_for(network.user("federation"))
    dashboard = f"/reporting/tableau-de-bord/?campagne={campagne.pk}"
    assert _realisation_figure(federation.get(dashboard).content.decode()) == "0 / 0"
    assert federation.post(URL, _training(network)).status_code == 302
    assert _realisation_figure(federation.get(dashboard).content.decode()) == "0 / 1"
    # An event after the semester's end does not count for that campaign.
    later = _training(network, intitule="Plus tard", date="2017-02-01")
    later["experts"] = [network.user("expert_autre").pk]
    assert federation.post(URL, later).status_code == 302
    assert _realisation_figure(federation.get(dashboard).content.decode()) == "0 / 1"
