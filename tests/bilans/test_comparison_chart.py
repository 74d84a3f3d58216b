"""The anonymised comparison of a structure's review, as a bar chart next to its table:
this structure, its territory's median and the network's, per indicator, equal to a
median computed here; no chart when nothing can be compared; another structure's people
get a 404."""

from __future__ import annotations

import html
import json
import re
import statistics

import pytest
from django.db import connection
from django.utils import timezone

from accompagnement.bilans import services
from accompagnement.reporting.models import InstantaneBilan
from tests.bilans.test_consolidation import make_structures

ALPHA = 0.8
TERRITORY = [0.5, 0.7, 0.9]  # three other structures of alpha's territory
ELSEWHERE = [0.1, 0.2]  # two structures of another territory


def _snapshot(campagne, structure, taux_declare):
    InstantaneBilan.objects.create(
        campagne=campagne,
        structure=structure,
        structure_nom=structure.nom,
        territoire_id=structure.territoire_id,
        soumis_le=timezone.now(),
        taux_declare=taux_declare,
    )


@pytest.fixture
def bilan(network, campagne):
    connection.set_tenant(network.structure)
    try:
        bilan = services.open_bilan(
            structure=network.structure, campagne=campagne, user=network.user("referent")
        )
    finally:
        connection.set_schema_to_public()
    return bilan


def _chart(page: str) -> dict | None:
    found = re.search(
        r'<script id="chart-data-chart-comparaison" type="application/json">(.*?)</script>',
        page,
        re.S,
    )
    return json.loads(html.unescape(found.group(1))) if found else None


@pytest.mark.parametrize("role", ["directeur", "referent", "lecteur", "expert", "pilote"])
def test_comparison_chart_shows_structure_territory_and_network(
    role, network, campagne, bilan, client_for
):
    _snapshot(campagne, network.structure, ALPHA)
    for structure, rate in zip(make_structures(network, 3), TERRITORY, strict=True):
        _snapshot(campagne, structure, rate)
    others = make_structures(network, 2, territoire=network.other_territoire, prefix="o")
    for structure, rate in zip(others, ELSEWHERE, strict=True):
        _snapshot(campagne, structure, rate)
    response = client_for(network.user(role)).get(f"/s/alpha/bilans/{bilan.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    chart = _chart(page)
    assert chart is not None and chart["type"] == "bar"
    assert chart["labels"][0] == "Taux de conformité déclaré"
    assert not any("_" in label for label in chart["labels"])  # labels, not keys
    structure, territory, network_median = (d["data"] for d in chart["datasets"])
    assert [d["color"] for d in chart["datasets"]] == ["structure", "territoire", "reseau"]
    assert structure[0] == 80.0
    assert territory[0] == round(100 * statistics.median([ALPHA, *TERRITORY]), 1)  # 75.0
    assert network_median[0] == round(100 * statistics.median([ALPHA, *TERRITORY, *ELSEWHERE]), 1)
    # Other indicators were not measured: nothing drawn for them, never a made-up 0.
    assert structure[1:] == territory[1:] == network_median[1:] == [None] * (len(structure) - 1)
    assert page.index("<table>") < page.index('id="chart-comparaison"')
    assert "js/charts" in page


def test_no_comparison_chart_when_nothing_is_known(network, campagne, bilan, client_for):
    """Alpha alone has no snapshot yet: medians over fewer than 3 structures are hidden,
    so there is nothing to draw."""
    page = client_for(network.user("referent")).get(f"/s/alpha/bilans/{bilan.pk}/")
    page = page.content.decode()
    assert _chart(page) is None
    assert 'id="chart-comparaison"' not in page and "js/charts" not in page


@pytest.mark.parametrize("role", ["directeur_autre", "expert_autre", "pilote_autre"])
def test_another_structures_people_get_a_404(role, network, campagne, bilan, client_for):
    _snapshot(campagne, network.structure, ALPHA)
    response = client_for(network.user(role)).get(f"/s/alpha/bilans/{bilan.pk}/")
    assert response.status_code == 404
