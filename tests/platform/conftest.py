"""A real PgBouncer (Debian package ``pgbouncer``) started on a free port in front of the
test database, for tests/platform/test_pgbouncer*.py."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def free_port() -> int:
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


def pgbouncer_admin(port: int, command: str) -> list[dict[str, str]]:
    """Rows of a PgBouncer console command (``SHOW POOLS``…), through psql: the console
    speaks only the simple query protocol."""
    user = connection.settings_dict["USER"]
    output = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            user,
            "-AXF",
            "\t",
            "-c",
            command,
            "pgbouncer",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout.splitlines()
    header = output[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in output[1:-1]]


@pytest.fixture
def pgbouncer(django_db_setup):
    """``start(mode, pool_size)`` runs a PgBouncer in front of the test database (trust
    authentication, the database's user as console admin); returns its port."""
    assert Path(PGBOUNCER).exists(), (
        "PgBouncer manque : installez le paquet Debian « pgbouncer » (apt-get install pgbouncer)."
    )
    processes = []
    workdir = Path(tempfile.mkdtemp(prefix="qr-pgbouncer-"))
    workdir.chmod(0o755)

    def start(mode: str, pool_size: int = 5) -> int:
        host, port = _server_address()
        listen = free_port()
        user = connection.settings_dict["USER"]
        (workdir / "users.txt").write_text(f'"{user}" ""\n')
        ini = workdir / f"{mode}.ini"
        ini.write_text(
            "[databases]\n"
            f"* = host={host} port={port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {listen}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {workdir / 'users.txt'}\nadmin_users = {user}\n"
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
