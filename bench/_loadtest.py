"""``make loadtest``: each role's main pages against gunicorn with the shipped configuration
(deploy/gunicorn.conf.py, bound to the loopback only), with locust headless at 1, 8 and 32
users (bounded in time), printing p50/p95 and errors per page.

The database is a dedicated one of the system PostgreSQL (``DATABASE_URL``, default
``qr_bench_load``) holding the demo network (``load_demo``, idempotent). Not run by
``make bench`` (``_*.py``): it takes about a minute per level.

    .venv/bin/python bench/_loadtest.py [--users 1,8,32] [--seconds 20]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qr_bench_load")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
os.environ["AXES_ENABLED"] = "false"  # many logins from one address in a few seconds

from _database import prepare_database  # noqa: E402 — bench/ is on sys.path

STRUCTURE = "aide-domicile-lille"  # the demo structure with staff and a self-diagnosis


def pages() -> dict[str, list[tuple[str, str]]]:
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from accompagnement.bilans import selectors as bilans
    from accompagnement.bilans.services import open_bilan
    from accompagnement.diagnostics.models import Autodiagnostic
    from tenants.models import Structure, User

    call_command("migrate_fast", verbosity=0)
    call_command("load_demo", verbosity=0)
    structure = Structure.objects.get(slug=STRUCTURE)
    with tenant_context(structure):
        autodiagnostic = Autodiagnostic.objects.order_by("-annee", "-pk").first()
        submitted = Autodiagnostic.objects.filter(statut=Autodiagnostic.Statut.SOUMIS).first()
        campagne = bilans.campagnes_for_structure(structure).order_by("-annee", "-semestre")[0]
        # The review form: this campaign's review, opened (pre-filled) by the referent.
        person = User.objects.get(email="referent@demo.test")
        bilan = open_bilan(structure=structure, campagne=campagne, user=person)
    base = f"/s/{STRUCTURE}/"
    referent = [
        ("structure home", base),
        ("bilans", f"{base}bilans/"),
        ("bilan form", f"{base}bilans/{bilan.pk}/"),
    ]
    if autodiagnostic is not None:
        referent.append(("self-diagnosis", f"{base}autodiagnostics/{autodiagnostic.pk}/"))
    expert = [("home", "/"), ("queue", "/autodiagnostics/a-confirmer/")]
    if submitted is not None:
        path = f"{base}autodiagnostics/{submitted.pk}/confirmation/"
        expert.append(("confirmation", path))
    return {
        "federation": [
            ("home", "/"),
            ("structures", "/reseau/structures/"),
            ("campaigns", "/reporting/campagnes/"),
            ("dashboard", "/reporting/tableau-de-bord/"),
        ],
        "pilote": [("home", "/"), ("dashboard", "/reporting/tableau-de-bord/")],
        "expert": expert,
        "referent": referent,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",  # the loopback only, whatever the configuration binds
        "platform.wsgi:application",
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not start (see {log})")


ROLES = ("Federation", "Pilote", "Expert", "Referent")  # user classes of _locustfile.py


def run_level(users: int, seconds: int, port: int, workdir: Path, env: dict) -> list[dict]:
    """Locust at ``users`` users spread over the roles; one user is run once per role."""
    if users == 1:
        return [row for role in ROLES for row in _run(1, seconds, port, workdir, env, role)]
    return _run(users, seconds, port, workdir, env)


def _run(users: int, seconds: int, port: int, workdir: Path, env: dict, *classes) -> list[dict]:
    prefix = workdir / f"users{users}{''.join(classes)}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "_locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),
            "-t",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
            *classes,
        ],
        cwd=ROOT,
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "locust.log").open("a"),
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", default="1,8,32")
    parser.add_argument("--seconds", type=int, default=20, help="duration of each level")
    args = parser.parse_args()
    prepare_database()
    env = {**os.environ, "LOADTEST_PAGES": json.dumps(pages())}
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="qr-loadtest-"))
    gunicorn = start_gunicorn(port, workdir / "gunicorn.log")
    print(
        f"gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1:{port}; load average at start "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {args.seconds} s per level"
    )
    try:
        for users in (int(value) for value in args.users.split(",")):
            rows = run_level(users, args.seconds, port, workdir, env)
            print(f"\n{users} user(s){' (each role alone)' if users == 1 else ''}:")
            print(f"  {'page':42} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}")
            for row in sorted(rows, key=lambda r: r["Name"]):
                print(
                    f"  {row['Name'][:42]:42} {row['Request Count']:>8} {row['Failure Count']:>6} "
                    f"{row['50%']:>7} {row['95%']:>7}"
                )
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


if __name__ == "__main__":
    main()
