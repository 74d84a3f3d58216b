"""Through a real PgBouncer (Debian package ``pgbouncer``, started here on a free port):
in session mode, the mode docs/scaling.md recommends, each structure's search_path stays
with its client across transactions; in transaction mode another client gets it, which
is why the settings refuse ``DATABASE_POOL_MODE=transaction``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.db.utils import load_backend

from tenants.models import Structure

ROOT = Path(__file__).resolve().parents[2]


def _wrapper(port: int):
    """A django-tenants connection (same backend as the application's) through PgBouncer."""
    settings = dict(connection.settings_dict, HOST="127.0.0.1", PORT=str(port))
    backend = load_backend(settings["ENGINE"])
    return backend.DatabaseWrapper(settings, alias="pgbouncer")


def _schemas(wrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT current_schemas(false)")
        return cursor.fetchone()[0]


def test_session_mode_keeps_each_structures_search_path(db, pgbouncer):
    port = pgbouncer("session", pool_size=2)
    alpha = Structure.objects.get(slug="alpha")
    beta = Structure.objects.get(slug="beta")
    first, second = _wrapper(port), _wrapper(port)
    try:
        first.set_tenant(alpha)
        second.set_tenant(beta)
        for _ in range(3):  # several transactions each, interleaved
            assert _schemas(first) == [alpha.schema_name, "public"]
            assert _schemas(second) == [beta.schema_name, "public"]
            with first.cursor() as cursor:  # a structure table resolves in its own schema
                cursor.execute("SELECT to_regclass('diagnostics_autodiagnostic')::text")
                assert cursor.fetchone()[0] == "diagnostics_autodiagnostic"
        first.set_schema_to_public()
        assert _schemas(first) == ["public"]
    finally:
        first.close()
        second.close()


def test_transaction_mode_hands_a_search_path_to_another_client(db, pgbouncer):
    port = pgbouncer("transaction", pool_size=1)
    name = connection.settings_dict["NAME"]
    user = connection.settings_dict["USER"]
    dsn = f"host=127.0.0.1 port={port} dbname={name} user={user}"
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as a:
        a.execute('SET search_path TO "s_alpha", public')  # what django-tenants sends
        with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as b:
            leaked = b.execute("SELECT current_schemas(false)").fetchone()[0]
    assert leaked == ["s_alpha", "public"]  # b runs in alpha's schema: refused below


@pytest.mark.parametrize("mode", ["transaction", "statement"])
def test_settings_refuse_pool_modes_other_than_session(mode):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "platform.settings",
            "DATABASE_POOL_MODE": mode,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"DATABASE_POOL_MODE='{mode}' refusé" in result.stderr
