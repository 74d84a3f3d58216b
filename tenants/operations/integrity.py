"""Dangling references from the structures' schemas to the public schema.

The foreign keys from a structure's tables to public tables (people, structures, frames,
criteria, campaigns) carry no database constraint (``accompagnement/cross_schema.py``);
the services keep them valid (public rows are deactivated, never deleted, while
referenced). This check proves it: every such reference is found by introspecting the
models (a new foreign key is checked without touching this file), and each batch of
schemas is read by ONE ``UNION ALL`` query (one anti-join per reference and schema), so
1,000 structures cost 40 round trips. The connection is closed between batches:
a connection that touches every schema keeps ~150 kB of catalog cache per schema.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.db import connection, models

# Schemas per query: each schema's tables and indexes take ~120 locks for the statement, in
# PostgreSQL's shared lock table (64 × max_connections slots by default, 6,400 at 100
# connections). 100 schemas (12,350 locks measured) ran out of shared memory on a busy
# server; 25 stay near 3,000 while 5,000 structures still cost only 200 queries.
BATCH = 25
RECONNECT_EVERY = 500  # schemas read before a fresh connection (bounded catalog cache)
SAMPLES = 5  # dangling values listed per reference and schema

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reference:
    """A column of a structure's table that points to a public table."""

    table: str
    column: str
    target_table: str
    target_column: str

    @property
    def label(self) -> str:
        return f"{self.table}.{self.column} → {self.target_table}.{self.target_column}"


@dataclass(frozen=True)
class Dangling:
    schema_name: str
    reference: Reference
    count: int
    samples: tuple


def _schema_only_labels() -> set[str]:
    shared = {apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in settings.SHARED_APPS}
    tenant = {apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in settings.TENANT_APPS}
    return tenant - shared


def cross_schema_references() -> list[Reference]:
    """Every foreign key (auto-created many-to-many tables included) from a model stored
    only in the structures' schemas to a model stored only in the public schema."""
    schema_only = _schema_only_labels()
    references = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in schema_only or not model._meta.managed:
            continue
        for field in model._meta.local_fields:
            if not isinstance(field, models.ForeignKey):
                continue
            target = field.related_model
            target_column = field.target_field.column
            assert target_column is not None  # a concrete field always has its column
            if target._meta.app_label in schema_only:
                continue
            references.append(
                Reference(
                    table=model._meta.db_table,
                    column=field.column,
                    target_table=target._meta.db_table,
                    target_column=target_column,
                )
            )
    return sorted(references, key=lambda r: (r.table, r.column))


def structure_schemas() -> list[str]:
    """Every structure schema that exists (template and soft-deleted structures included)."""
    from tenants.models import Structure

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.schema_name FROM public.{connection.ops.quote_name(Structure._meta.db_table)} s "
            "JOIN pg_namespace n ON n.nspname = s.schema_name "
            "WHERE s.schema_name <> %s ORDER BY s.schema_name",
            [settings.PUBLIC_SCHEMA_NAME],
        )
        return [row[0] for row in cursor.fetchall()]


def _existing_tables(schemas: list[str], tables: list[str]) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = ANY(%s) AND c.relname = ANY(%s) AND c.relkind = 'r'",
            [schemas, tables],
        )
        return set(cursor.fetchall())


def _batch_sql(
    schemas: list[str], references: list[Reference], existing: set[tuple[str, str]]
) -> tuple[str, list]:
    quote = connection.ops.quote_name
    branches, params = [], []
    for schema in schemas:
        for index, ref in enumerate(references):
            if (schema, ref.table) not in existing:
                continue
            branches.append(
                f"SELECT %s, {index}, count(*), "
                f"(array_agg(DISTINCT t.{quote(ref.column)}))[1:{SAMPLES}]::text[] "
                f"FROM {quote(schema)}.{quote(ref.table)} t "
                f"LEFT JOIN public.{quote(ref.target_table)} p "
                f"ON p.{quote(ref.target_column)} = t.{quote(ref.column)} "
                f"WHERE t.{quote(ref.column)} IS NOT NULL AND p.{quote(ref.target_column)} IS NULL "
                "HAVING count(*) > 0"
            )
            params.append(schema)
    return "\nUNION ALL\n".join(branches), params


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def find_dangling_references(schemas: list[str] | None = None) -> list[Dangling]:
    """Every reference of a structure's schema to a public row that does not exist."""
    references = cross_schema_references()
    schemas = structure_schemas() if schemas is None else schemas
    tables = sorted({ref.table for ref in references})
    found: list[Dangling] = []
    read_since_reconnect = 0
    for batch in _batches(schemas, BATCH):
        existing = _existing_tables(batch, tables)
        sql, params = _batch_sql(batch, references, existing)
        if sql:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                for schema, index, count, samples in cursor.fetchall():
                    found.append(Dangling(schema, references[index], count, tuple(samples)))
        read_since_reconnect += len(batch)
        if read_since_reconnect >= RECONNECT_EVERY and not connection.in_atomic_block:
            connection.close()
            read_since_reconnect = 0
    return found


@shared_task(name="tenants.tasks.check_integrity_task", acks_late=True)
def check_integrity_task() -> int:
    """Daily (Celery beat): log every dangling reference (an error, so Sentry sees it) and
    return how many were found. Reads only: running it twice is harmless."""
    dangling = find_dangling_references()
    for item in dangling:
        logger.error(
            "Référence pendante : schéma %s, %s (%d ligne(s))",
            item.schema_name,
            item.reference.label,
            item.count,
        )
    return len(dangling)
