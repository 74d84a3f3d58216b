"""Smoke journeys through a real PgBouncer in session mode (the mode docs/scaling.md
recommends): gunicorn with the shipped configuration (deploy/gunicorn.conf.py, one worker,
two threads, loopback only) and ``DATABASE_POOL_MODE=session`` talks to the test database
only through PgBouncer. Each role logs in through the login form, opens its home and a
page of its own, and calls the API with a token; structure pages of alpha and beta are
interleaved on the same pooled server connections and each shows its own structure.

The server is another process, so the people it serves are committed (and deleted at the
end), like the browser tests' data. Bounded: about 15 s (gunicorn's start and five
Argon2 logins).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from tenants import accounts
from tenants.models import GroupeTravail, Membership, Structure, Territoire, User

from .conftest import free_port, pgbouncer_admin

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pgbouncer-de-test-42"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class SmokeWorld:
    """Committed people of every role around alpha and beta; deleted afterwards."""

    def __init__(self) -> None:
        suffix = uuid.uuid4().hex[:8]
        self.alpha = Structure.objects.get(slug="alpha")
        self.beta = Structure.objects.get(slug="beta")
        self.territoire = Territoire.objects.create(code=f"ut-pgb-{suffix}", nom=f"UT {suffix}")
        self.groupe = GroupeTravail.objects.create(territoire=self.territoire, nom=f"G {suffix}")
        self.groupe.structures.add(self.alpha)
        self.previous_territoire = self.alpha.territoire_id
        Structure.objects.filter(pk=self.alpha.pk).update(territoire=self.territoire)
        self.users: dict[str, User] = {}
        for role in ("federation", "pilote", "expert", "directeur", "directeur_beta"):
            self.users[role] = User.objects.create(
                email=f"{role}-{suffix}@pgbouncer.test",
                password=make_password(PASSWORD, hasher="argon2"),  # the server's hasher
                first_name=role.capitalize(),
                is_federation_admin=role == "federation",
            )
        self.territoire.pilotes.add(self.users["pilote"])
        self.groupe.experts.add(self.users["expert"])
        Membership.objects.create(
            user=self.users["directeur"], structure=self.alpha, role="directeur"
        )
        Membership.objects.create(
            user=self.users["directeur_beta"], structure=self.beta, role="directeur"
        )

    def cleanup(self) -> None:
        Structure.objects.filter(pk=self.alpha.pk).update(territoire=self.previous_territoire)
        self.groupe.structures.clear()
        self.groupe.delete()
        self.territoire.delete()
        connection.set_tenant(self.alpha)  # people are referenced from alpha's tables too
        try:
            User.objects.filter(pk__in=[user.pk for user in self.users.values()]).delete()
        finally:
            connection.set_schema_to_public()


@pytest.fixture
def smoke_world(django_db_blocker):
    with django_db_blocker.unblock():
        world = SmokeWorld()
        yield world
        world.cleanup()


@pytest.fixture
def gunicorn_through(django_db_blocker):
    """``start(pgbouncer_port)``: gunicorn serving the test database through PgBouncer."""
    processes = []

    def start(bouncer_port: int) -> str:
        settings = connection.settings_dict
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{settings['USER']}@127.0.0.1:{bouncer_port}/{settings['NAME']}",
            "DATABASE_POOL_MODE": "session",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_THREADS": "2",
            "DJANGO_SETTINGS_MODULE": "platform.settings",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("TEST_DATABASE_NAME", None)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "platform.wsgi:application",
        ]
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        processes.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/compte/connexion/", timeout=2).close()
                return base
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.2)
        process.terminate()
        output = process.communicate(timeout=10)[0].decode(errors="replace")
        raise AssertionError(f"gunicorn n'a pas démarré :\n{output[-3000:]}")

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


class Browser:
    """One person's cookies against the server (urllib: no third-party client)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self, email: str) -> None:
        status, form = self.get("/compte/connexion/")
        assert status == 200
        token = CSRF.search(form).group(1)
        data = urllib.parse.urlencode(
            {"username": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/compte/connexion/", data=data, headers={"Referer": self.base + "/"}
        )
        with self.opener.open(request, timeout=30) as response:
            assert "/compte/connexion/" not in response.url, f"connexion refusée pour {email}"


def test_smoke_journeys_through_pgbouncer_in_session_mode(
    pgbouncer, gunicorn_through, smoke_world, django_db_blocker
):
    bouncer = pgbouncer("session", pool_size=2)  # as many server connections as threads
    base = gunicorn_through(bouncer)
    world = smoke_world
    alpha, beta = world.alpha, world.beta
    journeys = {
        "federation": [("/", "Accueil"), ("/reseau/structures/", alpha.nom)],
        "pilote": [("/", "Accueil"), ("/reporting/tableau-de-bord/", "Indicateurs")],
        "expert": [
            ("/", "Accueil"),
            ("/autodiagnostics/a-confirmer/", "Autodiagnostics à confirmer"),
        ],
        "directeur": [("/", alpha.nom), (f"/s/{alpha.slug}/", alpha.nom)],
        "directeur_beta": [("/", beta.nom), (f"/s/{beta.slug}/", beta.nom)],
    }
    browsers = {role: Browser(base) for role in journeys}
    for role, browser in browsers.items():
        browser.login(world.users[role].email)
    for role, pages in journeys.items():
        for path, expected in pages:
            status, body = browsers[role].get(path)
            assert status == 200, (role, path, status)
            assert expected in body, (role, path)

    # alpha and beta interleaved on the pooled connections: each page shows its structure
    # and never the other's; beta's director cannot see alpha (404, as without PgBouncer).
    for _ in range(3):
        for role, structure, other in (
            ("directeur", alpha, beta),
            ("directeur_beta", beta, alpha),
        ):
            status, body = browsers[role].get(f"/s/{structure.slug}/")
            assert status == 200 and structure.nom in body and other.nom not in body
    assert browsers["directeur_beta"].get(f"/s/{alpha.slug}/")[0] == 404

    # The API, with tokens.
    with django_db_blocker.unblock():
        keys = {
            role: accounts.create_api_token(user=world.users[role], name="pgbouncer")[1]
            for role in ("federation", "directeur")
        }
    for structure in (alpha, beta):
        status, body = browsers["federation"].get(
            f"/api/v1/structures/{structure.pk}/", {"Authorization": f"Token {keys['federation']}"}
        )
        assert status == 200 and json.loads(body)["slug"] == structure.slug
    status, body = browsers["directeur"].get(
        f"/s/{alpha.slug}/api/v1/actions/", {"Authorization": f"Token {keys['directeur']}"}
    )
    assert status == 200 and "results" in json.loads(body)

    # Everything went through PgBouncer, on at most two server connections.
    pools = [
        row
        for row in pgbouncer_admin(bouncer, "SHOW POOLS")
        if row["database"] == connection.settings_dict["NAME"]
    ]
    assert pools and sum(int(pools[0][key]) for key in ("sv_active", "sv_idle", "sv_used")) <= 2
    stats = [
        row
        for row in pgbouncer_admin(bouncer, "SHOW STATS")
        if row["database"] == connection.settings_dict["NAME"]
    ]
    assert int(stats[0]["total_query_count"]) > 50
