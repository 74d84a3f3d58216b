"""Benchmark: ``migrate_fast`` against django-tenants' ``migrate_schemas`` on 1,000 structures.

    .venv/bin/python bench/migrate_fast.py [--tenants 1000] [--workers 4] [--fresh]

Each case is also run with django-tenants' parallel executor (``migrate_schemas --tenant
--executor multiprocessing`` with ``TENANT_MULTIPROCESSING_MAX_PROCESSES`` = ``--workers``),
the third baseline.

Uses a dedicated database on the system PostgreSQL (``BENCH_DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/qr_bench_ops``). The structures are made quickly:
one is provisioned normally, its schema is dumped once with ``pg_dump`` and replayed
under 999 other names with ``psql``, and the ``Structure``/``Domain`` rows are
bulk-inserted. Then, each command in its own process (as in production):

1. nothing pending: ``migrate_schemas --tenant`` (standard, then parallel executor) vs
   ``migrate_fast``;
2. one new migration (a throwaway app with one ``RunSQL``, added to TENANT_APPS by a
   settings module written in a temporary folder): ``migrate_fast`` applies it; it is
   undone by SQL in every schema, ``migrate_schemas --tenant`` applies it, undone again,
   and the parallel executor applies it.

Figures are printed; they are recorded in docs/benchmarks.md and docs/scaling.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TEMPLATE_SLUG = "bench-modele"
TEMPLATE_SCHEMA = "s_bench_modele"

EXTRA_APP_MIGRATION = """
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.RunSQL(
            "CREATE TABLE opsbench_marqueur (id bigint PRIMARY KEY)",
            "DROP TABLE opsbench_marqueur",
        ),
    ]
"""
EXTRA_SETTINGS = """
from platform.settings import *  # noqa: F403

TENANT_APPS = [*TENANT_APPS, "opsbench"]  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "opsbench"]  # noqa: F405
"""
# django-tenants' parallel executor reads its number of processes from the settings.
PARALLEL_SETTINGS = """
from {base} import *  # noqa: F403

TENANT_MULTIPROCESSING_MAX_PROCESSES = {processes}
"""
PARALLEL = ["migrate_schemas", "--tenant", "--executor", "multiprocessing", "-v", "0"]


def run(command: list[str], env: dict, *, quiet: bool = True, stdin: str | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        check=True,
        input=stdin,
        text=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    return time.perf_counter() - started


def manage(args: list[str], env: dict, *, label: str = "") -> float:
    seconds = run([PYTHON, "manage.py", *args], env)
    if label:
        print(f"{label}: {seconds:.1f} s", flush=True)
    return seconds


def psql(url: str, sql: str, *, database: str | None = None) -> str:
    target = url if database is None else url.rsplit("/", 1)[0] + "/" + database
    result = subprocess.run(
        ["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", target],
        input=sql,
        text=True,
        capture_output=True,
    )
    if result.returncode:
        raise SystemExit(f"psql: {result.stderr[-2000:]}")
    return result.stdout.strip()


def count_structures(url: str) -> int:
    return int(psql(url, "SELECT count(*) FROM tenants_structure WHERE schema_name <> 'public';"))


def prepare_database(url: str, tenants: int, fresh: bool, env: dict) -> None:
    name = urlparse(url).path.lstrip("/")
    exists = psql(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}';", database="postgres")
    if exists and not fresh and count_structures(url) >= tenants:
        print(
            f"Base {name} : {count_structures(url)} structures déjà là (--fresh pour refaire).",
            flush=True,
        )
        return
    psql(
        url,
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE); CREATE DATABASE "{name}";',
        database="postgres",
    )
    started = time.perf_counter()
    manage(["migrate_schemas", "--shared", "-v", "0"], env)
    manage(
        [
            "shell",
            "-c",
            (
                "from tenants import services;"
                f"services.create_structure(nom='Modèle', slug='{TEMPLATE_SLUG}')"
            ),
        ],
        env,
    )
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", "--schema", TEMPLATE_SCHEMA, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # Recent pg_dump guards its script with \restrict/\unrestrict: not repeatable in one session.
    dump = "\n".join(
        line for line in dump.splitlines() if not line.startswith(("\\restrict", "\\unrestrict"))
    )
    dump += "\n"
    # one transaction per batch; each schema locks ~500 relations (tables, indexes, TOAST,
    # sequences) and the shared lock table holds max_locks_per_transaction (64) × 100 connections
    batch = 2
    for start in range(1, tenants, batch):
        names = [f"s_bench_{i:05d}" for i in range(start, min(start + batch, tenants))]
        script = "BEGIN;\n" + "".join(dump.replace(TEMPLATE_SCHEMA, n) for n in names) + "COMMIT;\n"
        psql(url, script)
    manage(
        [
            "shell",
            "-c",
            (
                "from tenants.models import Structure, Domain\n"
                f"rows = [Structure(nom=f'Bench {{i}}', slug=f'bench-{{i:05d}}', schema_name=f's_bench_{{i:05d}}') for i in range(1, {tenants})]\n"
                "Structure.objects.bulk_create(rows, batch_size=500)\n"
                "ids = dict(Structure.objects.filter(slug__startswith='bench-0').values_list('slug', 'id'))\n"
                "Domain.objects.bulk_create([Domain(domain=s, tenant_id=i, is_primary=True) for s, i in ids.items()], batch_size=500)\n"
            ),
        ],
        env,
    )
    print(f"{count_structures(url)} structures créées en {time.perf_counter() - started:.1f} s.")


def undo_extra_migration(url: str) -> None:
    psql(
        url,
        """
DO $$
DECLARE s text;
BEGIN
  FOR s IN SELECT schema_name FROM tenants_structure WHERE schema_name <> 'public' LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I.opsbench_marqueur', s);
    EXECUTE format('DELETE FROM %I.django_migrations WHERE app = ''opsbench''', s);
  END LOOP;
END $$;""",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--fresh", action="store_true")
    options = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qr_bench_ops")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONDONTWRITEBYTECODE": "1",
        "LOG_LEVEL": "WARNING",
        "OPS_LOG_DIR": tempfile.mkdtemp(prefix="ops-bench-"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    prepare_database(url, options.tenants, options.fresh, env)
    tenants = count_structures(url)
    workers = ["--workers", str(options.workers)]

    undo_extra_migration(url)  # in case an earlier run was interrupted
    manage(["migrate_fast", "-v", "0", *workers], env)  # start from an up-to-date state

    with tempfile.TemporaryDirectory() as folder:
        app = Path(folder) / "opsbench"
        (app / "migrations").mkdir(parents=True)
        (app / "__init__.py").write_text("")
        (app / "migrations" / "__init__.py").write_text("")
        (app / "migrations" / "0001_initial.py").write_text(EXTRA_APP_MIGRATION)
        (Path(folder) / "opsbench_settings.py").write_text(EXTRA_SETTINGS)
        for name, base in (
            ("parallel", "platform.settings"),
            ("opsbench_parallel", "opsbench_settings"),
        ):
            (Path(folder) / f"{name}_settings.py").write_text(
                PARALLEL_SETTINGS.format(base=base, processes=options.workers)
            )
        parallel_env = {**env, "PYTHONPATH": folder, "DJANGO_SETTINGS_MODULE": "parallel_settings"}
        extra_env = {**env, "PYTHONPATH": folder, "DJANGO_SETTINGS_MODULE": "opsbench_settings"}
        extra_parallel_env = {**extra_env, "DJANGO_SETTINGS_MODULE": "opsbench_parallel_settings"}

        idle_fast = manage(
            ["migrate_fast", "-v", "0", *workers], env, label="rien à migrer, migrate_fast"
        )
        idle_classic = manage(
            ["migrate_schemas", "--tenant", "-v", "0"],
            env,
            label="rien à migrer, migrate_schemas --tenant",
        )
        idle_parallel = manage(
            PARALLEL,
            parallel_env,
            label="rien à migrer, migrate_schemas --executor multiprocessing",
        )

        one_fast = manage(
            ["migrate_fast", "-v", "0", *workers], extra_env, label="une migration, migrate_fast"
        )
        undo_extra_migration(url)
        one_classic = manage(
            ["migrate_schemas", "--tenant", "-v", "0"],
            extra_env,
            label="une migration, migrate_schemas --tenant",
        )
        undo_extra_migration(url)
        one_parallel = manage(
            PARALLEL,
            extra_parallel_env,
            label="une migration, migrate_schemas --executor multiprocessing",
        )
        undo_extra_migration(url)

    print(
        f"\nmigrate_fast vs migrate_schemas --tenant, {tenants} structures, {options.workers} workers "
        f"(migrate_fast --workers, TENANT_MULTIPROCESSING_MAX_PROCESSES), {os.cpu_count()} CPU, "
        f"charge {os.getloadavg()[0]:.1f}"
    )
    print(
        "| cas | migrate_schemas --tenant | migrate_schemas, exécuteur parallèle | migrate_fast "
        "| rapport (standard / parallèle) |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for case, classic, parallel, fast in (
        ("rien à migrer", idle_classic, idle_parallel, idle_fast),
        ("une migration nouvelle", one_classic, one_parallel, one_fast),
    ):
        print(
            f"| {case} | {classic:.1f} s | {parallel:.1f} s | {fast:.1f} s "
            f"| {classic / fast:.1f}× / {parallel / fast:.1f}× |"
        )


if __name__ == "__main__":
    main()
