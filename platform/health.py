"""``/healthz``: the state of the database and the broker.

200 when the database answers (the broker may be ``eager``: no broker configured, tasks
run in-process); 503 when the database is down. The broker's state is reported but a
broker outage alone does not fail the probe: pages still work and outbox rows wait.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # any driver error means "down" for a probe
        connection.close_if_unusable_or_obsolete()
        return "down"


def broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from platform.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:
        return "down"


def healthz_response() -> JsonResponse:
    state = {"database": database_state(), "broker": broker_state()}
    status = 200 if state["database"] == "ok" else 503
    state["status"] = "ok" if status == 200 else "error"
    return JsonResponse(state, status=status)
