"""API throttles: anonymous clients by address, signed-in callers by token (each token has
its own budget; a session by person), the token creation scoped. The client address is
DRF's, with ``NUM_PROXIES`` = ``TRUSTED_PROXY_COUNT`` (never a raw X-Forwarded-For).

DRF checks throttles after authentication and permissions: an anonymous call to a
protected endpoint is refused (401) before being counted; the anonymous budget applies to
the public endpoints (schema, docs when public).
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle


class _RatesFromSettings:
    """Read the rate from the settings at each request (DRF copies them at import time)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousRateThrottle(_RatesFromSettings, AnonRateThrottle):
    scope = "anon"


class TokenRateThrottle(_RatesFromSettings, SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        token = getattr(request.auth, "public_id", None)
        ident = f"t{token}" if token else f"u{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ScopedThrottle(_RatesFromSettings, ScopedRateThrottle):
    """For views with a ``throttle_scope`` (e.g. ``token_create``)."""
