"""The dashboard says when each structure's figures were frozen: a confirmation finished
after the review was submitted does not change that review's snapshot (decision in
docs/bilans.md), so the pilot reads the date of the snapshot next to its rates."""

from __future__ import annotations

import datetime

from accompagnement.reporting.models import InstantaneBilan
from tests.bilans.conftest import campagne  # noqa: F401 (fixture)
from tests.bilans.test_consolidation import make_structures


def test_dashboard_shows_the_date_each_snapshot_was_taken(network, client_for, campagne):  # noqa: F811
    # 23:30 UTC on 5 January is already 6 January in Paris: the date shown is local.
    moment = datetime.datetime(2017, 1, 5, 23, 30, tzinfo=datetime.UTC)
    for structure in make_structures(network, 3):
        InstantaneBilan.objects.create(
            campagne=campagne,
            structure=structure,
            structure_nom=structure.nom,
            territoire_id=structure.territoire_id,
            soumis_le=moment,
            taux_declare=0.5,
            taux_confirme=0.4,
        )
    page = client_for(network.user("pilote")).get(
        "/reporting/tableau-de-bord/",
        {"campagne": campagne.pk, "territoire": network.territoire.pk},
    )
    html = page.content.decode()
    assert "Chiffres arrêtés au dépôt de chaque bilan" in html
    assert html.count("le 06/01/2017") == 3
