"""Embedded PostgreSQL for development and tests, used when ``DATABASE_URL`` is not set.

The server binaries come from the ``pgserver`` wheel (PostgreSQL 16, no system package);
this module only runs ``initdb`` and ``pg_ctl`` from them, so that it stays in control of
where data lives and which user runs the server:

* as an ordinary user, the cluster lives in ``<repo>/.devdb`` (git-ignored) and is kept
  across restarts;
* as root (containers, CI), PostgreSQL refuses to run, so the server runs as the existing
  ``nobody`` user from a copy of the binaries in ``/var/lib/qualireseau/``; its data lives
  in ``/var/lib/qualireseau/devdb-<hash of the repo path>``. No user is created and no
  folder's permissions are changed (unlike ``pgserver.get_server``).

The server listens only on a Unix socket inside its data folder: it never clashes with a
PostgreSQL already listening on port 5432. ``python -m platform.devdb stop`` stops it.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dj_database_url import DBConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "qualireseau"
SUPERUSER = "postgres"
ROOT_BASE = Path("/var/lib/qualireseau")


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _pgserver_bin() -> Path:
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pgserver n'est pas installé : lancez `make install`.")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def data_dir() -> Path:
    if _running_as_root():
        digest = hashlib.sha1(str(REPO_ROOT).encode()).hexdigest()[:12]
        return ROOT_BASE / f"devdb-{digest}"
    return REPO_ROOT / ".devdb"


def _bin_dir() -> Path:
    source = _pgserver_bin()
    if not _running_as_root():
        return source
    # The repository may sit in a folder `nobody` cannot traverse (mktemp -d is 0700):
    # run a world-readable copy of the binaries instead of opening the repo's parents.
    # The wheel's layout is kept: the binaries' RPATH points to ../../../pgserver.libs.
    site = source.parent.parent.parent
    version = hashlib.sha1(str(sorted(p.name for p in (site / "pgserver.libs").iterdir())).encode())
    target = ROOT_BASE / f"pgserver-{version.hexdigest()[:12]}"
    if not (target / "pgserver" / "pginstall" / "bin" / "postgres").exists():
        ROOT_BASE.mkdir(mode=0o755, parents=True, exist_ok=True)
        tmp = ROOT_BASE / f".pgserver-{os.getpid()}"
        shutil.copytree(
            site / "pgserver" / "pginstall", tmp / "pgserver" / "pginstall", symlinks=True
        )
        shutil.copytree(site / "pgserver.libs", tmp / "pgserver.libs", symlinks=True)
        for folder in (tmp, tmp / "pgserver"):
            os.chmod(folder, 0o755)
        tmp.rename(target)
    return target / "pgserver" / "pginstall" / "bin"


def _demote():
    entry = pwd.getpwnam("nobody")
    os.setgid(entry.pw_gid)
    os.setuid(entry.pw_uid)


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        check=True,
        capture_output=True,
        text=True,
        preexec_fn=_demote if _running_as_root() else None,
        env={**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"},
    )


def _is_running(pgdata: Path) -> bool:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, 0)
    except (ValueError, IndexError, ProcessLookupError, PermissionError):
        return False
    return (pgdata / ".s.PGSQL.5432").exists()


def ensure_running() -> Path:
    """Start (and on first use create) the embedded cluster; return its socket folder."""
    pgdata = data_dir()
    if _is_running(pgdata):
        return pgdata
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    lock_path = pgdata.parent / f".{pgdata.name}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _is_running(pgdata):
            return pgdata
        bin_dir = _bin_dir()
        if not (pgdata / "PG_VERSION").exists():
            pgdata.mkdir(mode=0o700, exist_ok=True)
            if _running_as_root():
                entry = pwd.getpwnam("nobody")
                os.chown(pgdata, entry.pw_uid, entry.pw_gid)
            _run(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(pgdata),
                    "-U",
                    SUPERUSER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(pgdata),
                "-w",
                "-t",
                "30",
                "-l",
                str(pgdata / "server.log"),
                "-o",
                # Locks: a structure's schema holds ~500 relations; tests that create or
                # read many schemas in one transaction need more than the default 64 per
                # connection in the shared lock table.
                f"-c listen_addresses='' -k {pgdata} -c max_connections=200 -c fsync=off"
                " -c max_locks_per_transaction=256",
                "start",
            ]
        )
        for _ in range(100):
            if _is_running(pgdata):
                break
            time.sleep(0.05)
    _ensure_database(pgdata)
    return pgdata


def _ensure_database(pgdata: Path) -> None:
    import psycopg

    with psycopg.connect(
        host=str(pgdata), user=SUPERUSER, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def stop() -> None:
    pgdata = data_dir()
    if _is_running(pgdata):
        _run([str(_bin_dir() / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"])


def django_database() -> DBConfig:
    """The ``DATABASES['default']`` entry for the embedded server (started if needed)."""
    socket_dir = ensure_running()
    return {"NAME": DATABASE_NAME, "USER": SUPERUSER, "HOST": str(socket_dir), "PORT": ""}


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "start":
        print(f"PostgreSQL embarqué prêt : {ensure_running()}")
    elif command == "stop":
        stop()
        print("PostgreSQL embarqué arrêté.")
    else:
        sys.exit("usage: python -m platform.devdb [start|stop]")
