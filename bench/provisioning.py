"""Benchmark: provisioning one structure, and what a login costs, as the number of
structures' schemas grows (targets: provisioning within 1.3x from 100 to 2,000 schemas,
triggers on ``tenants_user`` flat, ``UPDATE tenants_user SET last_login`` < 5 ms).

Each level of ``--levels`` (default 100,1000,2000) has its own database, named after
``DATABASE_URL``'s with the level appended (``qr_bench_scale_100``, ``…_1000``, ``…_2000``),
filled up to that number of structures' schemas with kept filler structures
(``bench-fill-*``, created through ``tenants.services.create_structure`` like any other, on
a fresh connection every 100). The levels are then measured **interleaved**: ``--rounds``
rounds, each visiting every level (in a rotated order) in a fresh process that creates
``-n / --rounds`` structures after one unrecorded warm-up creation, then removes them
(rows and schemas). On a shared machine whose load moves from minute to minute, each
level thus sees the same conditions, which a level-after-level run does not give.

Per provisioning it records the wall time, the PostgreSQL backend's CPU time and the time
the backend waited for a CPU (``/proc/<backend pid>/schedstat``, when the server runs on
this machine as the same or a privileged user), and prints per level the median, p10/p90
and every run; then, once per level: triggers on ``tenants_user``, median of 50
``UPDATE tenants_user SET last_login``, first read of ``tenants_user`` on a new connection,
and ``check_integrity`` over every schema. ``--compare`` also times the old way (running
every migration) once, at the first level.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qr_bench_scale \\
        .venv/bin/python bench/provisioning.py [--levels 100,1000,2000] [-n 20] [--rounds 4] [--compare]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qr_bench_scale")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")

PREFIX = "bench-prov"
FILL = "bench-fill"


# --- In a child process, on one level's database -----------------------------------------


def _setup(action: str) -> None:
    if action == "fill":  # creates the database if needed and migrates public
        from _database import prepare_database  # bench/ is on sys.path

        prepare_database()
    else:
        import django

        django.setup()


def remove_bench_structures() -> None:
    from django.db import connection

    from tenants.models import Structure

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


def fill_up_to(level: int, batch: int = 100) -> dict:
    """Create filler structures until ``level`` schemas exist."""
    from _scale import schema_count
    from django.core.management import CommandError, call_command
    from django.db import connection

    from tenants import provisioning, services
    from tenants.models import Structure, User

    if not os.environ.get("BENCH_FILLERS_AS_THEY_ARE"):
        try:
            call_command("migrate_fast", verbosity=0)  # the schemas behind (seconds at 2,000)
        except CommandError as error:  # the fillers stay behind; the template is migrated below
            print(f"    migrate_fast: {error}", file=sys.stderr, flush=True)
    remove_bench_structures()
    provisioning.ensure_template_current()
    if not User.objects.exists():
        User.objects.create_user(email="bench-prov@example.test")
    start = time.perf_counter()
    index = Structure.objects.filter(slug__startswith=FILL).count()
    created = 0
    while (missing := level - schema_count()) > 0:
        for _ in range(min(batch, missing)):
            services.create_structure(
                nom=f"Remplissage {index}", slug=f"{FILL}-{index}", type="SAAD"
            )
            index += 1
            created += 1
        connection.close()  # a fresh connection per batch: bounded catalog cache
        print(f"    … {schema_count()} schemas", file=sys.stderr, flush=True)
    return {"created": created, "seconds": time.perf_counter() - start}


def _backend_clock(pid: int) -> tuple[float, float] | None:
    """(CPU seconds, seconds waiting for a CPU) of a backend process, if readable."""
    try:
        with open(f"/proc/{pid}/schedstat") as handle:
            on_cpu, waiting, _slices = handle.read().split()
    except OSError:
        return None
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def measure_round(count: int) -> dict:
    """Create ``count`` structures (after one warm-up) on a fresh connection, remove them."""
    from django.db import connection

    from tenants import services

    remove_bench_structures()  # left by an interrupted round
    connection.close()
    runs = []
    try:
        for index in range(count + 1):
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            before = _backend_clock(pid)
            start = time.perf_counter()
            services.create_structure(nom=f"Bench {index}", slug=f"{PREFIX}-{index}", type="SAAD")
            wall = time.perf_counter() - start
            after = _backend_clock(pid)
            if index == 0:
                continue  # warm-up: the process's first creation reads the template
            run = {"wall": wall}
            if before and after:
                run["cpu"], run["waiting"] = after[0] - before[0], after[1] - before[1]
            runs.append(run)
    finally:
        remove_bench_structures()
    return {"runs": runs, "load": os.getloadavg()[0]}


def measure_costs() -> dict:
    """Per-level costs that do not need repeating: triggers, login, first read, integrity."""
    from _scale import first_read_ms, login_update_ms, schema_count, user_triggers
    from django.db import connection

    from tenants.operations import integrity

    connection.close()
    start = time.perf_counter()
    try:
        dangling = integrity.find_dangling_references()
        integrity_text = f"{time.perf_counter() - start:.1f} s, {len(dangling)} dangling"
    except Exception as error:  # noqa: BLE001 — reported, the other figures still count
        integrity_text = f"failed: {str(error).splitlines()[0]}"
    return {
        "schemas": schema_count(),
        "triggers": user_triggers(),
        "login_ms": login_update_ms(),
        "first_read_ms": first_read_ms(),
        "integrity": integrity_text,
    }


def time_migration_path() -> float:
    """The old way: create an empty schema and run every migration in it."""
    from django.core.management import call_command
    from django.db import connection

    schema = f"s_{PREFIX.replace('-', '_')}_migrate"
    start = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        call_command(
            "migrate_schemas", tenant=True, schema_name=schema, interactive=False, verbosity=0
        )
        return time.perf_counter() - start
    finally:
        remove_bench_structures()


def child(action: str, value: int) -> None:
    _setup(action)
    if action == "fill":
        result = fill_up_to(value)
    elif action == "measure":
        result = measure_round(value)
    elif action == "costs":
        result = measure_costs()
    else:
        result = {"seconds": time_migration_path()}
    print(json.dumps(result))


# --- The parent: one database per level, levels interleaved --------------------------------


def level_url(level: int) -> str:
    base = os.environ["DATABASE_URL"]
    return f"{base}_{level}"


def run_child(level: int, action: str, value: int = 0, attempts: int = 3) -> dict:
    """Run ``action`` in a fresh process on the level's database. A failed measuring round
    is retried after a pause (on a shared server, other sessions may fill the shared lock
    table for a while: "out of shared memory"; a provisioning locks ~500 relations)."""
    for attempt in range(1, attempts + 1):
        process = subprocess.run(
            [sys.executable, __file__, "--child", action, str(value)],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": level_url(level), "LOG_LEVEL": "WARNING"},
            stdout=subprocess.PIPE,
            text=True,
        )
        if process.returncode == 0:
            return json.loads(process.stdout.strip().splitlines()[-1])
        if action != "measure" or attempt == attempts:
            raise SystemExit(f"{action} at {level} schemas failed (see above)")
        print(f"  {action} at {level} schemas failed, retried in 20 s", flush=True)
        time.sleep(20)
    raise AssertionError("unreachable")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"median {statistics.median(ms):.0f} ms (p10 {percentile(ms, 10):.0f}, "
        f"p90 {percentile(ms, 90):.0f}, min {min(ms):.0f}, max {max(ms):.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="100,1000,2000", help="numbers of schemas")
    parser.add_argument("-n", type=int, default=20, help="structures measured per level")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds")
    parser.add_argument("--compare", action="store_true", help="also time the migration path once")
    parser.add_argument(
        "--fillers-as-they-are",
        action="store_true",
        help="do not migrate the filler schemas first (when a new migration would take an hour "
        "at 2,000 schemas: only the template, which every new structure copies, is migrated)",
    )
    parser.add_argument("--child", nargs=2, metavar=("ACTION", "VALUE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return

    levels = sorted(int(value) for value in args.levels.split(","))
    if args.fillers_as_they_are:
        os.environ["BENCH_FILLERS_AS_THEY_ARE"] = "1"
    for level in levels:
        filled = run_child(level, "fill", level)
        print(
            f"{level_url(level).rsplit('/', 1)[1]}: {filled['created']} filler structures "
            f"created in {filled['seconds']:.0f} s",
            flush=True,
        )
    per_round = math.ceil(args.n / args.rounds)
    runs: dict[int, list[dict]] = {level: [] for level in levels}
    loads = []
    started = time.strftime("%H:%M UTC", time.gmtime())
    for round_index in range(args.rounds):
        order = levels[round_index % len(levels) :] + levels[: round_index % len(levels)]
        for level in order:
            result = run_child(level, "measure", per_round)
            runs[level] += result["runs"]
            loads.append(result["load"])
        print(f"  round {round_index + 1}/{args.rounds} done (order {order})", flush=True)
    print(
        f"\n{started}–{time.strftime('%H:%M UTC', time.gmtime())}, {args.rounds} interleaved rounds "
        f"of {per_round} per level, load average {min(loads):.1f}–{max(loads):.1f}, "
        f"{os.cpu_count()} CPU"
    )
    medians = {}
    for level in levels:
        costs = run_child(level, "costs")
        wall = [run["wall"] for run in runs[level]]
        cpu = [run["cpu"] for run in runs[level] if "cpu" in run]
        waiting = [run["waiting"] for run in runs[level] if "waiting" in run]
        medians[level] = (statistics.median(wall), statistics.median(cpu) if cpu else None)
        print(
            f"{costs['schemas']} schemas: triggers on tenants_user {costs['triggers']}, "
            f"login update {costs['login_ms']:.2f} ms, first read {costs['first_read_ms']:.1f} ms, "
            f"check_integrity {costs['integrity']}"
        )
        print(f"  provisioning, {len(wall)} runs: wall {summary(wall)}")
        if cpu:
            print(f"    backend CPU {summary(cpu)}; backend waiting for a CPU {summary(waiting)}")
        print(f"    runs (ms): {' '.join(f'{t * 1000:.0f}' for t in wall)}")
    if len(levels) > 1:
        first, last = medians[levels[0]], medians[levels[-1]]
        text = f"provisioning {levels[-1]} vs {levels[0]} schemas: wall {last[0] / first[0]:.2f}x"
        if first[1] and last[1]:
            text += f", backend CPU {last[1] / first[1]:.2f}x"
        print(text + "  (target <= 1.3)")
    if args.compare:
        seconds = run_child(levels[0], "compare")["seconds"]
        print(f"migration path (before), at {levels[0]} schemas: {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
