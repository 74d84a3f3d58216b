"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium, no download).

The live server runs in a thread over the test database. Browser tests cannot run inside
a rolled-back transaction (the server thread has its own connection), so they use
``browser_db``: data is committed, and everything a test creates through the helpers here
is deleted at its end. Tests that create other rows clean them up themselves.
A screenshot of the page is saved to test-artifacts/ when a browser test fails.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test.testcases import LiveServerThread

from tenants.models import GroupeTravail, Membership, Structure, Territoire, User

# Playwright's sync API keeps an event loop in the main thread; the ORM calls made by the
# test itself (fixtures, assertions) are synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_PASSWORD = "navigateur-de-test-42"


@pytest.fixture(scope="session")
def live_url(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
        thread.terminate()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


class BrowserWorld:
    """Committed people and groups for one browser test; deleted afterwards."""

    def __init__(self):
        self.suffix = uuid.uuid4().hex[:8]
        self.users: list[User] = []
        self.territoires: list[Territoire] = []
        self.structure = Structure.objects.get(slug="alpha")

    def user(self, role: str) -> User:
        user = User.objects.create_user(
            email=f"{role}-{self.suffix}@browser.test",
            password=BROWSER_PASSWORD,
            first_name=role.capitalize(),
            is_federation_admin=(role == "federation"),
        )
        self.users.append(user)
        if role in {"directeur", "referent", "contributeur", "lecteur"}:
            Membership.objects.create(user=user, structure=self.structure, role=role)
        elif role in {"expert", "pilote"}:
            territoire = Territoire.objects.create(
                code=f"ut-{self.suffix}-{role}", nom=f"UT {self.suffix}"
            )
            self.territoires.append(territoire)
            if role == "pilote":
                territoire.pilotes.add(user)
                Structure.objects.filter(pk=self.structure.pk).update(territoire=territoire)
            else:
                groupe = GroupeTravail.objects.create(
                    territoire=territoire, nom=f"Groupe {self.suffix}"
                )
                groupe.experts.add(user)
                groupe.structures.add(self.structure)
        return user

    def cleanup(self):
        Structure.objects.filter(pk=self.structure.pk, territoire__in=self.territoires).update(
            territoire=None
        )
        for territoire in self.territoires:
            for groupe in territoire.groupes.all():
                groupe.structures.clear()
                groupe.delete()
            territoire.delete()
        # People are referenced from the structure's schema (created_by…): delete them with
        # alpha's search_path so Django's collector sees those tables too.
        from django.db import connection

        connection.set_tenant(self.structure)
        try:
            User.objects.filter(pk__in=[u.pk for u in self.users]).delete()
        finally:
            connection.set_schema_to_public()


@pytest.fixture
def browser_world(django_db_blocker, live_url):
    with django_db_blocker.unblock():
        world = BrowserWorld()
        yield world
        world.cleanup()


@pytest.fixture
def login(live_url):
    def do_login(page, user: User):
        page.goto(f"{live_url}/compte/connexion/")
        page.get_by_label("Adresse e-mail").fill(user.email)
        page.get_by_label("Mot de passe").fill(BROWSER_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state("networkidle")

    return do_login
