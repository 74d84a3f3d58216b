"""Through a real PgBouncer (Debian package ``pgbouncer``, started here on a free port):
in session mode, the mode docs/scaling.md recommends, each structure's search_path stays
with its client across transactions; in transaction mode another client gets it, which
is why the settings refuse ``DATABASE_POOL_MODE=transaction``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.db.utils import load_backend

from tenants.models import Structure

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_address() -> tuple[str, str]:
    settings = connection.settings_dict
    return settings["HOST"] or "127.0.0.1", settings["PORT"] or "5432"


def _socket_owner(host: str) -> str:
    """PgBouncer refuses to run as root: run it as the owner of the server's socket
    directory (the embedded server's), or ``nobody`` for a TCP server."""
    if host.startswith("/") and os.geteuid() == 0:
        import pwd

        return pwd.getpwuid(Path(host).stat().st_uid).pw_name
    return "nobody"


@pytest.fixture
def pgbouncer(db):
    """``start(mode)`` runs a PgBouncer in front of the test database; returns its port."""
    assert Path(PGBOUNCER).exists(), (
        "PgBouncer manque : installez le paquet Debian « pgbouncer » (apt-get install pgbouncer)."
    )
    processes = []
    workdir = Path(tempfile.mkdtemp(prefix="qr-pgbouncer-"))
    workdir.chmod(0o755)

    def start(mode: str, pool_size: int = 5) -> int:
        host, port = _server_address()
        listen = _free_port()
        user = connection.settings_dict["USER"]
        (workdir / "users.txt").write_text(f'"{user}" ""\n')
        ini = workdir / f"{mode}.ini"
        ini.write_text(
            "[databases]\n"
            f"* = host={host} port={port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {listen}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {workdir / 'users.txt'}\n"
            f"pool_mode = {mode}\ndefault_pool_size = {pool_size}\nserver_lifetime = 300\n"
        )
        for path in workdir.iterdir():
            path.chmod(0o644)
        command = [PGBOUNCER, ini.as_posix()]
        if os.geteuid() == 0:
            command[1:1] = ["-u", _socket_owner(host)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        processes.append(process)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", listen), timeout=0.2).close()
                return listen
            except OSError:
                time.sleep(0.1)
        raise AssertionError(process.stdout.read1().decode() if process.stdout else "no output")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def _wrapper(port: int):
    """A django-tenants connection (same backend as the application's) through PgBouncer."""
    settings = dict(connection.settings_dict, HOST="127.0.0.1", PORT=str(port))
    backend = load_backend(settings["ENGINE"])
    return backend.DatabaseWrapper(settings, alias="pgbouncer")


def _schemas(wrapper) -> list[str]:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT current_schemas(false)")
        return cursor.fetchone()[0]


def test_session_mode_keeps_each_structures_search_path(pgbouncer):
    port = pgbouncer("session", pool_size=2)
    alpha = Structure.objects.get(slug="alpha")
    beta = Structure.objects.get(slug="beta")
    first, second = _wrapper(port), _wrapper(port)
    try:
        first.set_tenant(alpha)
        second.set_tenant(beta)
        for _ in range(3):  # several transactions each, interleaved
            assert _schemas(first) == [alpha.schema_name, "public"]
            assert _schemas(second) == [beta.schema_name, "public"]
            with first.cursor() as cursor:  # a structure table resolves in its own schema
                cursor.execute("SELECT to_regclass('diagnostics_autodiagnostic')::text")
                assert cursor.fetchone()[0] == "diagnostics_autodiagnostic"
        first.set_schema_to_public()
        assert _schemas(first) == ["public"]
    finally:
        first.close()
        second.close()


def test_transaction_mode_hands_a_search_path_to_another_client(pgbouncer):
    port = pgbouncer("transaction", pool_size=1)
    name = connection.settings_dict["NAME"]
    user = connection.settings_dict["USER"]
    dsn = f"host=127.0.0.1 port={port} dbname={name} user={user}"
    with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as a:
        a.execute('SET search_path TO "s_alpha", public')  # what django-tenants sends
        with psycopg.connect(dsn, autocommit=True, prepare_threshold=None) as b:
            leaked = b.execute("SELECT current_schemas(false)").fetchone()[0]
    assert leaked == ["s_alpha", "public"]  # b runs in alpha's schema: refused below


@pytest.mark.parametrize("mode", ["transaction", "statement"])
def test_settings_refuse_pool_modes_other_than_session(mode):
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "platform.settings",
            "DATABASE_POOL_MODE": mode,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"DATABASE_POOL_MODE='{mode}' refusé" in result.stderr
