"""The structure's home page: KPI cards with their trend and the charts (rates by theme,
evolution by year), equal to a calculation made here by hand on a small situation, for
each role of the structure; another structure's people get a 404."""

from __future__ import annotations

import datetime
import html
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accompagnement.diagnostics import services as diagnostics_services
from accompagnement.diagnostics.models import Autodiagnostic
from accompagnement.plans import services as plans_services
from accompagnement.plans.models import Action
from accompagnement.registres import selectors as registres_selectors
from accompagnement.registres import services as registres_services
from accompagnement.registres.registry import REGISTRES
from tests.factories import MODULE_49, build_frame

WEIGHT = {"C": 1.0, "PC": 0.5, "NC": 0.0}
# The 6 criteria of build_frame([(2, 1), (1, 2)]): theme 4.1 then theme 4.2.
DECLARED_2024 = ["C"] * 6
DECLARED_2025 = ["C", "C", "PC", "NC", "C", "PC"]
CONFIRMED_2025 = {0: "PC", 1: "PC"}  # the expert confirmed two criteria of theme 4.1, lower


def _pct(values: list[str]) -> float:
    return round(100 * sum(WEIGHT[v] for v in values) / len(values), 1)


def _fr(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + "\u00a0%"


def _answer_all(structure, autodiagnostic, values, referent):
    for reponse, valeur in zip(autodiagnostic.reponses.order_by("pk"), values, strict=True):
        diagnostics_services.save_answer(
            structure=structure,
            reponse=reponse,
            valeur=valeur,
            commentaire="Écart constaté" if valeur == "NC" else "",
            expected_revision=reponse.revision,
            user=referent,
        )


def _complaint(network, date: datetime.date, n: int) -> None:
    registres_services.save_register_entry(
        structure=network.structure,
        user=network.user("referent"),
        registre=REGISTRES["reclamations"],
        data={
            "date": date,
            "forme": "ecrite",
            "client_reference": f"C-{n:04d}",
            "categorie": "autre",
            "description": "Retard de passage",
        },
    )


@pytest.fixture
def dashboard(network):
    structure = network.structure
    referent, expert = network.user("referent"), network.user("expert")
    frame = build_frame([(2, 1), (1, 2)])
    today = timezone.localdate()
    connection.set_tenant(structure)
    try:
        first = diagnostics_services.create_autodiagnostic(
            structure=structure, version=frame.version, annee=2024, user=referent
        )
        _answer_all(structure, first, DECLARED_2024, referent)
        diagnostics_services.submit_autodiagnostic(
            structure=network.structure, autodiagnostic=first, user=referent
        )
        for reponse in first.reponses.all():
            diagnostics_services.confirm_criterion(
                structure=network.structure, reponse=reponse, expert=expert
            )
        second = diagnostics_services.create_autodiagnostic(
            structure=structure, version=frame.version, annee=2025, user=referent
        )
        _answer_all(structure, second, DECLARED_2025, referent)
        diagnostics_services.submit_autodiagnostic(
            structure=network.structure, autodiagnostic=second, user=referent
        )
        reponses = list(second.reponses.order_by("pk"))
        for index, valeur in CONFIRMED_2025.items():
            diagnostics_services.confirm_criterion(
                structure=network.structure,
                reponse=reponses[index],
                expert=expert,
                valeur=valeur,
                commentaire="Preuve datée",
            )
        for titre, statut, days in [
            ("Faite", Action.Statut.FAIT, 10),
            ("Abandonnée", Action.Statut.ABANDONNE, -10),
            ("En retard", Action.Statut.A_FAIRE, -3),
            ("À venir", Action.Statut.EN_COURS, 30),
        ]:
            plans_services.create_action(
                structure=structure,
                user=referent,
                titre=titre,
                statut=statut,
                echeance=today + datetime.timedelta(days=days),
            )
        last_year = today.replace(year=today.year - 1, day=min(today.day, 28))
        for n, date in enumerate(
            [
                today.replace(month=1, day=1),  # this year
                today,  # this year
                today.replace(year=today.year - 1, month=1, day=1),  # last year, counted
                last_year,  # last year, counted
                last_year,  # last year, counted
                today.replace(year=today.year - 2),  # two years ago: not counted
            ],
            start=1,
        ):
            _complaint(network, date, n)
    finally:
        connection.set_schema_to_public()
    return {"today": today, "first": first, "second": second}


def kpis_of(page: str) -> dict[str, tuple[str, str]]:
    """``{label: (value, trend)}`` of the KPI cards of a rendered page."""
    cards = re.findall(
        r'<dt>(.*?)</dt>\s*<dd><span class="kpi-value">(.*?)</span>'
        r'(?:<span class="kpi-trend[^"]*">(.*?)</span>)?</dd>',
        page,
        re.S,
    )
    return {html.unescape(dt): (html.unescape(v), html.unescape(t)) for dt, v, t in cards}


def charts_of(page: str) -> dict[str, dict]:
    return {
        chart_id: json.loads(html.unescape(data))
        for chart_id, data in re.findall(
            r'<script id="chart-data-([\w-]+)" type="application/json">(.*?)</script>', page, re.S
        )
    }


def expected_kpis(today: datetime.date) -> dict[str, tuple[str, str]]:
    """The cards, computed here from the situation's raw values (not with the app's code)."""
    declared_2024, declared_2025 = _pct(DECLARED_2024), _pct(DECLARED_2025)
    confirmed_2024 = _pct(DECLARED_2024)  # all confirmed as declared
    confirmed_2025 = _pct(list(CONFIRMED_2025.values()))
    d_change = round(declared_2025 - declared_2024, 1)
    c_change = round(confirmed_2025 - confirmed_2024, 1)
    # Actions: 1 done out of 3 counted (the abandoned one leaves the denominator).
    return {
        "Taux déclaré 2025": (
            _fr(declared_2025),
            f"−{abs(d_change):.1f} pts par rapport à 2024".replace(".", ","),
        ),
        "Taux confirmé 2025": (
            _fr(confirmed_2025),
            f"−{abs(c_change):.1f} pts par rapport à 2024".replace(".", ","),
        ),
        "Réalisation du plan d'actions": (_fr(100 / 3), "1 action faite sur 3"),
        "Actions en retard": ("1", "sur 2 actions en cours ou à faire"),
        f"Réclamations {today.year}": (
            "2",
            f"−1 par rapport à {today.year - 1} à la même date (3 réclamations)",
        ),
    }


@pytest.mark.parametrize(
    "role", ["directeur", "referent", "contributeur", "lecteur", "expert", "pilote"]
)
def test_dashboard_shows_kpis_equal_to_a_hand_calculation(
    role, network, dashboard, client_for, django_assert_max_num_queries
):
    client = client_for(network.user(role))
    # 22 with the frame's shape read once (then cached): 20 on the next requests.
    with django_assert_max_num_queries(22):
        response = client.get("/s/alpha/")
    assert response.status_code == 200
    page = response.content.decode()
    assert kpis_of(page) == expected_kpis(dashboard["today"])
    # The trend's class says good or bad news: both rates fell, complaints went down.
    assert page.count('class="kpi-trend down"') == 2  # both rates fell
    assert page.count('class="kpi-trend up"') == 1  # fewer complaints than last year
    assert "kpi kpi-late" in page  # one action late
    assert page.index('data-testid="kpis"') < page.index("À faire maintenant")


def test_dashboard_charts_carry_the_rates_by_theme_and_by_year(network, dashboard, client_for):
    page = client_for(network.user("referent")).get("/s/alpha/").content.decode()
    charts = charts_of(page)
    assert set(charts) == {"chart-dashboard-themes", "chart-dashboard-annees"}
    themes = charts["chart-dashboard-themes"]
    assert themes["type"] == "bar"
    assert themes["labels"] == ["4.1 Thème 4.1", "4.2 Thème 4.2"]
    declared, confirmed = (d["data"] for d in themes["datasets"])
    assert declared == [_pct(DECLARED_2025[:3]), _pct(DECLARED_2025[3:])]
    # Theme 4.1: two criteria confirmed PC; theme 4.2: nothing confirmed yet.
    assert confirmed == [_pct(["PC", "PC"]), None]
    years = charts["chart-dashboard-annees"]
    assert years["labels"] == ["2024", "2025"]
    assert [d["data"] for d in years["datasets"]] == [
        [_pct(DECLARED_2024), _pct(DECLARED_2025)],
        [_pct(DECLARED_2024), _pct(["PC", "PC"])],
    ]
    assert 'src="/static/js/charts.js"' in page or "js/charts" in page
    assert 'aria-label="Taux de conformité par thème, déclaré et confirmé"' in page


@pytest.mark.parametrize("role", ["directeur_autre", "expert_autre", "pilote_autre"])
def test_another_structures_people_get_a_404(role, network, dashboard, client_for):
    response = client_for(network.user(role)).get("/s/alpha/")
    assert response.status_code == 404
    assert "Taux déclaré" not in response.content.decode()


def test_a_new_structure_shows_no_empty_chart(network, client_for):
    """No self-diagnosis yet: no rate card, no chart (never an empty one); the plan and
    complaint cards say there is nothing yet."""
    page = client_for(network.user("referent")).get("/s/alpha/").content.decode()
    assert "<canvas" not in page and "charts.js" not in page
    kpis = kpis_of(page)
    assert "Taux déclaré 2025" not in kpis
    assert kpis["Réalisation du plan d'actions"] == ("—", "Aucune action à réaliser")
    assert kpis["Actions en retard"][0] == "0"


def _home_queries(client) -> int:
    client.get("/s/alpha/")  # warm the frame-shape cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/s/alpha/").status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_number_of_criteria(network, client_for):
    """The same situation on a 6-criteria frame and on the 49-criteria module."""
    referent = network.user("referent")
    client = client_for(referent)
    counts = []
    for shape in ([(2, 1), (1, 2)], MODULE_49):
        frame = build_frame(shape)
        connection.set_tenant(network.structure)
        try:
            for annee in (2024, 2025):
                ad = diagnostics_services.create_autodiagnostic(
                    structure=network.structure, version=frame.version, annee=annee, user=referent
                )
                _answer_all(network.structure, ad, ["C"] * ad.reponses.count(), referent)
        finally:
            connection.set_schema_to_public()
        counts.append(_home_queries(client))
        connection.set_tenant(network.structure)
        try:
            Autodiagnostic.objects.all().delete()
        finally:
            connection.set_schema_to_public()
    assert counts[0] == counts[1] <= 20


@pytest.mark.parametrize(
    "today, this_year, last_year",
    [
        # Complaints on 1/1/2025, 3/1/2025, 4/1/2025, 29/2/2024, 1/3/2024, 31/12/2023.
        (datetime.date(2025, 1, 3), 2, 0),
        (datetime.date(2025, 1, 4), 3, 0),
        (datetime.date(2024, 2, 29), 1, 0),
        (datetime.date(2024, 3, 1), 2, 0),
        (datetime.date(2025, 3, 1), 3, 2),  # 1/3/2024 counted; 29/2/2024 too
        (datetime.date(2025, 2, 28), 3, 0),  # 29/2/2024 is after 28/2/2024
    ],
)
def test_complaints_are_compared_over_the_same_period(
    network, in_structure, today, this_year, last_year
):
    for n, date in enumerate(
        [
            datetime.date(2025, 1, 1),
            datetime.date(2025, 1, 3),
            datetime.date(2025, 1, 4),
            datetime.date(2024, 2, 29),
            datetime.date(2024, 3, 1),
            datetime.date(2023, 12, 31),
        ],
        start=1,
    ):
        _complaint(network, date, n)
    assert registres_selectors.complaints_year_to_date(today) == (this_year, last_year)
