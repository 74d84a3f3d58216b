"""Fault tests: a real Redis, a real Celery worker process, a real SMTP server and a real
PostgreSQL restart (docs/operations.md, "Tests de pannes").

* Redis: started by the tests from the ``redis-server`` binary on a free port (it must be
  stopped and restarted for the broker outage); without the binary, the Redis named by
  ``REDIS_URL`` / ``CELERY_BROKER_URL`` is used and the outage scenario is skipped. With
  neither, the tests skip with a message saying what to install (``make redis``).
* Worker: ``python -m celery -A platform.celery worker`` in its own process group, with
  ``DATABASE_URL`` pointing at this run's test database (committed data: these tests do
  not run in a rolled-back transaction and clean up what they create).
* The measured counts are printed as the issue's table at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULTS: dict[str, dict] = {}
ROW_ORDER = (
    "pool_kill",
    "main_kill",
    "broker_outage",
    "export_outage",
    "smtp_kill",
    "pg_restart",
)
LABELS = {
    "pool_kill": "worker pool process killed (kill -9) during a structure import",
    "main_kill": "whole worker killed (kill -9) during the import, then restarted",
    "broker_outage": "Redis stopped while requests enqueue structure imports",
    "export_outage": "Redis stopped when a large XLSX export is requested",
    "smtp_kill": "worker killed after the SMTP server accepted an e-mail",
    "pg_restart": "PostgreSQL restarted while idle, with DATABASE_URL",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class RedisServer:
    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="qr-faults-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=15, what="redis-server")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def database_url(settings_dict: dict) -> str:
    """A ``DATABASE_URL`` for the current (test) database, Unix socket or TCP."""
    host = settings_dict.get("HOST") or ""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = urllib.parse.quote(user) + (
        ":" + urllib.parse.quote(password) if password else ""
    )
    location = urllib.parse.quote(host, safe="") if host.startswith("/") else host
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}@{location}{port}/{settings_dict['NAME']}"


class Worker:
    """A Celery worker process (and its pool), in its own process group."""

    def __init__(
        self, *, broker_url: str, db_url: str, log_dir: Path, extra_env=None, concurrency=1
    ):
        self.concurrency = concurrency
        self.broker_url = broker_url
        self.db_url = db_url
        self.log_dir = log_dir
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        self.log = self.log_dir / f"worker-{self.starts}.log"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_", "CELERY_", "TEST_DATABASE", "EMAIL_"))
        }
        env.update(
            CELERY_BROKER_URL=self.broker_url,
            DATABASE_URL=self.db_url,
            DJANGO_SETTINGS_MODULE="platform.settings",
            PYTHONDONTWRITEBYTECODE="1",
            **self.extra_env,
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "platform.celery",
                "worker",
                "-Q",
                "jobs,emails,celery",
                "-c",
                str(self.concurrency),
                "-P",
                "prefork",
                "-l",
                "INFO",
                "-n",
                f"faults-{os.getpid()}-{self.starts}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._ready, timeout=240, interval=0.2, what="the Celery worker to be ready")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError("worker exited:\n" + self.log.read_text()[-3000:])
        return " ready." in self.log.read_text()

    def pool_pids(self) -> list[int]:
        import psutil

        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def kill_pool_process(self) -> None:
        for pid in self.pool_pids():
            os.kill(pid, signal.SIGKILL)

    def kill_all(self) -> None:
        """kill -9 the main process and its pool (the whole process group)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()
        self.process = None


@pytest.fixture(scope="session")
def redis_server():
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if binary:
        server = RedisServer(binary)
        server.start()
        yield server
        server.cleanup()
        return
    external = os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL")
    if not external:
        pytest.skip(
            "Fault tests need Redis: install the 'redis-server' package (`make redis`) "
            "or set REDIS_URL to a Redis the tests may use."
        )
    yield external


def broker_url_of(redis_server) -> str:
    return redis_server if isinstance(redis_server, str) else redis_server.url


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    write = terminalreporter.write_line
    terminalreporter.section("Fault tests (issue 17), measured by tests/faults/")
    write("| scenario | attempted | lost | duplicated |")
    write("|---|---|---|---|")
    for key in ROW_ORDER:
        row = RESULTS.get(key)
        if row:
            write(
                f"| {LABELS[key]}{row.get('detail', '')} | {row['attempted']} "
                f"| {row['lost']} | {row['duplicated']} |"
            )
