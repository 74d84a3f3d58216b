"""The API's vocabulary (docs/api.md) holds in the schema: English verbs in action URLs
(the French ones left are deprecated aliases), one request content type per operation."""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from api.urls import schema_patterns

FRENCH_VERBS = {"soumettre", "cloturer", "valider", "relancer", "confirmer", "rouvrir"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator(patterns=schema_patterns()).get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_french_verbs_in_urls_are_only_deprecated_aliases_of_english_ones(schema):
    french = {
        (path, method, bool(operation.get("deprecated")))
        for path, method, operation in _operations(schema)
        if path.rstrip("/").rsplit("/", 1)[-1] in FRENCH_VERBS
    }
    assert french and all(deprecated for _path, _method, deprecated in french)
    english = {path for path, _method, _operation in _operations(schema)}
    for path, _method, _deprecated in french:
        verb = path.rstrip("/").rsplit("/", 1)[-1]
        assert (
            path.replace(f"/{verb}/", {"soumettre": "/submit/", "cloturer": "/close/"}[verb])
            in english
        )


def test_each_operation_documents_one_request_content_type(schema):
    for path, method, operation in _operations(schema):
        content = operation.get("requestBody", {}).get("content", {})
        assert len(content) <= 1, (method, path, sorted(content))


def test_rates_are_documented_as_fractions(schema):
    rate = schema["components"]["schemas"]["Rate"]["properties"]["taux"]
    assert "fraction" in rate["description"] and rate["nullable"] is True
