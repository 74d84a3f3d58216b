"""The self-diagnosis scores page draws its three charts with data, and the rate table
shows every column (Déclaré, Confirmé, Écart) on a desktop and a phone."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Autodiagnostic
from referentiels.models import Referentiel, ReferentielVersion
from tests.browser.checks import assert_every_chart_has_data, screenshot
from tests.factories import build_frame


@pytest.mark.parametrize("width", [1280, 390])
def test_scores_page_charts_have_data_and_the_table_is_whole(
    width, page, live_url, browser_world, login, django_db_blocker
):
    with django_db_blocker.unblock():
        referent = browser_world.user("referent")
        expert = browser_world.user("expert")
        structure = browser_world.structure
        frame = build_frame([(2, 1), (1, 2)])
        with schema_context(structure.schema_name):
            autodiagnostic = services.create_autodiagnostic(
                structure=structure,
                version=frame.version,
                annee=2016,
                user=referent,
                copy_previous=False,
            )
            for index, reponse in enumerate(autodiagnostic.reponses.order_by("pk")):
                services.save_answer(
                    structure=structure,
                    reponse=reponse,
                    valeur="C" if index % 2 == 0 else "PC",
                    commentaire="",
                    expected_revision=reponse.revision,
                    user=referent,
                )
            services.submit_autodiagnostic(
                structure=structure, autodiagnostic=autodiagnostic, user=referent
            )
            for reponse in autodiagnostic.reponses.order_by("pk")[:3]:
                services.confirm_criterion(structure=structure, reponse=reponse, expert=expert)
    try:
        page.set_viewport_size({"width": width, "height": 900})
        login(page, referent)
        page.goto(f"{live_url}/s/alpha/autodiagnostics/{autodiagnostic.pk}/scores/")
        charts = assert_every_chart_has_data(page)
        assert {c["id"] for c in charts} == {"chart-themes", "chart-niveaux", "chart-annees"}
        table = page.locator("#taux-titre + .table-wrap table")
        for name in ("Déclaré", "Confirmé", "Écart (points)"):
            header = table.get_by_role("columnheader", name=name)
            expect(header).to_be_visible()
        # The table takes the page's width: on a desktop, the Écart column needs no scroll.
        if width > 1000:
            wrap = page.locator("#taux-titre + .table-wrap").bounding_box()
            ecart = table.get_by_role("columnheader", name="Écart (points)").bounding_box()
            assert wrap["width"] > 0.8 * page.locator("main").bounding_box()["width"]
            assert ecart["x"] + ecart["width"] <= wrap["x"] + wrap["width"] + 1
        screenshot(page, f"scores-{width}")
    finally:
        with django_db_blocker.unblock(), schema_context(structure.schema_name):
            Autodiagnostic.objects.filter(pk=autodiagnostic.pk).delete()
            ReferentielVersion.objects.filter(pk=frame.version.pk).delete()
            Referentiel.objects.filter(pk=frame.version.referentiel_id).delete()
