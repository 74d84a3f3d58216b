"""The API always answers in its JSON error format ``{"errors": [{code, message, field}]}``:
unknown paths, non-numeric ids, unknown structures, oversized bodies, methods not allowed,
crashes (500) and the browsable API's error pages."""

from __future__ import annotations

import json

import pytest
from django.http import HttpResponseServerError
from django.test import Client, RequestFactory

from api.errors import ApiErrorMiddleware


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:200]
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert set(data) == {"errors"} and data["errors"], data
    for error in data["errors"]:
        assert set(error) >= {"code", "message", "field"}
        assert error["message"]
    if code:
        assert data["errors"][0]["code"] == code
    return data


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/inconnu/",
        "/api/inconnu/",
        "/api/v1/structures/abc/",
        "/api/v1/structures/1.5/",
        "/s/alpha/api/v1/inconnu/",
        "/s/alpha/api/v1/actions/abc/",
        "/s/alpha/api/v1/actions/99999999/",
        "/s/inexistante/api/v1/actions/",
    ],
)
def test_unknown_paths_and_ids_are_json_404(network, api_client_for, path):
    response = api_client_for(network.user("directeur")).get(path)
    assert_json_error(response, 404, "not_found")


def test_anonymous_requests_get_a_json_401(db):
    response = Client().get("/s/alpha/api/v1/actions/")
    assert_json_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"]


def test_method_not_allowed_is_json_and_keeps_allow(network, api_client_for):
    response = api_client_for(network.user("federation")).delete("/api/v1/structures/")
    assert_json_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_oversized_body_is_a_json_413_before_parsing(network, api_client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    client = api_client_for(network.user("federation"))
    body = json.dumps({"email": "x@example.test", "role": "pilote", "pad": "x" * 5_000})
    response = client.post("/api/v1/invitations/", body, content_type="application/json")
    assert_json_error(response, 413, "request_too_large")


def test_browsable_api_errors_are_json_too(network, client_for):
    client = client_for(network.user("directeur"))
    response = client.get("/s/beta/api/v1/actions/", HTTP_ACCEPT="text/html")
    assert_json_error(response, 404, "not_found")


def test_a_crash_is_a_json_500(network, api_client_for, monkeypatch):
    from api.tenants import views

    def crash(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.TerritoireViewSet, "list", crash)
    client = api_client_for(network.user("federation"))
    client.raise_request_exception = False
    response = client.get("/api/v1/territoires/")
    data = assert_json_error(response, 500, "server_error")
    assert "boom" not in json.dumps(data)


def test_middleware_turns_any_html_error_into_the_json_format():
    request = RequestFactory().get("/s/alpha/api/v1/quelque-chose/")
    middleware = ApiErrorMiddleware(lambda r: HttpResponseServerError("<h1>Server Error</h1>"))
    assert_json_error(middleware(request), 500, "server_error")
    page = RequestFactory().get("/plan/")
    untouched = ApiErrorMiddleware(lambda r: HttpResponseServerError("<h1>x</h1>"))(page)
    assert untouched.content == b"<h1>x</h1>"  # pages keep their HTML error pages
