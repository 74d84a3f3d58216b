"""What the schemathesis run found, one test each: the OpenAPI document and the answers
agree (error answers documented, bodies required, list shapes, export types, ``en_retard``
in every action answer, strict pagination)."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from api.urls import schema_patterns


@pytest.fixture(scope="module")
def document():
    return SchemaGenerator(patterns=schema_patterns()).get_schema(request=None, public=True)


def _operations(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_every_operation_documents_the_json_errors(document):
    assert "ApiErrors" in document["components"]["schemas"]
    for path, method, operation in _operations(document):
        for status in ("400", "401", "403", "404", "405", "409", "413", "429"):
            response = operation["responses"].get(status)
            assert response, (method, path, status)
            schema = response["content"]["application/json"]["schema"]
            assert schema.get("$ref", "").startswith("#/components/schemas/"), (method, path)


def test_post_and_put_bodies_are_required(document):
    for path, method, operation in _operations(document):
        if method in ("post", "put") and "requestBody" in operation:
            assert operation["requestBody"].get("required") is True, (method, path)


def test_attendance_is_a_plain_list_and_frame_json_export_an_object(document):
    emargements = document["paths"]["/api/v1/reunions/{id}/emargements/"]["get"]
    schema = emargements["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["type"] == "array"
    export = document["paths"]["/api/v1/referentiels/{id}/export/"]["get"]
    json_schema = export["responses"]["200"]["content"]["application/json"]["schema"]
    assert json_schema.get("type") == "object" and json_schema.get("format") != "binary"


def test_patch_of_an_action_answers_en_retard(network, api_client_for):
    client = api_client_for(network.user("referent"))
    created = client.post(
        "/s/alpha/api/v1/actions/",
        {"titre": "Relire le livret", "echeance": "2000-01-31"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    patched = client.patch(
        f"/s/alpha/api/v1/actions/{created.json()['id']}/", {"titre": "Relu"}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["en_retard"] is True


@pytest.mark.parametrize(
    "query", ["limit=abc", "offset=-1", "limit=0", "limit=1&limit=2", "offset=true"]
)
def test_pagination_refuses_what_it_does_not_understand(network, api_client_for, query):
    response = api_client_for(network.user("federation")).get(f"/api/v1/structures/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] in ("limit", "offset")


def test_pagination_still_pages(network, api_client_for):
    response = api_client_for(network.user("federation")).get("/api/v1/structures/?limit=1")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1 and response.json()["count"] >= 2


def test_status_histories_give_each_state_its_label(document):
    """Transition histories name the states by code (de, vers) and by label."""
    schemas = document["components"]["schemas"]
    log = schemas["LivrableTransition"]
    for name in ("de", "de_libelle", "vers", "vers_libelle"):
        assert log["properties"][name]["type"] == "string", name
        assert name in log["required"], name
    assert log["properties"]["vers_libelle"]["readOnly"] is True
