"""Shared set-up of the benchmarks that run on a dedicated database of the system
PostgreSQL (``DATABASE_URL``): create the database when missing, start Django and
migrate the public schema. Not a benchmark itself (``make bench`` skips ``_*.py``)."""

from __future__ import annotations

import os


def prepare_database() -> None:
    """Create ``DATABASE_URL``'s database if needed, set Django up, migrate ``public``."""
    from urllib.parse import urlparse

    import django
    import psycopg

    url = urlparse(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    with psycopg.connect(
        f"postgresql://{url.username}@{url.hostname}:{url.port}/postgres", autocommit=True
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    django.setup()
    from django.core.management import call_command

    call_command("migrate_schemas", "--shared", verbosity=0)
