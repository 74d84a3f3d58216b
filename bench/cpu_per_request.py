"""Benchmark: server CPU time per request of each role's main pages (issue 18: ≤ 25 ms at
demo scale, so that p95 < 150 ms holds at 8 concurrent users on 2 CPUs).

    .venv/bin/python bench/cpu_per_request.py [-n 15] [--budget 25] [--only PAGES] [--profile PAGE]

The pages are the load test's (``bench/_loadtest.py``: ``pages()``, which also migrates and
loads the demo network, idempotent) in the database of ``DATABASE_URL`` (default
``qr_bench_load``, the load test's). Each page is requested in-process through the WSGI
application (``platform.wsgi``: every middleware, the view, the templates), with the session
cookie of the role's demo account, as gunicorn would call it, but without the network:
after 3 warm-up requests, the median of ``-n`` requests of the process's CPU time
(``time.process_time``: Django's share only, PostgreSQL's CPU is not counted; the minimum
too, less inflated when other processes share the CPUs) and of the wall time, then the HTML size and the queries of one more request (``SET search_path``
switches counted apart). Pages over ``--budget`` ms of CPU are flagged.
``--profile "referent: bilan form"`` prints that page's cProfile (CPU time of 10 requests).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qr_bench_load")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")

from _database import prepare_database  # noqa: E402 — bench/ is on sys.path

ACCOUNTS = {
    "federation": "federation@demo.test",
    "pilote": "pilote@demo.test",
    "expert": "expert@demo.test",
    "referent": "referent@demo.test",
}


def session_cookie(email: str) -> str:
    from django.conf import settings
    from django.test import Client

    from tenants.models import User

    client = Client()
    client.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def request(application, path: str, cookie: str) -> tuple[int, bytes]:
    """One GET through the WSGI application, as gunicorn calls it."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "HTTP_ACCEPT": "text/html",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    status: list[str] = []
    response = application(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        body = b"".join(response)
    finally:
        response.close()
    return int(status[0].split()[0]), body


def measure(application, path: str, cookie: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        request(application, path, cookie)
    cpu, wall = [], []
    for _ in range(runs):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        status, _body = request(application, path, cookie)
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    with CaptureQueriesContext(connection) as queries:
        status, body = request(application, path, cookie)
    sets = sum(1 for q in queries.captured_queries if q["sql"].upper().startswith("SET "))
    return {
        "status": status,
        "cpu": statistics.median(cpu) * 1000,
        "cpu_min": min(cpu) * 1000,
        "wall": statistics.median(wall) * 1000,
        "kb": len(body) / 1000,
        "queries": len(queries.captured_queries) - sets,
        "sets": sets,
    }


def profile(application, path: str, cookie: str) -> None:
    for _ in range(3):
        request(application, path, cookie)
    profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting
    profiler.enable()
    for _ in range(10):
        request(application, path, cookie)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(r"render\(|^(?!.*(site-packages|/lib/python))", 40)
    stats.sort_stats("tottime").print_stats(20)
    print(stream.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=15, help="timed requests per page")
    parser.add_argument("--budget", type=float, default=25.0, help="CPU budget per request, ms")
    parser.add_argument("--profile", help='one page, e.g. "referent: bilan form"')
    parser.add_argument("--only", help='measure only these pages ("role: name", comma-separated)')
    args = parser.parse_args()
    prepare_database()
    from _loadtest import pages  # after django.setup()
    from django.conf import settings

    from platform.wsgi import application

    roles = pages()
    cookies = {role: session_cookie(ACCOUNTS[role]) for role in roles}
    if args.profile:
        role, _, name = args.profile.partition(": ")
        path = dict(roles[role])[name]
        profile(application, path, cookies[role])
        return
    print(
        f"DEBUG={settings.DEBUG}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
        f"CPUs; median of {args.n} requests after 3 warm-up ones; budget {args.budget:g} ms CPU"
    )
    print(
        f"  {'page':44} {'status':>6} {'CPU ms':>7} {'(min)':>6} {'wall ms':>8} {'kB':>6} "
        f"{'queries':>8}"
    )
    over = []
    for role, entries in roles.items():
        for name, path in entries:
            label = f"{role}: {name}"
            if args.only and label not in args.only.split(","):
                continue
            row = measure(application, path, cookies[role], args.n)
            flag = "  > budget" if row["cpu"] > args.budget or row["status"] != 200 else ""
            if flag:
                over.append(label)
            print(
                f"  {label[:44]:44} {row['status']:>6} {row['cpu']:>7.1f} {row['cpu_min']:>6.1f} "
                f"{row['wall']:>8.1f} "
                f"{row['kb']:>6.1f} {row['queries']:>4} +{row['sets']:<2}SET{flag}"
            )
    print(f"\nover {args.budget:g} ms: {', '.join(over) if over else 'none'}")


if __name__ == "__main__":
    main()
