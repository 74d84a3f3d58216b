"""Benchmark: provisioning one structure, and what a login costs, as the number of
structures' schemas grows (targets: provisioning within 1.3x from 100 to 2,000 schemas,
triggers on ``tenants_user`` flat, ``UPDATE tenants_user SET last_login`` < 5 ms).

For each level of ``--levels`` (default 100,1000,2000) the database is filled up to that
number of structures' schemas with kept filler structures (``bench-fill-*``, created
through ``tenants.services.create_structure`` like any other, in batches on fresh
connections), then measured:

* triggers on ``tenants_user`` (two per foreign key pointing to it);
* median of 50 ``UPDATE tenants_user SET last_login`` (what each login writes);
* median first read of ``tenants_user`` on a new connection;
* provisioning: ``-n`` structures created then removed (rows and schemas), median;
* ``check_integrity`` over every schema (dangling references found).

``--compare`` also times the old way (running every migration) once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qr_bench_scale \\
        .venv/bin/python bench/provisioning.py [--levels 100,1000,2000] [-n 10] [--compare]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qr_bench_scale")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")

from _database import prepare_database  # noqa: E402 — bench/ is on sys.path
from _scale import first_read_ms, login_update_ms, schema_count, user_triggers  # noqa: E402

prepare_database()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tenants import provisioning, services  # noqa: E402
from tenants.models import Structure, User  # noqa: E402
from tenants.operations import integrity  # noqa: E402

PREFIX = "bench-prov"
FILL = "bench-fill"


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


def fill_up_to(level: int, batch: int = 100) -> float:
    """Create filler structures until ``level`` schemas exist; seconds spent."""
    start = time.perf_counter()
    index = Structure.objects.filter(slug__startswith=FILL).count()
    while (missing := level - schema_count()) > 0:
        for _ in range(min(batch, missing)):
            services.create_structure(
                nom=f"Remplissage {index}", slug=f"{FILL}-{index}", type="SAAD"
            )
            index += 1
        connection.close()  # a fresh connection per batch: bounded catalog cache
        print(f"    … {schema_count()} schemas", flush=True)
    return time.perf_counter() - start


def time_migration_path() -> float:
    """The old way: create an empty schema and run every migration in it."""
    schema = f"s_{PREFIX.replace('-', '_')}_migrate"
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema}"')
    call_command("migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0)
    return time.perf_counter() - start


def measure(level: int, runs: int) -> dict:
    connection.close()  # the provisioning measured on a fresh connection, as a request would
    timings = []
    try:
        for index in range(runs):
            start = time.perf_counter()
            services.create_structure(nom=f"Bench {index}", slug=f"{PREFIX}-{index}", type="SAAD")
            timings.append(time.perf_counter() - start)
    finally:
        remove_bench_structures()
    connection.close()
    start = time.perf_counter()
    dangling = integrity.find_dangling_references()
    integrity_s = time.perf_counter() - start
    return {
        "integrity": f"{integrity_s:.1f} s, {len(dangling)} dangling",
        "schemas": schema_count(),
        "triggers": user_triggers(),
        "login_ms": login_update_ms(),
        "first_read_ms": first_read_ms(),
        "provisioning_ms": statistics.median(timings) * 1000,
        "runs": " ".join(f"{t * 1000:.0f}" for t in timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="100,1000,2000", help="numbers of schemas")
    parser.add_argument("-n", type=int, default=10, help="structures created per level")
    parser.add_argument("--compare", action="store_true", help="also time the migration path once")
    args = parser.parse_args()

    call_command("migrate_fast", verbosity=0)  # only the schemas behind (seconds at 2,000)
    remove_bench_structures()
    provisioning.ensure_template_current()
    if not User.objects.exists():
        User.objects.create_user(email="bench-prov@example.test")
    results = []
    for level in sorted(int(value) for value in args.levels.split(",")):
        print(f"level {level} schemas:", flush=True)
        filled = fill_up_to(level)
        if filled > 1:
            print(f"  filled in {filled:.0f} s")
        result = measure(level, args.n)
        results.append(result)
        print(
            f"  {result['schemas']} schemas: triggers on tenants_user {result['triggers']}, "
            f"login update {result['login_ms']:.2f} ms, first read {result['first_read_ms']:.1f} ms, "
            f"provisioning median {result['provisioning_ms']:.0f} ms (runs {result['runs']}), "
            f"check_integrity {result['integrity']}",
            flush=True,
        )
    if len(results) > 1:
        ratio = results[-1]["provisioning_ms"] / results[0]["provisioning_ms"]
        print(
            f"provisioning {results[-1]['schemas']} vs {results[0]['schemas']} schemas: "
            f"{ratio:.2f}x  (target <= 1.3)"
        )
    if args.compare:
        try:
            print(f"migration path (before): {time_migration_path() * 1000:.0f} ms")
        finally:
            remove_bench_structures()


if __name__ == "__main__":
    main()
