"""In Chromium: the structure's home shows its KPI cards and draws its two charts (rates by
theme, evolution by year) with data; the review page draws the anonymised comparison;
axe-core finds no critical or serious violation on either page."""

from __future__ import annotations

import datetime
import uuid

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from accompagnement.bilans import services as bilans_services
from accompagnement.bilans.models import BilanStructure
from accompagnement.diagnostics import services
from accompagnement.diagnostics.models import Autodiagnostic
from accompagnement.plans import services as plans_services
from accompagnement.plans.models import Action, PlanAction
from accompagnement.registres.models import Reclamation
from accompagnement.reporting.models import Campagne, InstantaneBilan
from referentiels.models import Referentiel, ReferentielVersion
from tenants.models import Structure
from tests.browser.accessibility import assert_accessible
from tests.browser.checks import assert_every_chart_has_data, screenshot
from tests.factories import build_frame
from tests.pages.test_structure_dashboard import _answer_all as answer_all


def test_structure_dashboard_kpis_and_charts(
    page, live_url, browser_world, login, django_db_blocker
):
    with django_db_blocker.unblock():
        referent = browser_world.user("referent")
        expert = browser_world.user("expert")
        structure = browser_world.structure
        frame = build_frame([(2, 1), (1, 2)])
        today = timezone.localdate()
        with schema_context(structure.schema_name):
            plans_before = set(PlanAction.objects.values_list("pk", flat=True))
            for annee, values in ((2015, ["C"] * 6), (2016, ["C", "PC"] * 3)):
                ad = services.create_autodiagnostic(
                    structure=structure,
                    version=frame.version,
                    annee=annee,
                    user=referent,
                    copy_previous=False,
                )
                answer_all(structure, ad, values, referent)
                services.submit_autodiagnostic(
                    structure=structure, autodiagnostic=ad, user=referent
                )
                services.confirm_criterion(
                    structure=structure,
                    reponse=ad.reponses.order_by("pk")[0],
                    expert=expert,
                )
            action = plans_services.create_action(
                structure=structure,
                user=referent,
                titre="Action du tableau de bord",
                echeance=today - datetime.timedelta(days=2),
            )
            complaint = Reclamation.objects.create(
                date=today, forme="ecrite", client_reference="C-0901", description="Retard"
            )
    try:
        login(page, referent)
        page.goto(f"{live_url}/s/alpha/")
        cards = page.get_by_test_id("kpi")
        expect(cards.first).to_be_visible()
        assert cards.count() >= 5
        expect(page.get_by_test_id("kpis")).to_contain_text("Taux déclaré 2016")
        expect(page.get_by_test_id("kpis")).to_contain_text("Actions en retard")
        charts = assert_every_chart_has_data(page)
        assert {c["id"] for c in charts} == {"chart-dashboard-themes", "chart-dashboard-annees"}
        assert_accessible(page)
        screenshot(page, "structure-dashboard")
    finally:
        with django_db_blocker.unblock(), schema_context(structure.schema_name):
            Reclamation.objects.filter(pk=complaint.pk).delete()
            Action.objects.filter(pk=action.pk).delete()
            # The action created alpha's plan: other tests expect alpha without one.
            PlanAction.objects.exclude(pk__in=plans_before).delete()
            Autodiagnostic.objects.filter(version=frame.version).delete()
            ReferentielVersion.objects.filter(pk=frame.version.pk).delete()
            Referentiel.objects.filter(pk=frame.version.referentiel_id).delete()


def test_review_comparison_chart(page, live_url, browser_world, login, django_db_blocker):
    """Two other structures (rows without schemas: the comparison reads only the snapshots)
    and alpha submitted figures; they are removed even when the test fails, since a
    structure row without its schema would break the next test database set-up."""
    suffix = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        referent = browser_world.user("referent")
        # The reader: the page without the review's form (the comparison is the same).
        lecteur = browser_world.user("lecteur")
        structure = browser_world.structure
        campagne = Campagne.objects.create(
            libelle=f"S2 navigateur {suffix}",
            semestre=2,
            annee=2016,
            echeance=datetime.date(2017, 1, 10),
        )
    try:
        with django_db_blocker.unblock():
            others = Structure.objects.bulk_create(
                [
                    Structure(
                        nom=f"Autre {suffix} {i}",
                        slug=f"autre-{suffix}-{i}",
                        schema_name=f"fake_{suffix}_{i}",
                    )
                    for i in range(2)
                ]
            )
            for target, rate in ((structure, 0.8), (others[0], 0.6), (others[1], 0.4)):
                InstantaneBilan.objects.create(
                    campagne=campagne,
                    structure=target,
                    structure_nom=target.nom,
                    soumis_le=timezone.now(),
                    taux_declare=rate,
                )
            connection.set_tenant(structure)
            try:
                bilan = bilans_services.open_bilan(
                    structure=structure, campagne=campagne, user=referent
                )
            finally:
                connection.set_schema_to_public()
        login(page, lecteur)
        page.goto(f"{live_url}/s/alpha/bilans/{bilan.pk}/")
        charts = assert_every_chart_has_data(page)
        assert [c["id"] for c in charts] == ["chart-comparaison"]
        assert_accessible(page)
        screenshot(page, "bilan-comparaison")
        # The référent's page has the review's form and its confirmation step.
        page.context.clear_cookies()
        login(page, referent)
        page.goto(f"{live_url}/s/alpha/bilans/{bilan.pk}/")
        assert page.locator("details.confirm-step > summary").count() >= 1
        assert_accessible(page)
    finally:
        with django_db_blocker.unblock():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM public.{InstantaneBilan._meta.db_table} WHERE campagne_id = %s",
                    [campagne.pk],
                )
            with schema_context(structure.schema_name):
                BilanStructure.objects.filter(campagne=campagne).delete()
                Campagne.objects.filter(pk=campagne.pk).delete()
            Structure.objects.filter(slug__startswith=f"autre-{suffix}-").delete()
