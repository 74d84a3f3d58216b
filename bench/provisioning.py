"""Benchmark: provisioning one structure (target < 0.5 s).

Creates N structures through ``tenants.services.create_structure`` (row + schema cloned
from the template), prints each time and the median, then removes them (rows and
schemas). ``--compare`` also times the old way (running every migration) once.

    DATABASE_URL=postgres://… .venv/bin/python bench/provisioning.py [-n 10] [--compare]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tenants import provisioning, services  # noqa: E402
from tenants.models import Structure  # noqa: E402

PREFIX = "bench-prov"


def remove_bench_structures() -> None:
    for structure in Structure.objects.filter(slug__startswith=PREFIX):
        structure.domains.all().delete()
        structure.delete(force_drop=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
            [f"s_{PREFIX.replace('-', '_')}%"],
        )
        for (schema,) in cursor.fetchall():
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')


def time_migration_path() -> float:
    """The old way: create an empty schema and run every migration in it."""
    schema = f"s_{PREFIX.replace('-', '_')}_migrate"
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10, help="number of structures to create")
    parser.add_argument("--compare", action="store_true", help="also time the migration path once")
    args = parser.parse_args()

    call_command("migrate_schemas", verbosity=0)  # the template is migrated like a structure
    remove_bench_structures()
    provisioning.ensure_template_current()
    try:
        timings = []
        for index in range(args.n):
            start = time.perf_counter()
            services.create_structure(nom=f"Bench {index}", slug=f"{PREFIX}-{index}", type="SAAD")
            timings.append(time.perf_counter() - start)
        print("provisioning one structure (clone of the template):")
        print("  runs:   " + " ".join(f"{t * 1000:.0f}" for t in timings) + " ms")
        print(f"  median: {statistics.median(timings) * 1000:.0f} ms  (target < 500 ms)")
        if args.compare:
            print(f"  migration path (before): {time_migration_path() * 1000:.0f} ms")
    finally:
        remove_bench_structures()


if __name__ == "__main__":
    main()
