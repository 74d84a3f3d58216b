"""The reviews' PDFs by API token (structure and territory), built by the same code as the
pages' downloads and with the same access: each role gets the PDF from the API exactly
when it gets it from the page; another structure's or territory's people get 404."""

from __future__ import annotations

import pytest

from accompagnement.bilans import services as bilans_services
from accompagnement.reporting import services
from tests.bilans.test_consolidation import make_structures, snapshot
from tests.conftest import ROLES


def _pdf(response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF")
    return response.content


@pytest.fixture
def bilan_structure(network, in_structure, campagne):
    bilan = bilans_services.open_bilan(
        structure=network.structure, campagne=campagne, user=network.user("referent")
    )
    bilans_services.update_bilan(
        structure=network.structure,
        bilan=bilan,
        user=network.user("referent"),
        data={"remarques": "Rien à signaler"},
    )
    return bilan


@pytest.fixture
def bilan_territoire(network, campagne):
    for structure in make_structures(network, 2):
        snapshot(campagne, structure, taux_declare=0.5, taux_confirme=0.4)
    return services.open_bilan_territoire(
        campagne=campagne, territoire=network.territoire, user=network.user("pilote")
    )


def test_structure_review_pdf_by_token(network, api_client_for, bilan_structure):
    url = f"/s/alpha/api/v1/bilans/{bilan_structure.pk}/pdf/"
    response = api_client_for(network.user("lecteur")).get(url)
    _pdf(response)
    assert f"bilan-alpha-{bilan_structure.campagne_id}.pdf" in response["Content-Disposition"]
    refused = api_client_for(network.user("directeur_autre")).get(url)
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["errors"][0]["code"] == "not_found"
    assert api_client_for(None).get(url).status_code in (401, 403)


def _roles_getting_the_pdf(network, api_client_for, client_for, page_url, api_url) -> set:
    """The roles the page gives the PDF to, checking that the API answers each role as the
    page does (the PDF, or the same refusal)."""
    allowed = set()
    for role in ROLES:
        page = client_for(network.user(role)).get(page_url)
        api = api_client_for(network.user(role)).get(api_url)
        if page.status_code == 200:
            allowed.add(role)
            _pdf(api)
        else:
            assert page.status_code in (403, 404), (role, page.status_code)
            assert api.status_code == page.status_code, (role, api.status_code)
    return allowed


def test_structure_review_pdf_same_access_as_the_page(
    network, api_client_for, client_for, bilan_structure
):
    allowed = _roles_getting_the_pdf(
        network,
        api_client_for,
        client_for,
        f"/s/alpha/bilans/{bilan_structure.pk}/bilan.pdf",
        f"/s/alpha/api/v1/bilans/{bilan_structure.pk}/pdf/",
    )
    staff = {"directeur", "referent", "contributeur", "lecteur"}
    assert allowed == staff | {"federation", "pilote", "expert"}


def test_territorial_review_pdf_by_token(network, api_client_for, bilan_territoire):
    url = f"/api/v1/bilans-territoire/{bilan_territoire.pk}/pdf/"
    response = api_client_for(network.user("pilote")).get(url)
    _pdf(response)
    expected = f"bilan-{network.territoire.code}-{bilan_territoire.campagne_id}.pdf"
    assert expected in response["Content-Disposition"]
    _pdf(api_client_for(network.user("federation")).get(url))
    refused = api_client_for(network.user("pilote_autre")).get(url)
    assert refused.status_code == 404
    assert refused.json()["errors"][0]["code"] == "not_found"
    assert api_client_for(None).get(url).status_code in (401, 403)


def test_territorial_review_pdf_same_access_as_the_page(
    network, api_client_for, client_for, bilan_territoire
):
    allowed = _roles_getting_the_pdf(
        network,
        api_client_for,
        client_for,
        f"/reporting/bilans-territoire/{bilan_territoire.pk}/bilan.pdf",
        f"/api/v1/bilans-territoire/{bilan_territoire.pk}/pdf/",
    )
    assert allowed == {"federation", "pilote"}


def test_the_schema_documents_both_pdfs_as_binary(db):
    from drf_spectacular.generators import SchemaGenerator

    from api.urls import schema_patterns

    paths = SchemaGenerator(patterns=schema_patterns()).get_schema(request=None, public=True)[
        "paths"
    ]
    for path in ("/s/{structure}/api/v1/bilans/{id}/pdf/", "/api/v1/bilans-territoire/{id}/pdf/"):
        responses = paths[path]["get"]["responses"]
        assert responses["200"]["content"] == {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}
        }
        assert "application/json" in responses["404"]["content"]
