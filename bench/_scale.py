"""Measurements shared by the scale benchmarks (provisioning, import): what a login costs
and how the public tables grow with the number of structures' schemas. Not a benchmark
itself (``make bench`` skips ``_*.py``). Every figure is read on its own connection, so the
benchmark's connection (and its catalog cache) does not flatter or spoil it."""

from __future__ import annotations

import os
import statistics
import threading
import time

import psycopg


def dsn() -> str:
    return os.environ["DATABASE_URL"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def schema_count() -> int:
    with psycopg.connect(dsn()) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 's\\_%'"
        ).fetchone()[0]


def user_triggers() -> int:
    """Triggers on ``tenants_user`` (two per foreign key pointing to it)."""
    with psycopg.connect(dsn()) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.tenants_user'::regclass"
        ).fetchone()[0]


def _a_user_id(conn) -> int:
    """A person's id (the benchmarks create one through Django before measuring)."""
    return conn.execute("SELECT id FROM tenants_user ORDER BY id LIMIT 1").fetchone()[0]


def login_update_ms(runs: int = 50) -> float:
    """Median time of a login's ``UPDATE tenants_user SET last_login`` (autocommit)."""
    with psycopg.connect(dsn(), autocommit=True) as conn:
        user_id = _a_user_id(conn)
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            conn.execute("UPDATE tenants_user SET last_login = now() WHERE id = %s", [user_id])
            timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def first_read_ms(runs: int = 5) -> float:
    """Median time of the first read of ``tenants_user`` on a new connection (its catalog
    cache is empty: the table's definition, triggers included, is loaded)."""
    timings = []
    for _ in range(runs):
        with psycopg.connect(dsn()) as conn:
            start = time.perf_counter()
            conn.execute("SELECT id FROM tenants_user LIMIT 1").fetchall()
            timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


class LoginProbe(threading.Thread):
    """Does what a login writes (``UPDATE tenants_user SET last_login``), every
    ``interval`` seconds on its own connection, while something else runs; records each
    latency (a lock on ``tenants_user`` held by a provisioning transaction shows here)."""

    def __init__(self, interval: float = 0.05):
        super().__init__(daemon=True)
        self.interval = interval
        self.timings: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        with psycopg.connect(dsn(), autocommit=True) as conn:
            user_id = _a_user_id(conn)
            while not self._halt.is_set():
                start = time.perf_counter()
                conn.execute("UPDATE tenants_user SET last_login = now() WHERE id = %s", [user_id])
                self.timings.append((time.perf_counter() - start) * 1000)
                self._halt.wait(self.interval)

    def stop(self) -> str:
        self._halt.set()
        self.join()
        t = self.timings
        return (
            f"{len(t)} logins: p50 {percentile(t, 50):.1f} ms, p95 {percentile(t, 95):.1f} ms, "
            f"max {max(t):.1f} ms"
        )
