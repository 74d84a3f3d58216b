"""The one check of ``next`` parameters: a page redirects only to a URL of this site.

``"/structures/alpha/"`` is kept; ``"//evil.example/"``, ``"https://evil.example/"``,
``"/\\evil.example"`` or ``"javascript:…"`` give the default (Django's
``url_has_allowed_host_and_scheme``, the check its own login view uses).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str = "/") -> str:
    """The ``next`` of the form (POST) or of the query string, if it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
