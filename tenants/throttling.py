"""Limits that resist password spraying and e-mail flooding, on top of django-axes.

django-axes locks one account from one address (``AXES_LOCKOUT_PARAMETERS``) after
``AXES_FAILURE_LIMIT`` failures; it applies one limit to every parameter, so it cannot
also give a wider per-address and per-account limit. These fixed-window counters in the
cache (Redis in production, shared by every worker) add:

- failed logins per client address (``LOGIN_FAILURES_PER_IP``): one address trying a
  password on many accounts is blocked;
- failed logins per account from anywhere (``LOGIN_FAILURES_PER_ACCOUNT``);
- password-reset e-mails per address (``PASSWORD_RESET_PER_EMAIL``) and per client
  address (``PASSWORD_RESET_PER_IP``).

Keys hold a digest of the e-mail, never the address itself.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from core.client_ip import client_ip


def _key(bucket: str, value: str) -> str:
    digest = hashlib.sha256((value or "").strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{bucket}:{digest}"


def _count(bucket: str, value: str) -> int:
    return cache.get(_key(bucket, value), 0)


def _hit(bucket: str, value: str, window: int) -> int:
    key = _key(bucket, value)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


# --- Logins ---------------------------------------------------------------------------------


def login_blocked(request, username: str | None) -> bool:
    ip = client_ip(request) or ""
    return _count("login-ip", ip) >= settings.LOGIN_FAILURES_PER_IP or (
        bool(username and _count("login-account", username) >= settings.LOGIN_FAILURES_PER_ACCOUNT)
    )


def record_login_failure(request, username: str | None) -> None:
    window = settings.LOGIN_THROTTLE_WINDOW
    if request is not None:
        _hit("login-ip", client_ip(request) or "", window)
    if username:
        _hit("login-account", username, window)


class LoginThrottleBackend:
    """First authentication backend: refuses (``PermissionDenied``) any login from an
    address or for an account over its limit, before a password is even checked; marks
    the request so that the login page answers 429 with the lockout message."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and login_blocked(request, username):
            request.login_throttled = True
            raise PermissionDenied
        return None

    def get_user(self, user_id):
        return None


# --- Password reset e-mails ----------------------------------------------------------------------


def password_reset_allowed(request, email: str) -> bool:
    """Count one reset request; False when the address or the client is over its limit
    (the caller then sends nothing, and answers as usual: no oracle)."""
    window = settings.PASSWORD_RESET_WINDOW
    per_ip = _hit("reset-ip", client_ip(request) or "", window)
    per_email = _hit("reset-email", email, window)
    return (
        per_ip <= settings.PASSWORD_RESET_PER_IP and per_email <= settings.PASSWORD_RESET_PER_EMAIL
    )
