"""Home "À faire maintenant": each role's home lists what the data says they must do now.

The situation is built through the services (a self-diagnosis in progress and one
submitted, a late action, a deliverable sent back and one to decide, a campaign past its
deadline) and the rendered home page of each role is read.
"""

from __future__ import annotations

import pytest

EMPTY = "Rien à faire pour l'instant"


STAFF_ITEMS = [
    "9 critères à renseigner (autodiagnostic 2025)",
    "1 action en retard",
    "1 livrable à reprendre",
    "Bilan S1 test à remettre : échéance dépassée",
]


@pytest.mark.parametrize("role", ["directeur", "referent", "contributeur", "lecteur"])
def test_structure_staff_home_lists_their_structure_to_dos(
    role, network, situation, client_for, django_assert_max_num_queries
):
    client = client_for(network.user(role))
    with django_assert_max_num_queries(25):  # ~2 per app hook, in one schema
        page = client.get("/").content.decode()
    assert EMPTY not in page
    for item in STAFF_ITEMS:
        assert item in page, item
    assert "Structure Alpha · Autodiagnostic" in page
    # Links lead to the pages that show the same figures.
    assert f'href="/s/alpha/autodiagnostics/{situation["second"].pk}/"' in page
    assert 'href="/s/alpha/plan/?en_retard=1"' in page
    # The expert's work is not staff's to-do.
    assert "à confirmer" not in page and "livrable à valider" not in page
    # Same list on the structure's own home.
    structure_page = client.get("/s/alpha/").content.decode()
    for item in STAFF_ITEMS:
        assert item in structure_page, item


def test_expert_home_lists_confirmations_and_deliverables_to_decide(network, situation, client_for):
    page = client_for(network.user("expert")).get("/").content.decode()
    assert "Structure Alpha : 5 critères à confirmer (autodiagnostic 2024)" in page
    assert f"/s/alpha/autodiagnostics/{situation['first'].pk}/confirmation/" in page
    assert "1 livrable à valider" in page
    assert "9 critères à renseigner" not in page


def test_pilot_home_lists_the_ut_review_and_late_structures(network, situation, client_for):
    page = client_for(network.user("pilote")).get("/").content.decode()
    assert "Bilan S1 test de UT Test à ouvrir et remettre avant le" in page
    assert "S1 test · UT Test : 1 structure n&#x27;a pas remis son bilan" in page
    # The other territory's pilot sees their own territory, never ours.
    other = client_for(network.user("pilote_autre")).get("/").content.decode()
    assert "UT Test" not in other
    assert "Bilan S1 test de UT Autre" in other


def test_federation_home_lists_late_reviews_network_wide(network, situation, client_for):
    page = client_for(network.user("federation")).get("/").content.decode()
    assert "S1 test : 2 structures n&#x27;ont pas remis leur bilan" in page


def test_other_structure_staff_sees_none_of_ours(network, situation, client_for):
    page = client_for(network.user("directeur_autre")).get("/").content.decode()
    assert "Structure Alpha" not in page
    assert "critères à renseigner" not in page and "livrable" not in page


def test_up_to_date_structure_says_so(network, client_for):
    page = client_for(network.user("lecteur")).get("/").content.decode()
    assert "Ouvrir le premier autodiagnostic" not in page  # a reader does not open one
    assert EMPTY in page
