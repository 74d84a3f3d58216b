"""A référent answers a few criteria in headless Chromium: each answer saves itself
(htmx) with a visible state, and the progress bars move."""

from __future__ import annotations

from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Autodiagnostic
from referentiels.models import Referentiel, ReferentielVersion
from tests.factories import build_frame


def test_referent_answers_criteria_and_sees_the_progress_bar_move(
    page, live_url, browser_world, login, django_db_blocker
):
    with django_db_blocker.unblock():
        referent = browser_world.user("referent")
        structure = browser_world.structure
        frame = build_frame([(2, 1)])
        with schema_context(structure.schema_name):
            autodiagnostic = services.create_autodiagnostic(
                structure=structure,
                version=frame.version,
                annee=2016,
                user=referent,
                copy_previous=False,
            )
            reponses = {
                r.critere.code: r for r in autodiagnostic.reponses.select_related("critere")
            }
    try:
        login(page, referent)
        page.goto(f"{live_url}/s/alpha/autodiagnostics/{autodiagnostic.pk}/")
        overall = page.get_by_test_id("progress-global")
        expect(overall).to_have_text("0 / 3 critères renseignés (0 %)")

        first = reponses["4.1.1"]
        page.locator(f"#valeur-{first.pk}").select_option(label="Conforme")
        expect(page.locator(f"#etat-{first.pk}")).to_have_text("Enregistré")
        expect(overall).to_have_text("1 / 3 critères renseignés (33 %)")
        expect(page.locator("#barre-global")).to_have_attribute("value", "1")

        second = reponses["4.1.2"]
        page.locator(f"#commentaire-{second.pk}").fill("Pas encore de procédure écrite")
        page.locator(f"#valeur-{second.pk}").select_option(label="Non conforme")
        expect(page.locator(f"#etat-{second.pk}")).to_have_text("Enregistré")
        expect(overall).to_have_text("2 / 3 critères renseignés (67 %)")
        expect(page.locator(f"#progress-theme-{frame.themes[0].pk}")).to_have_text(
            "2 / 3 critères renseignés"
        )

        third = reponses["4.1.3"]
        page.locator(f"#valeur-{third.pk}").select_option(label="Non conforme")  # comment missing
        expect(page.locator(f"#etat-{third.pk}")).to_have_text("Non enregistré")
        expect(page.get_by_role("alert").first).to_contain_text("Un commentaire est obligatoire")
        expect(overall).to_have_text("2 / 3 critères renseignés (67 %)")
        with django_db_blocker.unblock(), schema_context(structure.schema_name):
            saved = dict(autodiagnostic.reponses.values_list("critere__code", "valeur__code"))
        assert saved == {"4.1.1": "C", "4.1.2": "NC", "4.1.3": None}
    finally:
        with django_db_blocker.unblock(), schema_context(structure.schema_name):
            Autodiagnostic.objects.filter(pk=autodiagnostic.pk).delete()
            # Public rows, deleted from alpha's search path so the collector sees its tables.
            ReferentielVersion.objects.filter(pk=frame.version.pk).delete()
            Referentiel.objects.filter(pk=frame.version.referentiel_id).delete()
