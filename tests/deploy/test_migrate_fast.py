"""``manage.py migrate_fast``: one query finds the schemas behind; only those are migrated.

Schemas are put "behind" by deleting the record of a migration whose operations do
nothing in a structure's schema (a leaf migration of a public-only app): migrating again
only records it, so the test database stays intact whatever happens.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from tenants.models import Structure
from tenants.operations import schema_migrations
from tenants.operations.oplog import read_operations

ALPHA, BETA = "s_alpha", "s_beta"


def public_only_leaf_migration() -> tuple[str, str]:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    tenant_labels = {app.rsplit(".", 1)[-1] for app in settings.TENANT_APPS}
    leaves = sorted(
        key
        for key in graph.leaf_nodes()
        if key[0] not in tenant_labels and not graph.node_map[key].children
    )
    return leaves[0]


def forget_migration(schema_name: str, migration: tuple[str, str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{schema_name}".django_migrations WHERE app = %s AND name = %s', migration
        )


def is_recorded(schema_name: str, migration: tuple[str, str]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{schema_name}".django_migrations WHERE app = %s AND name = %s',
            migration,
        )
        return cursor.fetchone()[0] == 1


@pytest.fixture
def committed_db(django_db_blocker):
    """Autocommit access (the workers are other processes: they only see committed rows)."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
        Structure.objects.filter(schema_name__startswith="s_0_").delete()
        call_command("migrate_fast", workers=2, verbosity=0)


def test_up_to_date_schemas_are_not_behind(db):
    assert schema_migrations.schemas_behind() == []


def test_schemas_behind_are_found_in_one_query(db):
    forget_migration(ALPHA, public_only_leaf_migration())
    expected = schema_migrations.migrations_on_disk()
    with CaptureQueriesContext(connection) as context:
        assert schema_migrations.schemas_behind(expected) == [ALPHA]
    # django-tenants sets the search_path first and the counting function is (re)installed;
    # then one query covers every schema.
    queries = [
        q["sql"]
        for q in context.captured_queries
        if not q["sql"].startswith("SET search_path")
        and "CREATE OR REPLACE FUNCTION" not in q["sql"]
    ]
    assert len(queries) == 1
    assert "qr_applied_migrations" in queries[0]


def test_a_schema_without_migration_table_is_behind(db):
    Structure.objects.bulk_create(
        [Structure(nom="Sans schéma", slug="zz-sans-schema", schema_name="s_0_missing")]
    )
    assert schema_migrations.schemas_behind() == ["s_0_missing"]


def test_migrate_fast_migrates_only_the_schemas_behind(committed_db):
    migration = public_only_leaf_migration()
    forget_migration(BETA, migration)
    out = io.StringIO()
    call_command("migrate_fast", workers=2, stdout=out)
    assert "1 schéma(s) en retard" in out.getvalue()
    assert f"[1/1] {BETA} ok" in out.getvalue()
    assert is_recorded(BETA, migration)
    assert schema_migrations.schemas_behind() == []
    assert read_operations("migrate_fast")[-1]["done"] == 1


def test_migrate_fast_stops_at_the_first_failure_and_lists_done_and_not_done(committed_db):
    migration = public_only_leaf_migration()
    forget_migration(ALPHA, migration)
    forget_migration(BETA, migration)
    # A structure row whose schema does not exist: migrating it fails (sorted first).
    Structure.objects.bulk_create(
        [Structure(nom="Cassée", slug="zz-cassee", schema_name="s_0_missing")]
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("migrate_fast", workers=1, stdout=out, stderr=io.StringIO())
    assert failure.value.returncode == 1
    text = out.getvalue()
    assert "En échec (1) : s_0_missing" in text
    done_line = next(line for line in text.splitlines() if line.startswith("Migrés"))
    not_done_line = next(line for line in text.splitlines() if line.startswith("Non migrés"))
    for schema in (ALPHA, BETA):
        assert (schema in done_line) != (schema in not_done_line)
        assert is_recorded(schema, migration) == (schema in done_line)
    assert read_operations("migrate_fast")[-1]["outcome"] == "error"


def test_check_option_lists_schemas_behind_without_migrating(committed_db):
    migration = public_only_leaf_migration()
    forget_migration(ALPHA, migration)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("migrate_fast", check=True, stdout=out)
    assert ALPHA in out.getvalue()
    assert not is_recorded(ALPHA, migration)
