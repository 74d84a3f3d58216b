"""The demo loader is idempotent: a second run changes nothing."""

from django.apps import apps
from django.db import connection


def _counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [f"public.{table}"])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(f'SELECT count(*) FROM public."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def _tenant_counts(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE'",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_demo_loader_is_idempotent(db, settings):
    from tenants.demo import load_demo

    network = load_demo(password="demo-test-password")
    assert len(network.structures) == 10
    assert len(network.territoires) == 3
    first = _counts()
    demo_schema = network.demo_structure.schema_name
    first_tenant = _tenant_counts(demo_schema)
    load_demo(password="demo-test-password")
    assert _counts() == first
    assert _tenant_counts(demo_schema) == first_tenant


def test_demo_refused_in_production(db, settings):
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from tenants.demo import load_demo

    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        load_demo()
