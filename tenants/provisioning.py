"""Fast provisioning of a structure's schema: copy a migrated template schema.

Running every migration for each new schema costs seconds; copying an already migrated
schema costs tens of milliseconds. The template is the schema ``tenant_template``, held
by a technical ``Structure`` row (created by migration ``0003_tenant_template``) so that
``manage.py migrate_schemas`` — and therefore ``make migrate``, the deployment's
migration commands and the test database setup — keeps it migrated like every structure.

Before each copy the template is checked against the migrations on disk (one small
query); a missing or stale template is created or migrated first, so a copy is never
behind. The template's rows are copied too (``django_migrations``, content types), so the
new schema is known as fully migrated without running anything.

How the copy is made: the DDL of the template is read once from the catalogs (tables with
``LIKE … INCLUDING …``, then primary/unique/exclusion constraints, foreign keys and
indexes with their exact names, so later migrations find them) and replayed for each new
schema. django-tenants' generic ``clone_schema`` SQL function gives the same result but
its catalog queries slow down with the number of schemas (seconds per clone beyond a
couple of hundred structures); it remains the fallback for a template holding objects
this copy does not handle (views, functions, triggers, standalone sequences, serial
defaults).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.clone import CloneSchema
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import schema_exists

from core import tenancy
from tenants.models import TEMPLATE_SCHEMA

_latest: frozenset[tuple[str, str]] | None = None
_ddl_cache: dict[frozenset, TemplateDDL | None] = {}
# A PostgreSQL connection keeps the definition of every relation it created (~150 kB per
# structure's schema) until it ends: a bulk import renews its connection this often.
RECYCLE_EVERY = 50
_created_on_connection = 0


@dataclass(frozen=True)
class TemplateDDL:
    """The template's definition, as statements with a ``{schema}`` placeholder."""

    statements: tuple[str, ...]

    def for_schema(self, schema_name: str) -> str:
        quoted = f'"{schema_name}"'
        return ";\n".join(statement.replace("{schema}", quoted) for statement in self.statements)


def provision_schema(schema_name: str) -> None:
    """Create ``schema_name`` as a copy of the (current) template schema."""
    _check_schema_name(schema_name)
    if schema_exists(schema_name, case_sensitive=False):
        raise ValueError(f"Le schéma {schema_name} existe déjà.")
    applied = ensure_template_current()
    tenancy.set_schema_to_public()
    ddl = template_ddl(applied)
    if ddl is None:
        _clone_with_sql_function(schema_name)
        return
    global _created_on_connection
    try:
        with connection.cursor() as cursor:
            # Unqualified names in the DDL resolve to the new schema first, then public.
            cursor.execute(
                f'CREATE SCHEMA "{schema_name}";\nSET search_path TO "{schema_name}", public;\n'
                + ddl.for_schema(schema_name)
            )
        _created_on_connection += 1
    finally:
        tenancy.set_schema_to_public()


def release_catalog_cache() -> bool:
    """Between two structures of a bulk creation, outside any transaction: close the
    connection once ``RECYCLE_EVERY`` schemas were created on it (the next query opens a
    fresh one, with an empty catalog cache). Returns whether it did."""
    global _created_on_connection
    if _created_on_connection < RECYCLE_EVERY or connection.in_atomic_block:
        return False
    connection.close()
    _created_on_connection = 0
    return True


def ensure_template_current() -> frozenset[tuple[str, str]]:
    """Create and/or migrate the template if it is missing or behind the code; return the
    migrations it holds."""
    applied = _applied_in_template()
    if applied is not None and latest_migrations() <= applied:
        return applied
    tenancy.set_schema_to_public()
    if not schema_exists(TEMPLATE_SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
    call_command(
        "migrate_schemas", tenant=True, schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=0
    )
    tenancy.set_schema_to_public()
    return _applied_in_template() or frozenset()


def template_is_current() -> bool:
    applied = _applied_in_template()
    return applied is not None and latest_migrations() <= applied


def _applied_in_template() -> frozenset[tuple[str, str]] | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f"{TEMPLATE_SCHEMA}.django_migrations"])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f'SELECT app, name FROM "{TEMPLATE_SCHEMA}".django_migrations')
        return frozenset(cursor.fetchall())


def latest_migrations() -> frozenset[tuple[str, str]]:
    """The leaf migration of every app on disk (read once per process)."""
    global _latest
    if _latest is None:
        _latest = frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())
    return _latest


# --- Reading the template's definition ------------------------------------------------------


def template_ddl(applied: frozenset) -> TemplateDDL | None:
    """The template's DDL for its current migrations (read once per process and state), or
    None when the template holds objects the copy does not handle."""
    if applied not in _ddl_cache:
        _ddl_cache.clear()
        _ddl_cache[applied] = _read_template_ddl()
    return _ddl_cache[applied]


# The template's own relations, found through their dependency on its namespace
# (pg_depend's index on the referenced object) rather than by ``relnamespace``, which no
# catalog index serves: a scan of pg_class grows with every structure's schema (1.2-1.7 s at
# 2,000 schemas against 0.3-0.5 s at 100, once per process). Every query below reaches the
# catalogs through an index (relation oid, conrelid, indrelid, tgrelid, adrelid).
_TEMPLATE_RELATIONS = """
WITH rel AS (
  SELECT c.oid, c.relname, c.relkind FROM pg_depend d JOIN pg_class c ON c.oid = d.objid
  WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = %(ns)s::regnamespace
    AND d.classid = 'pg_class'::regclass AND d.deptype = 'n'
)
"""

_UNSUPPORTED_SQL = (
    _TEMPLATE_RELATIONS
    + """
SELECT
  (SELECT count(*) FROM rel WHERE relkind NOT IN ('r', 'S'))
+ (SELECT count(*) FROM pg_depend d WHERE d.refclassid = 'pg_namespace'::regclass
     AND d.refobjid = %(ns)s::regnamespace AND d.classid = 'pg_proc'::regclass)
+ (SELECT count(*) FROM rel JOIN pg_trigger t ON t.tgrelid = rel.oid WHERE NOT t.tgisinternal)
+ (SELECT count(*) FROM rel s WHERE s.relkind = 'S' AND NOT EXISTS (
     SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid
       AND d.deptype = 'i'))
+ (SELECT count(*) FROM rel JOIN pg_attrdef ad ON ad.adrelid = rel.oid
     WHERE pg_get_expr(ad.adbin, ad.adrelid) LIKE '%%nextval%%')
"""
)
_TABLES_SQL = _TEMPLATE_RELATIONS + "SELECT relname FROM rel WHERE relkind = 'r' ORDER BY relname"
_CONSTRAINTS_SQL = (
    _TEMPLATE_RELATIONS + "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid), k.contype "
    "FROM rel c JOIN pg_constraint k ON k.conrelid = c.oid "
    "WHERE c.relkind = 'r' AND k.contype IN ('p', 'u', 'x', 'f') "
    "ORDER BY k.contype = 'f', c.relname, k.conname"
)
_INDEXES_SQL = (
    _TEMPLATE_RELATIONS
    + "SELECT pg_get_indexdef(i.indexrelid) FROM rel c JOIN pg_index i ON i.indrelid = c.oid "
    "WHERE c.relkind = 'r' AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
    "WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid) "
    "ORDER BY 1"
)
CATALOG_QUERIES = (_UNSUPPORTED_SQL, _TABLES_SQL, _CONSTRAINTS_SQL, _INDEXES_SQL)


def _read_template_ddl() -> TemplateDDL | None:
    params = {"ns": TEMPLATE_SCHEMA}
    statements: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(_UNSUPPORTED_SQL, params)
        if cursor.fetchone()[0]:
            return None
        # Names are printed relative to this search path: the template's own tables come
        # out unqualified (so they resolve to the new schema), public ones too.
        cursor.execute(f'SET search_path TO "{TEMPLATE_SCHEMA}", public')
        try:
            cursor.execute(_TABLES_SQL, params)
            tables = [row[0] for row in cursor.fetchall()]
            for table in tables:
                statements.append(
                    f'CREATE TABLE {{schema}}."{table}" (LIKE "{TEMPLATE_SCHEMA}"."{table}" INCLUDING DEFAULTS '
                    "INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE)"
                )
            cursor.execute(_CONSTRAINTS_SQL, params)
            for table, name, definition, _kind in cursor.fetchall():
                statements.append(
                    f'ALTER TABLE {{schema}}."{table}" ADD CONSTRAINT "{name}" {definition}'
                )
            cursor.execute(_INDEXES_SQL, params)
            pattern = re.compile(rf' ON (ONLY )?"?{TEMPLATE_SCHEMA}"?\.')
            for (definition,) in cursor.fetchall():
                statements.append(
                    pattern.sub(lambda m: f" ON {m.group(1) or ''}{{schema}}.", definition, count=1)
                )
            for table in tables:
                cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{TEMPLATE_SCHEMA}"."{table}")')
                if not cursor.fetchone()[0]:
                    continue
                statements.append(
                    f'INSERT INTO {{schema}}."{table}" OVERRIDING SYSTEM VALUE '
                    f'SELECT * FROM "{TEMPLATE_SCHEMA}"."{table}"'
                )
                cursor.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attidentity <> ''",
                    [f'"{TEMPLATE_SCHEMA}"."{table}"'],
                )
                for (column,) in cursor.fetchall():
                    statements.append(
                        f"SELECT setval(pg_get_serial_sequence('{{schema}}.\"{table}\"', '{column}'), "
                        f'(SELECT max("{column}") FROM {{schema}}."{table}"))'
                    )
        finally:
            tenancy.set_schema_to_public()  # django-tenants sets search_path again on the next cursor
    return TemplateDDL(tuple(statements))


def _clone_with_sql_function(schema_name: str) -> None:
    """django-tenants' generic clone (slower with many schemas; see the module docstring)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = 'public' AND p.proname = 'clone_schema'"
        )
        if not cursor.fetchone():
            CloneSchema()._create_clone_schema_function()
        cursor.execute("SELECT public.clone_schema(%s, %s, 'DATA')", [TEMPLATE_SCHEMA, schema_name])
