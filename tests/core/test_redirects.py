"""``next`` parameters are followed only when they stay on this site (core.redirects)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from core.redirects import safe_next

OUTSIDE = [
    "//evil.example/",
    "https://evil.example/",
    "http://evil.example/structures/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "///evil.example",
]


@pytest.mark.parametrize("target", OUTSIDE)
def test_outside_targets_give_the_default(target):
    request = RequestFactory().post("/x/", {"next": target}, HTTP_HOST="testserver")
    assert safe_next(request, "/defaut/") == "/defaut/"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_path_of_this_site_is_kept(method):
    request = getattr(RequestFactory(), method)(
        "/x/", {"next": "/structures/alpha/?onglet=2"}, HTTP_HOST="testserver"
    )
    assert safe_next(request, "/defaut/") == "/structures/alpha/?onglet=2"
    assert safe_next(RequestFactory().get("/x/"), "/defaut/") == "/defaut/"
