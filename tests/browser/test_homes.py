"""Each role's home in headless Chromium, desktop and phone: the to-dos the data asks for
are listed as links; screenshots go to var/screenshots/ (git-ignored) for reviewers."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accompagnement.plans import services as plans_services
from accompagnement.plans.models import Action, PlanAction
from accompagnement.reporting.models import Campagne
from tests.browser.checks import screenshot

VIEWPORTS = {"bureau": {"width": 1280, "height": 900}, "telephone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("role", ["directeur", "referent", "lecteur", "expert", "pilote"])
def test_each_roles_home_lists_its_to_dos(
    role, page, live_url, browser_world, login, django_db_blocker
):
    with django_db_blocker.unblock():
        user = browser_world.user(role)
        referent = browser_world.user("referent") if role != "referent" else user
        structure = browser_world.structure
        today = timezone.localdate()
        campagne = Campagne.objects.create(
            libelle=f"S1 {browser_world.suffix}",
            semestre=1,
            annee=today.year + 100,  # clear of any other test's campaign
            echeance=today + datetime.timedelta(days=10),
        )
        with schema_context(structure.schema_name):
            had_plan = PlanAction.objects.exists()
            action = plans_services.create_action(
                structure=structure,
                user=referent,
                titre="Action en retard (navigateur)",
                echeance=today - datetime.timedelta(days=2),
            )
    try:
        login(page, user)
        for name, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            page.goto(f"{live_url}/")
            todos = page.locator("section.todos")
            expect(todos).to_be_visible()
            if role == "pilote":
                expect(
                    todos.get_by_role("link", name=f"Bilan S1 {browser_world.suffix} de")
                ).to_be_visible()
            elif role != "expert":
                expect(todos.get_by_role("link", name="1 action en retard")).to_be_visible()
                expect(
                    todos.get_by_role(
                        "link", name=f"Bilan S1 {browser_world.suffix} à remettre", exact=False
                    )
                ).to_be_visible()
            screenshot(page, f"accueil-{role}-{name}")
        if role in {"directeur", "referent", "lecteur"}:
            page.set_viewport_size(VIEWPORTS["bureau"])
            page.locator("section.todos").get_by_role("link", name="1 action en retard").click()
            expect(page.get_by_role("link", name="Action en retard (navigateur)")).to_be_visible()
    finally:
        # Reviews point at campaigns from the structures' schemas: delete with alpha's
        # search path so Django's collector sees their tables.
        with django_db_blocker.unblock(), schema_context(structure.schema_name):
            Action.objects.filter(pk=action.pk).delete()
            if not had_plan:
                PlanAction.objects.all().delete()
            Campagne.objects.filter(pk=campagne.pk).delete()
