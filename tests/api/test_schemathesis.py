"""Fuzzing the API with schemathesis, bounded, in every test run.

Every operation of the OpenAPI document (network ``/api/v1/`` and structure
``/s/{structure}/api/v1/``) is called with a few generated requests (valid data, then data
that breaks the schema), for each of three roles: federation admin, expert, référent
(the ``network`` fixture, the structure being ``alpha``). Each request runs in a savepoint
rolled back afterwards. The run fails on any 5xx and on any answer that does not match the
document: undocumented status, wrong content type, body or headers not matching their
schema, and (for broken data) a request the API accepted. Fixed seed, derandomized, a few
examples per operation: the same requests every run (see ``docs/security.md``).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.urls import schema_patterns

ROLES = ("federation", "expert", "referent")
NEGATIVE_ROLE = "federation"
MAX_EXAMPLES = 2
SEED = 20161231
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def keep_test_connection():
    """Django's test client detaches ``close_old_connections`` from the request signals
    (the test's transaction would be closed); the WSGI handler schemathesis calls does not."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def api_schema():
    document = SchemaGenerator(patterns=schema_patterns()).get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = WSGIHandler()
    return schema


def run_operation(operation, mode: GenerationMode, headers: dict) -> list[str]:
    """The failures of a few generated requests to ``operation`` (empty list: clean)."""
    failures: list[str] = []
    checks = [*CHECKS, negative_data_rejection] if mode == GenerationMode.NEGATIVE else CHECKS
    strategy = operation.as_strategy(generation_mode=mode, path_parameters={"structure": "alpha"})

    @seed(SEED)
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case):
        sid = transaction.savepoint()
        try:
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=checks, headers=headers)
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - reported at the end
                found = getattr(error, "exceptions", None) or [error]
                titles = "; ".join(f"{getattr(e, 'title', type(e).__name__)}" for e in found)
                failures.append(
                    f"{operation.label} [{mode.value}] → {response.status_code}: {titles} "
                    f"({case.method} {case.formatted_path} query={case.query} "
                    f"body={str(case.body)[:80]} answer={response.text[:160]})"
                )
        finally:
            transaction.savepoint_rollback(sid)
            connection.set_schema_to_public()

    try:
        call()
    except Unsatisfiable:
        pass  # nothing to break in this operation's request (negative mode)
    except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - hypothesis re-raises
        if not failures:
            failures.append(f"{operation.label} [{mode.value}]: {str(error)[:400]}")
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_documented(role, network, keep_test_connection):
    from tenants import accounts

    key = accounts.create_api_token(user=network.user(role), name="schemathesis")[1]
    headers = {"Authorization": f"Token {key}"}
    schema = api_schema()
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        failures += run_operation(operation, GenerationMode.POSITIVE, headers)
        if role == NEGATIVE_ROLE:  # broken data: once, with the widest rights
            failures += run_operation(operation, GenerationMode.NEGATIVE, headers)
    assert operations > 50
    assert not failures, f"{len(failures)} failures ({role}):\n" + "\n".join(
        sorted(set(failures))[:80]
    )
