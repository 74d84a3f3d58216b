"""Every export answers to an API token (pages answer a token with a redirect to the login
page): consolidation, action plan, registers; roles and other structures."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.bilans.test_consolidation import make_structures, snapshot

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(response.content)).active


def test_the_consolidation_page_download_redirects_a_token_to_login(
    network, api_client_for, campagne
):
    response = api_client_for(network.user("federation")).get(
        "/reporting/consolidation.xlsx", {"campagne": campagne.pk}
    )
    assert response.status_code == 302
    assert "/compte/connexion/" in response["Location"]


def test_consolidation_xlsx_by_token_is_scoped_like_the_consolidation(
    network, api_client_for, campagne
):
    for structure in make_structures(network, 2):
        snapshot(campagne, structure, taux_declare=0.5, taux_confirme=0.4)
    for structure in make_structures(network, 1, territoire=network.other_territoire, prefix="o"):
        snapshot(campagne, structure, taux_declare=0.9)
    url = "/api/v1/consolidation/export/"
    federation = _sheet(
        api_client_for(network.user("federation")).get(url, {"campagne": campagne.pk})
    )
    pilot = _sheet(
        api_client_for(network.user("pilote")).get(
            url, {"campagne": campagne.pk, "territoire": network.territoire.pk}
        )
    )
    text = " ".join(str(c.value) for row in federation.iter_rows() for c in row if c.value)
    assert "s 000" in text and "o 000" in text
    text = " ".join(str(c.value) for row in pilot.iter_rows() for c in row if c.value)
    assert "s 000" in text and "o 000" not in text
    refused = api_client_for(network.user("pilote")).get(
        url, {"campagne": campagne.pk, "territoire": network.other_territoire.pk}
    )
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["errors"][0]["code"] == "not_found"
    for role in ("directeur", "expert", "sans_role"):
        response = api_client_for(network.user(role)).get(url, {"campagne": campagne.pk})
        assert response.status_code == 404, role
    assert api_client_for(None).get(url, {"campagne": campagne.pk}).status_code in (401, 403)


@pytest.mark.parametrize(
    "role,status", [("lecteur", 200), ("expert", 200), ("pilote", 200), ("directeur_autre", 404)]
)
def test_action_plan_xlsx_by_token(network, api_client_for, role, status):
    response = api_client_for(network.user(role)).get("/s/alpha/api/v1/actions/export/")
    assert response.status_code == status
    if status == 200:
        assert _sheet(response).max_row >= 1


def test_action_plan_xlsx_lists_the_plan(network, api_client_for):
    client = api_client_for(network.user("directeur"))
    created = client.post("/s/alpha/api/v1/actions/", {"titre": "Livret d'accueil"}, format="json")
    assert created.status_code == 201, created.json()
    sheet = _sheet(api_client_for(network.user("lecteur")).get("/s/alpha/api/v1/actions/export/"))
    assert "Livret d'accueil" in [c.value for row in sheet.iter_rows() for c in row]
    other = api_client_for(network.user("directeur_autre")).get("/s/beta/api/v1/actions/export/")
    assert "Livret d'accueil" not in [c.value for row in _sheet(other).iter_rows() for c in row]


@pytest.mark.parametrize("role,status", [("lecteur", 200), ("directeur_autre", 404)])
def test_register_xlsx_by_token(network, api_client_for, role, status):
    from accompagnement.registres.registry import REGISTRES

    slug = next(iter(REGISTRES))
    response = api_client_for(network.user(role)).get(f"/s/alpha/api/v1/registres/{slug}/export/")
    assert response.status_code == status
    if status == 200:
        _sheet(response)


def test_consolidation_rows_name_the_submission_date_submitted_at(
    network, api_client_for, campagne
):
    (structure,) = make_structures(network, 1)
    snapshot(campagne, structure, taux_declare=0.5)
    response = api_client_for(network.user("federation")).get(
        "/api/v1/consolidation/", {"campagne": campagne.pk}
    )
    (row,) = response.json()["structures"]
    assert row["submitted_at"] is not None
    assert row["soumis_le"] == row["submitted_at"]  # the former name, kept for older clients
