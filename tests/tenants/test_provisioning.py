"""Provisioning by copying the migrated template schema: same tables, columns,
constraints and indexes (with the same names), same migration history."""

from __future__ import annotations

import re

from django.db import connection
from django_tenants.utils import schema_context

from tenants import provisioning, services
from tenants.models import Structure

CATALOG_SQL = {
    "columns": """SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                         a.attidentity, coalesce(pg_get_expr(d.adbin, d.adrelid), '')
                  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                  WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r' AND a.attnum > 0
                    AND NOT a.attisdropped""",
    "constraints": """SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
                      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                      WHERE c.relnamespace = %s::regnamespace""",
    "indexes": """SELECT c.relname, i.relname, replace(pg_get_indexdef(i.oid), %s || '.', '')
                  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
                  WHERE c.relnamespace = %s::regnamespace""",
}


def _catalog(schema: str) -> dict[str, set]:
    result = {}
    with connection.cursor() as cursor:
        for name, sql in CATALOG_SQL.items():
            cursor.execute(f'SET search_path TO "{schema}", public')
            cursor.execute(sql, [schema, schema] if name == "indexes" else [schema])
            result[name] = set(cursor.fetchall())
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        result["migrations"] = set(cursor.fetchall())
    connection.set_schema_to_public()
    return result


def test_a_new_schema_is_an_exact_copy_of_the_template(db):
    assert provisioning.template_is_current()
    structure = services.create_structure(nom="Copie exacte", slug="copie-exacte", type="SAAD")
    copy, template = _catalog(structure.schema_name), _catalog("tenant_template")
    for part in ("columns", "constraints", "indexes", "migrations"):
        assert copy[part] == template[part], part
    assert copy["migrations"] >= provisioning.latest_migrations()


def test_foreign_keys_of_a_copy_point_inside_the_copy(db):
    structure = services.create_structure(nom="Clés", slug="cles", type="SAAD")
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT r.relnamespace::regnamespace::text FROM pg_constraint k
               JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
               WHERE k.contype = 'f' AND c.relnamespace = %s::regnamespace""",
            [structure.schema_name],
        )
        targets = {row[0] for row in cursor.fetchall()}
    assert "tenant_template" not in targets
    assert targets <= {structure.schema_name, "public"}


def test_rows_can_be_written_in_a_copy(db):
    from django.contrib.contenttypes.models import ContentType

    structure = services.create_structure(nom="Écriture", slug="ecriture", type="SAAD")
    with schema_context(structure.schema_name):
        count = ContentType.objects.count()
        created = ContentType.objects.create(app_label="essai", model="ligne")
        assert created.pk > count  # the identity sequence follows the copied rows
    assert Structure.objects.reelles().filter(slug="ecriture").exists()
    assert not Structure.objects.reelles().filter(schema_name="tenant_template").exists()


def _unbounded_catalog_scans(cursor, plan: dict) -> list[str]:
    """Scans of a catalog in a JSON plan not bounded by their index's leading column (a
    sequential scan, or an index scan filtering on a later column, reads the whole table)."""
    found = []
    relation = plan.get("Relation Name", "")
    if relation.startswith("pg_") and plan["Node Type"] != "Bitmap Heap Scan":
        leading = None
        if "Index Name" in plan:
            cursor.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = i.indkey[0] WHERE i.indexrelid = %s::regclass",
                [f"pg_catalog.{plan['Index Name']}"],
            )
            leading = cursor.fetchone()[0]
        if leading is None or not re.search(rf"\b{leading}\b", plan.get("Index Cond", "")):
            found.append(f"{plan['Node Type']} on {relation}")
    for child in plan.get("Plans", []):
        found += _unbounded_catalog_scans(cursor, child)
    return found


def test_reading_the_template_reaches_the_catalogs_through_indexes_only(db):
    """The template's definition is found from its namespace through pg_depend's index,
    never by reading all of pg_class or pg_constraint (their size grows with every
    structure's schema): every catalog scan of every query is bounded by its index's leading column."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in provisioning.CATALOG_QUERIES:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, {"ns": "tenant_template"})
            plan = cursor.fetchone()[0][0]["Plan"]
            assert _unbounded_catalog_scans(cursor, plan) == [], sql


def test_a_template_holding_a_view_is_copied_by_the_generic_function(db):
    """Objects the copy does not handle (here a view) make it step aside."""
    with connection.cursor() as cursor:
        cursor.execute('CREATE VIEW "tenant_template".essai_vue AS SELECT 1 AS un')
    assert provisioning._read_template_ddl() is None
    with connection.cursor() as cursor:
        cursor.execute('DROP VIEW "tenant_template".essai_vue')
    assert provisioning._read_template_ddl() is not None
