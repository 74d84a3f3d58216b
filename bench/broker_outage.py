"""Benchmark: how long a request waits to publish a Celery message while the broker is down
(issue 17: a request never waits seconds for a dead broker; the durable row waits for the
sweeper).

    .venv/bin/python bench/broker_outage.py [-n 5]

Three real brokers that are down, on loopback: a stopped Redis (the port refuses the
connection), a silent one (a TCP server that accepts and never answers: a frozen Redis)
and an unreachable one (a listening socket whose accept queue is full: connections hang
like toward a lost host). For each, ``-n`` successive publications through ``core.broker``
(the path of ``core.jobs.publish`` and of the outbox), as successive requests of one web
process would make them, with the settings before the fix (3 s connect / 10 s read
timeouts, one publish retry, no back-off) and with the current ones
(``CELERY_BROKER_TRANSPORT_OPTIONS``, ``CELERY_TASK_PUBLISH_RETRY_POLICY``,
``BROKER_DOWN_BACKOFF_SECONDS``). Prints the first, median and slowest publication.
No database is used.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
# Celery reads CELERY_BROKER_URL from the environment before its configuration.
os.environ.pop("CELERY_BROKER_URL", None)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _silent() -> tuple[int, list]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(100)
    kept: list = [server]

    def accept() -> None:
        while True:
            try:
                kept.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server.getsockname()[1], kept


def _unreachable() -> tuple[int, list]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    kept: list = [server]
    port = server.getsockname()[1]
    for _ in range(4):  # fill the accept queue: later connections hang
        client = socket.socket()
        client.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            client.connect(("127.0.0.1", port))
        kept.append(client)
    return port, kept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5, help="publications per case")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from core import broker
    from core.tasks import sweep_jobs

    from platform.celery import app

    brokers = {
        "stopped (refused)": (_free_port(), []),
        "silent (accepts, never answers)": _silent(),
        "unreachable (connection hangs)": _unreachable(),
    }
    before_retry = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
    cases = {
        "before (3 s / 10 s, 1 retry, no back-off)": (
            {
                **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                "socket_connect_timeout": 3,
                "socket_timeout": 10,
            },
            {**before_retry, "interval_max": 0.5},
            0.0,
        ),
        "now (settings)": (
            settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            settings.CELERY_TASK_PUBLISH_RETRY_POLICY,
            settings.BROKER_DOWN_BACKOFF_SECONDS,
        ),
    }
    print(f"{args.n} successive publications per case (seconds each)")
    print("| broker | settings | first | median | slowest | published |")
    print("|---|---|---|---|---|---|")
    for broker_name, (port, _kept) in brokers.items():
        for case_name, (options, retry_policy, backoff) in cases.items():
            app.conf.update(
                broker_url=f"redis://127.0.0.1:{port}/0",
                task_always_eager=False,
                broker_transport_options=options,
                task_publish_retry_policy=retry_policy,
            )
            app._pool = None
            app.amqp._producer_pool = None
            # The task sender keeps the retry policy it was created with.
            app.amqp.__dict__.pop("send_task_message", None)
            settings.BROKER_DOWN_BACKOFF_SECONDS = backoff
            broker.reset()
            times, sent = [], 0
            for _ in range(args.n):
                started = time.perf_counter()
                sent += broker.send(sweep_jobs.apply_async, what="bench")
                times.append(time.perf_counter() - started)
            print(
                f"| {broker_name} | {case_name} | {times[0]:.2f} | "
                f"{statistics.median(times):.2f} | {max(times):.2f} | {sent}/{args.n} |"
            )


if __name__ == "__main__":
    main()
