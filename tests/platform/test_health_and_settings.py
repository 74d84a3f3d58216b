"""/healthz, production settings and Sentry scrubbing."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from platform.sentry import scrub_event

REPO = Path(__file__).resolve().parents[2]


def _db_url() -> str:
    db = connection.settings_dict
    host = db["HOST"] or "localhost"
    if host.startswith("/"):
        return f"postgres://{db['USER']}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def test_healthz_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == ("eager" if not settings.CELERY_BROKER_URL else "ok")


def test_healthz_503_when_database_is_down():
    """A real unreachable server (nothing listens on port 1), not a mock."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); print(r.status_code, r.json()['database'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/absent",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["503", "down"]


def test_check_deploy_reports_nothing_with_production_settings(db):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a production check.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "qualite.example.org",
        "DATABASE_URL": _db_url(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_sentry_events_carry_no_personal_data():
    event = {
        "user": {"email": "x@example.org"},
        "request": {"data": {"commentaire": "Mme X"}, "cookies": "sessionid=1", "url": "/s/a/"},
        "exception": {"values": [{"stacktrace": {"frames": [{"vars": {"client": "Mme X"}}]}}]},
        "breadcrumbs": {"values": [{"data": {"sql": "..."}}]},
    }
    scrubbed = scrub_event(event)
    assert "user" not in scrubbed
    assert scrubbed["request"] == {"url": "/s/a/"}
    assert "vars" not in scrubbed["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert "data" not in scrubbed["breadcrumbs"]["values"][0]


def test_healthz_reports_an_unreachable_broker_without_failing(db):
    """A configured but unreachable broker is reported 'down'; the probe stays 200
    (pages work and outbox rows wait for the broker)."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz'); d = r.json(); print(r.status_code, d['database'], d['broker'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "platform.settings",
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        "DATABASE_URL": _db_url(),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["200", "ok", "down"]
