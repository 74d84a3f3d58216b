"""Benchmark: importing 500 structures from a CSV file (target < 3 min, no drift).

Builds a CSV of N valid structures in one territory, runs the same services as the page
(validation of every row, then the import task's service creating each structure and
cloning its schema, back to back in this one process), prints the validation and
provisioning times, the time per structure of the first and last 50 (drift: target last
50 within 1.3x of the first 50) and, with ``--probe``, the latency of logins made by
another connection during the import (target p95 < 50 ms); then removes everything it
created (rows and schemas) unless ``--keep``. ``--profile FILE`` writes a cProfile of the
import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qr_bench_scale \
        .venv/bin/python bench/import_structures.py [-n 500] [--probe] [--profile out.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qr_bench_scale")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")

from _database import prepare_database  # noqa: E402 — bench/ is on sys.path
from _scale import LoginProbe, schema_count  # noqa: E402

prepare_database()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tenants import provisioning, services, structure_import  # noqa: E402
from tenants.models import ImportStructures, Structure, Territoire, User  # noqa: E402
from tenants.validators import luhn_complete  # noqa: E402

PREFIX = "bench-import"
TERRITOIRE = "ut-bench-import"


def build_csv(count: int) -> bytes:
    lines = ["nom;type;territoire;finess;ville;directeur_email"]
    for index in range(count):
        finess = luhn_complete(f"97{index:06d}")
        lines.append(
            f"{PREFIX} {index:04d};SAAD;{TERRITOIRE};{finess};Lille;dir{index}@example.test"
        )
    return ("\n".join(lines) + "\n").encode()


def clean_up() -> None:
    for structure in Structure.objects.filter(slug__startswith=PREFIX):
        structure.groupes.clear()
        structure.delete(force_drop=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
            [f"s_{PREFIX.replace('-', '_')}%"],
        )
        for (schema,) in cursor.fetchall():
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    ImportStructures.objects.filter(fichier_nom__startswith=PREFIX).delete()
    Territoire.objects.filter(code=TERRITOIRE).delete()


def timed_create_structure(timings: list[float]):
    """``services.create_structure`` recording each duration (what the import calls)."""
    create = services.create_structure

    def wrapper(**fields):
        start = time.perf_counter()
        try:
            return create(**fields)
        finally:
            timings.append(time.perf_counter() - start)

    return create, wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--probe", action="store_true", help="logins during the import")
    parser.add_argument("--profile", help="write a cProfile of the import to this file")
    parser.add_argument("--keep", action="store_true", help="keep the structures created")
    parser.add_argument(
        "--no-recycle", action="store_true", help="keep one connection (the drift, before)"
    )
    args = parser.parse_args()
    if args.no_recycle:
        provisioning.RECYCLE_EVERY = 10**9
    call_command("migrate_fast", verbosity=0)  # only the schemas behind (seconds at 2,000)
    clean_up()
    provisioning.ensure_template_current()
    Territoire.objects.create(code=TERRITOIRE, nom="UT Bench import")
    # Kept between runs: deleting a person would touch every structure's schema.
    admin = User.objects.filter(
        email="bench-import@example.test"
    ).first() or User.objects.create_user(
        email="bench-import@example.test", is_federation_admin=True
    )
    schemas_before = schema_count()
    timings: list[float] = []
    original, services.create_structure = timed_create_structure(timings)
    probe = LoginProbe() if args.probe else None
    profiler = cProfile.Profile() if args.profile else None
    try:
        content = build_csv(args.n)
        start = time.perf_counter()
        parsed = structure_import.parse_file(name=f"{PREFIX}.csv", content=content)
        validation = structure_import.validate_rows(parsed, user=admin)
        validated = time.perf_counter()
        assert not validation.erreurs, validation.erreurs[:5]
        # The page's path: validation again, then the job's service (what the worker runs).
        if probe:
            probe.start()
        if profiler:
            profiler.enable()
        start_all = time.perf_counter()
        record = structure_import.start_structure_import(
            name=f"{PREFIX}.csv", content=content, user=admin
        )
        record = structure_import.run_structure_import(import_id=record.pk)
        done = time.perf_counter()
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        probed = probe.stop() if probe else None
        assert record.statut == "termine", record.message
        window = min(50, len(timings) // 2) or 1
        first = statistics.median(timings[:window]) * 1000
        last = statistics.median(timings[-window:]) * 1000
        print(f"import of {args.n} structures (CSV), {schemas_before} schemas before:")
        print(f"  validation of every row: {validated - start:.1f} s")
        print(
            f"  whole import (validation + provisioning): {done - start_all:.1f} s "
            f"({(done - start_all) / args.n * 1000:.0f} ms per structure)  (target < 180 s)"
        )
        print(
            f"  per structure, median of the first {window}: {first:.0f} ms, of the last "
            f"{window}: {last:.0f} ms, ratio {last / first:.2f}  (target <= 1.3)"
        )
        if probed:
            print(f"  logins during the import: {probed}  (target p95 < 50 ms)")
    finally:
        services.create_structure = original
        if not args.keep:
            clean_up()


if __name__ == "__main__":
    main()
