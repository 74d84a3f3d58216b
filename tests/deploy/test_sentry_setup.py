"""Sentry is started with release and environment, reports Celery task failures, sends no PII."""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from platform.sentry import init_sentry, scrub_event


def test_init_sentry_tags_release_and_environment_and_hooks_celery():
    try:
        init_sentry(dsn="https://public@sentry.invalid/1", environment="recette", release="abc123")
        client = sentry_sdk.get_client()
        assert client.options["environment"] == "recette"
        assert client.options["release"] == "abc123"
        assert client.options["send_default_pii"] is False
        assert client.get_integration(CeleryIntegration) is not None
        assert client.get_integration(DjangoIntegration) is not None
        assert client.options["before_send"] is scrub_event
    finally:
        sentry_sdk.init()  # back to a disabled client for the other tests


def test_scrubbed_event_keeps_the_schema_tag_but_no_person():
    event = {
        "user": {"email": "a@b.fr"},
        "tags": {"schema": "s_alpha"},
        "request": {"url": "/s/alpha/", "data": {"commentaire": "santé"}, "cookies": "x"},
    }
    scrubbed = scrub_event(event)
    assert "user" not in scrubbed and "data" not in scrubbed["request"]
    assert scrubbed["tags"]["schema"] == "s_alpha"
