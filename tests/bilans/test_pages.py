"""Review and dashboard pages: scope by role, exports, bounded query counts."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from accompagnement.bilans import services
from accompagnement.bilans.models import BilanStructure
from tests.bilans.test_consolidation import make_structures, snapshot

DASHBOARD = "/reporting/tableau-de-bord/"


def test_pilot_dashboard_shows_only_their_territory(network, client_for, campagne):
    for structure in make_structures(network, 3):
        snapshot(campagne, structure, taux_declare=0.5)
    for structure in make_structures(
        network, 3, territoire=network.other_territoire, prefix="autre"
    ):
        snapshot(campagne, structure, taux_declare=0.9)
    client = client_for(network.user("pilote"))
    page = client.get(DASHBOARD, {"campagne": campagne.pk}).content.decode()
    assert "s 000" in page and "autre 000" not in page
    assert (
        client.get(
            DASHBOARD, {"campagne": campagne.pk, "territoire": network.other_territoire.pk}
        ).status_code
        == 404
    )
    for role in ("directeur", "expert", "sans_role"):
        assert client_for(network.user(role)).get(DASHBOARD).status_code == 404


def test_federation_dashboard_drills_down_network_territory_group(network, client_for, campagne):
    for structure in make_structures(network, 3, groupe=network.groupe):
        snapshot(campagne, structure, groupe_ids=[network.groupe.pk], taux_declare=0.5)
    client = client_for(network.user("federation"))
    network_page = client.get(DASHBOARD, {"campagne": campagne.pk}).content.decode()
    assert "UT Test" in network_page and "UT Autre" in network_page
    territory_page = client.get(
        DASHBOARD, {"campagne": campagne.pk, "territoire": network.territoire.pk}
    )
    assert "Groupe Test" in territory_page.content.decode()
    group_page = client.get(
        DASHBOARD,
        {"campagne": campagne.pk, "territoire": network.territoire.pk, "groupe": network.groupe.pk},
    )
    assert "s 002" in group_page.content.decode()


def test_dashboard_query_count_does_not_grow_with_structures(
    network, client_for, campagne, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(network.user("pilote"))
    counts = []
    for batch, prefix in ((3, "a"), (40, "b")):
        for structure in make_structures(network, batch, groupe=network.groupe, prefix=prefix):
            snapshot(
                campagne,
                structure,
                groupe_ids=[network.groupe.pk],
                taux_declare=0.5,
                themes={"4.2": {"declare": 0.5, "confirme": 0.4}},
            )
        with CaptureQueriesContext(connection) as context:
            assert client.get(DASHBOARD, {"campagne": campagne.pk}).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(
        45
    ):  # the page's menus and to-dos (every app's hooks) included
        client.get(DASHBOARD, {"campagne": campagne.pk})


def test_consolidation_xlsx_export(network, client_for, campagne):
    for structure in make_structures(network, 3):
        snapshot(campagne, structure, taux_declare=0.5)
    response = client_for(network.user("pilote")).get(
        "/reporting/consolidation.xlsx", {"campagne": campagne.pk}
    )
    assert response.status_code == 200
    from io import BytesIO

    sheet = load_workbook(BytesIO(response.content))["Structures"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "s 000",
        "s 001",
        "s 002",
    ]


def test_structure_review_page_prefilled_submitted_and_pdf(
    network, client_for, in_structure, campagne
):
    client = client_for(network.user("referent"))
    assert client.post(f"/s/alpha/bilans/campagnes/{campagne.pk}/ouvrir/").status_code == 302
    bilan = BilanStructure.objects.get()
    page = client.get(f"/s/alpha/bilans/{bilan.pk}/")
    assert "Taux annuel de conformité" in page.content.decode()
    data = dict.fromkeys(services.TEXT_FIELDS, "")
    data.update({"remarques": "Rien", "soumettre": "1"})
    assert client.post(f"/s/alpha/bilans/{bilan.pk}/", data).status_code == 302
    bilan.refresh_from_db()
    assert bilan.is_submitted
    pdf = client.get(f"/s/alpha/bilans/{bilan.pk}/bilan.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["lecteur", "contributeur"])
def test_reader_and_contributor_cannot_submit_the_review(
    network, client_for, in_structure, campagne, role
):
    bilan = services.open_bilan(
        structure=network.structure, campagne=campagne, user=network.user("referent")
    )
    data = dict.fromkeys(services.TEXT_FIELDS, "")
    data["soumettre"] = "1"
    client_for(network.user(role)).post(f"/s/alpha/bilans/{bilan.pk}/", data)
    bilan.refresh_from_db()
    assert not bilan.is_submitted


def test_other_structure_staff_gets_404_on_reviews(network, client_for, in_structure, campagne):
    bilan = services.open_bilan(
        structure=network.structure, campagne=campagne, user=network.user("referent")
    )
    client = client_for(network.user("directeur_autre"))
    assert client.get(f"/s/alpha/bilans/{bilan.pk}/").status_code == 404
    assert client.get(f"/s/alpha/bilans/{bilan.pk}/bilan.pdf").status_code == 404
