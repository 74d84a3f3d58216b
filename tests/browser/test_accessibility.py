"""Every role's main pages pass axe-core with no critical or serious violation, on desktop
and on a phone; each role's home is saved as a screenshot (var/screenshots/, git-ignored)
for a reviewer to look at."""

from __future__ import annotations

import pytest

from tenants.models import Structure
from tests.browser.accessibility import assert_accessible
from tests.browser.checks import screenshot

STRUCTURE = [
    "/s/alpha/",
    "/s/alpha/autodiagnostics/",
    "/s/alpha/plan/",
    "/s/alpha/livrables/",
    "/s/alpha/registres/",
    "/s/alpha/registres/reclamations/",
    "/s/alpha/bilans/",
    "/s/alpha/qualite/",
    "/s/alpha/qualite/comite/",
    "/s/alpha/qualite/documents/",
    "/s/alpha/qualite/evaluations/",
]
PAGES = {
    "federation": [
        "/",
        "/referentiels/",
        "/reseau/structures/",
        "/reseau/territoires/",
        "/reseau/formations/",
        "/reporting/tableau-de-bord/",
        "/reporting/campagnes/",
        "/rgpd/traitements/",
        "/rgpd/demandes/",
        "/reseau/journal/",
        "/confidentialite/",
        "/compte/profil/",
    ],
    "pilote": ["/", "/reporting/tableau-de-bord/", "/s/alpha/"],
    "expert": ["/", "/groupes/", "/s/alpha/", "/s/alpha/autodiagnostics/"],
    "directeur": ["/", *STRUCTURE, "/s/alpha/donnees/"],
    "referent": ["/", *STRUCTURE],
    "lecteur": ["/", "/s/alpha/", "/s/alpha/plan/", "/s/alpha/registres/"],
}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_have_no_serious_accessibility_violation(
    page, live_url, browser_world, login, role
):
    login(page, browser_world.user(role))
    page.set_viewport_size(DESKTOP)
    for path in PAGES[role]:
        response = page.goto(f"{live_url}{path}")
        assert response.status == 200, path
        assert_accessible(page)
    page.goto(f"{live_url}/")
    screenshot(page, f"accueil-{role}-bureau")
    page.set_viewport_size(PHONE)
    for path in PAGES[role][:3]:
        page.goto(f"{live_url}{path}")
        assert_accessible(page)
    page.goto(f"{live_url}/")
    screenshot(page, f"accueil-{role}-telephone")


def test_phone_menu_opens_with_the_keyboard(page, live_url, browser_world, login):
    login(page, browser_world.user("federation"))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}/")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    assert not navigation.is_visible()
    toggle = page.get_by_role("button", name="Menu")
    toggle.focus()
    page.keyboard.press("Enter")
    assert navigation.is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    navigation.get_by_text("Administration", exact=True).click()
    assert navigation.get_by_role("link", name="Registre des traitements").is_visible()


def test_desktop_navigation_groups_the_administration_pages(page, live_url, browser_world, login):
    login(page, browser_world.user("federation"))
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_url}/")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    top_level = navigation.locator(":scope > ul > li")
    assert top_level.count() <= 10
    assert not navigation.get_by_role("link", name="Journal d'audit").is_visible()
    navigation.get_by_text("Administration", exact=True).click()
    navigation.get_by_role("link", name="Journal d'audit").click()
    assert page.url.endswith("/reseau/journal/")
    page.keyboard.press("Escape")


def test_pilot_dashboard_kpi_cards(page, live_url, browser_world, login, django_db_blocker):
    """The pilot's dashboard with figures: its three families are KPI cards (the structure
    dashboard's component), a rate's card says its change from the previous campaign in
    words, and the page passes axe. The campaigns and the snapshots are removed afterwards."""
    import datetime
    import uuid

    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from accompagnement.reporting.models import Campagne, InstantaneBilan

    suffix = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        pilote = browser_world.user("pilote")
        structure = Structure.objects.get(pk=browser_world.structure.pk)
        campagnes = [
            Campagne.objects.create(
                libelle=f"S{semestre} navigateur {suffix}",
                semestre=semestre,
                annee=2015,
                echeance=datetime.date(2015, 6 * semestre, 28),
                territoire=structure.territoire,
            )
            for semestre in (1, 2)
        ]
    try:
        with django_db_blocker.unblock():
            for campagne, rate in zip(campagnes, (0.5, 0.75), strict=True):
                InstantaneBilan.objects.create(
                    campagne=campagne,
                    structure=structure,
                    structure_nom=structure.nom,
                    territoire_id=structure.territoire_id,
                    soumis_le=timezone.now(),
                    taux_declare=rate,
                    taux_satisfaits=rate,
                )
        login(page, pilote)
        page.set_viewport_size(DESKTOP)
        response = page.goto(f"{live_url}/reporting/tableau-de-bord/?campagne={campagnes[1].pk}")
        assert response.status == 200
        for family in ("realisation", "effectivite", "impact"):
            assert page.get_by_test_id(f"kpis-{family}").get_by_test_id("kpi").count() >= 3
        declared = page.get_by_test_id("kpi").filter(has_text="Conformité moyenne déclarée")
        assert "75,0" in declared.inner_text() and "+25,0 pts" in declared.inner_text()
        assert page.locator("section.card dl").count() == 0  # no definition list left
        assert_accessible(page)
        page.set_viewport_size(PHONE)
        assert_accessible(page)
        screenshot(page, "tableau-de-bord-pilote-telephone")
    finally:
        with django_db_blocker.unblock():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM public.{InstantaneBilan._meta.db_table} "
                    "WHERE campagne_id = ANY(%s)",
                    [[c.pk for c in campagnes]],
                )
            # The campaigns' reviews live in the structures' schemas: deleted with alpha's
            # search_path, so that Django's collector sees that table.
            with schema_context(structure.schema_name):
                Campagne.objects.filter(pk__in=[c.pk for c in campagnes]).delete()
