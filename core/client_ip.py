"""The client's IP address, the same for the login limits, the API throttles and the audit
log. Behind reverse proxies, ``TRUSTED_PROXY_COUNT`` says how many of them append to
``X-Forwarded-For``: the client is the address the outermost trusted proxy saw (the
N-th from the right, as DRF's ``NUM_PROXIES``). Anything further left was written by the
client and is ignored. With no trusted proxy (the default), ``REMOTE_ADDR`` only."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote: str | None = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [item.strip() for item in forwarded.split(",") if item.strip()]
    if not addresses:
        return remote
    return str(addresses[-min(count, len(addresses))])
