"""Fast provisioning of a structure's schema: clone a migrated template schema.

Running every migration for each new schema costs seconds; copying an already migrated
schema costs tens of milliseconds. The template is the schema ``tenant_template``, held
by a technical ``Structure`` row (created by migration ``0003_tenant_template``) so that
``manage.py migrate_schemas`` — and therefore ``make migrate``, the deployment's
migration commands and the test database setup — keeps it migrated like every structure.

Before each clone the template is checked against the migrations on disk (one small
query); a missing or stale template is created or migrated first, so a clone is never
behind. The clone copies the template's rows too (``django_migrations``, content types),
so the new schema is known as fully migrated without running anything.
"""

from __future__ import annotations

from functools import cache

from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.clone import CloneSchema
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import schema_exists

from tenants.models import TEMPLATE_SCHEMA


def provision_schema(schema_name: str) -> None:
    """Create ``schema_name`` as a copy of the (current) template schema."""
    _check_schema_name(schema_name)
    if schema_exists(schema_name, case_sensitive=False):
        raise ValueError(f"Le schéma {schema_name} existe déjà.")
    ensure_template_current()
    _ensure_clone_function()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.clone_schema(%s, %s, 'DATA')", [TEMPLATE_SCHEMA, schema_name])


def ensure_template_current() -> bool:
    """Create and/or migrate the template if it is missing or behind the code.

    Returns True when something had to be done (the slow path), False otherwise.
    """
    if template_is_current():
        return False
    connection.set_schema_to_public()
    if not schema_exists(TEMPLATE_SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
    call_command(
        "migrate_schemas", tenant=True, schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=0
    )
    connection.set_schema_to_public()
    return True


def template_is_current() -> bool:
    """True when the template's ``django_migrations`` holds the latest migration of every app."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{TEMPLATE_SCHEMA}.django_migrations"])
        if cursor.fetchone()[0] is None:
            return False
        cursor.execute(f'SELECT app, name FROM "{TEMPLATE_SCHEMA}".django_migrations')
        applied = set(cursor.fetchall())
    return _latest_migrations() <= applied


@cache
def _latest_migrations() -> frozenset[tuple[str, str]]:
    """The leaf migration of every app on disk (read once per process)."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def _ensure_clone_function() -> None:
    """Install django-tenants' ``clone_schema`` SQL function once per database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname = 'clone_schema'"
        )
        if cursor.fetchone():
            return
    CloneSchema()._create_clone_schema_function()
