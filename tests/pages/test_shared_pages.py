"""Shared pages: the reader's "lecture seule" banner, the 403 page styled like the 404."""

from __future__ import annotations

import pytest


def test_reader_sees_the_read_only_banner_on_structure_pages(network, client_for):
    for path in ("/s/alpha/", "/s/alpha/plan/", "/s/alpha/autodiagnostics/"):
        page = client_for(network.user("lecteur")).get(path).content.decode()
        assert "Lecture seule" in page, path


@pytest.mark.parametrize("role", ["directeur", "referent", "expert", "pilote"])
def test_others_do_not_see_it(role, network, client_for):
    page = client_for(network.user(role)).get("/s/alpha/").content.decode()
    assert "Lecture seule" not in page


def test_forbidden_page_is_the_sites(network, client_for):
    # Creating a frame draft is the federation admin's: a director gets the styled 403.
    response = client_for(network.user("directeur")).get("/referentiels/nouveau/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Accès refusé" in page and "Revenir à l&#x27;accueil" not in page.split("<main")[0]
    assert 'class="card narrow"' in page and "Qualiréseau" in page
