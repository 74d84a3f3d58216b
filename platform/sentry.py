"""Sentry set-up: started only when ``SENTRY_DSN`` is set; never sends personal data."""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.types import Event, Hint

# Request parts that could carry health data or identities are dropped before sending.
_SCRUBBED_REQUEST_KEYS = ("data", "cookies", "query_string", "headers", "env")


def scrub_event(event: Event, hint: Hint | None = None) -> Event:
    """Remove everything personal from an event: user, request bodies, local variables."""
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in _SCRUBBED_REQUEST_KEYS:
            request.pop(key, None)
    for exception in (event.get("exception") or {}).get("values", []) or []:
        for frame in (exception.get("stacktrace") or {}).get("frames", []) or []:
            frame.pop("vars", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):  # not an AnnotatedValue (breadcrumbs left out)
        for crumb in breadcrumbs.get("values") or []:
            crumb.pop("data", None)
    return event


def init_sentry(*, dsn: str, environment: str, release: str = "") -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration(monitor_beat_tasks=False)],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        traces_sample_rate=0.0,
    )


def tag_schema(schema_name: str) -> None:
    """Tag the current scope with the structure's schema (not a person)."""
    sentry_sdk.get_current_scope().set_tag("schema", schema_name)
