"""Self-diagnosis entries of the menus and home-page to-dos (see core.hooks)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.diagnostics import selectors
from accompagnement.diagnostics.models import Autodiagnostic
from core.figures import percent_text, points_text
from core.hooks import Chart, Kpi, MenuEntry, Todo
from core.routing import structure_url
from tenants import access

GROUP = "Autodiagnostic"
Statut = Autodiagnostic.Statut


def structure_menu(user, structure):
    yield MenuEntry(_("Autodiagnostic"), structure_url(structure, "diagnostics:list"), order=10)


def structure_todos(user, structure):
    """What the structure's self-diagnoses ask for now, read from the list page's selector
    (one query): criteria left to answer or a complete draft to submit (shown to everyone
    of the structure: readers see what their team has to do), a submission to confirm
    (expert), a reopening request to decide (expert, federation)."""
    if not access.can_view_autodiagnostic(user, structure):
        return
    autodiagnostics = list(selectors.autodiagnostics_list())
    if not autodiagnostics:
        if access.can_manage_autodiagnostic(user, structure):
            yield Todo(
                _("Ouvrir le premier autodiagnostic"),
                structure_url(structure, "diagnostics:list"),
                group=_(GROUP),
            )
        return
    for ad in autodiagnostics:
        answer_url = structure_url(structure, "diagnostics:answer", ad.pk)
        if ad.statut == Statut.BROUILLON:
            missing = ad.nb_criteres - ad.nb_repondus
            if missing:
                yield Todo(
                    ngettext(
                        "%(n)s critère à renseigner (autodiagnostic %(annee)s)",
                        "%(n)s critères à renseigner (autodiagnostic %(annee)s)",
                        missing,
                    )
                    % {"n": missing, "annee": ad.annee},
                    answer_url,
                    count=missing,
                    group=_(GROUP),
                )
            else:
                yield Todo(
                    _("Autodiagnostic %(annee)s complet : à soumettre à l'expert")
                    % {"annee": ad.annee},
                    answer_url,
                    count=1,
                    kind="warning",
                    group=_(GROUP),
                )
        elif ad.statut == Statut.SOUMIS and access.can_confirm_autodiagnostic(user, structure):
            left = ad.nb_criteres - ad.nb_confirmes
            yield Todo(
                ngettext(
                    "%(n)s critère à confirmer (autodiagnostic %(annee)s)",
                    "%(n)s critères à confirmer (autodiagnostic %(annee)s)",
                    left,
                )
                % {"n": left, "annee": ad.annee},
                structure_url(structure, "diagnostics:confirmation", ad.pk),
                count=left,
                kind="warning",
                group=_(GROUP),
            )
        elif ad.statut == Statut.REOUVERTURE_DEMANDEE and access.can_reopen_autodiagnostic(
            user, structure
        ):
            yield Todo(
                _("Réouverture demandée (autodiagnostic %(annee)s)") % {"annee": ad.annee},
                answer_url,
                count=1,
                kind="warning",
                group=_(GROUP),
            )


def _rate_kpi(label, latest, previous, side, order):
    """A module-rate card: the latest self-diagnosis's rate, and its change in points
    from the latest self-diagnosis of an earlier year."""
    value = latest[side]
    if value is None:
        trend, good = _("Pas encore mesuré"), None
    elif previous is None or previous[side] is None:
        trend, good = _("Pas de mesure d'une année précédente"), None
    else:
        change = round(value - previous[side], 1)
        trend = _("%(change)s par rapport à %(annee)s") % {
            "change": points_text(change),
            "annee": previous["annee"],
        }
        good = None if change == 0 else change > 0
    return Kpi(
        label % {"annee": latest["annee"]},
        percent_text(value),
        trend,
        good,
        order=order,
    )


def structure_dashboard(user, structure):
    """KPI cards (module rates of the latest self-diagnosis, declared and confirmed, with
    the change from an earlier year) and charts (rates by theme; module rate by year), read
    once from ``selectors.dashboard_figures``."""
    if not access.can_view_autodiagnostic(user, structure):
        return
    figures = selectors.dashboard_figures()
    if figures.latest is None:
        return
    latest, previous = figures.latest, figures.previous
    yield _rate_kpi(_("Taux déclaré %(annee)s"), latest, previous, "declare", 10)
    yield _rate_kpi(_("Taux confirmé %(annee)s"), latest, previous, "confirme", 20)
    declared, confirmed = _("Déclaré (%)"), _("Confirmé (%)")

    def spec(kind, labels, rows):
        return {
            "type": kind,
            "labels": labels,
            "datasets": [
                {"label": declared, "data": [r["declare"] for r in rows], "color": "declare"},
                {"label": confirmed, "data": [r["confirme"] for r in rows], "color": "confirme"},
            ],
        }

    def measured(rows):
        return any(r["declare"] is not None or r["confirme"] is not None for r in rows)

    if measured(figures.themes):
        yield Chart(
            "chart-dashboard-themes",
            _("Taux par thème (autodiagnostic %(annee)s)") % {"annee": latest["annee"]},
            _("Taux de conformité par thème, déclaré et confirmé"),
            spec(
                "bar", [f"{t['code']} {t['titre']}".strip() for t in figures.themes], figures.themes
            ),
            order=10,
        )
    if measured(figures.history):
        yield Chart(
            "chart-dashboard-annees",
            _("Évolution du taux du module"),
            _("Taux du module par année, déclaré et confirmé"),
            spec("line", [str(h["annee"]) for h in figures.history], figures.history),
            order=20,
        )
