"""KPI cards of the pilot and federation dashboards: the structure dashboard's cards
(``core.hooks.Kpi``, template ``core/_kpi_cards.html``) filled with the consolidated
figures of ``selectors.consolidate``; a rate's card says its change from the previous
campaign of ``selectors.evolution`` (no query here: both are already read by the page)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.figures import percent_text, points_text
from core.hooks import Kpi


def _pct(value: float | None) -> str:
    return percent_text(None if value is None else value * 100)


def _previous(evolution: list[dict[str, Any]], libelle: str) -> dict[str, Any] | None:
    """The campaign before ``libelle`` in the evolution (oldest first), if any."""
    labels = [entry["campagne"] for entry in evolution]
    if libelle not in labels:
        return None
    index = len(labels) - 1 - labels[::-1].index(libelle)
    return evolution[index - 1] if index > 0 else None


def _rate(
    label: str,
    value: float | None,
    previous: dict[str, Any] | None,
    key: str | None,
    *,
    lower_is_better: bool = False,
) -> Kpi:
    """A rate's card; with ``key``, its change in points from the previous campaign."""
    if key is None:
        return Kpi(label, _pct(value))
    if value is None:
        return Kpi(label, _pct(value), _("Pas encore mesuré"))
    before = previous.get(key) if previous else None
    if previous is None or before is None:
        return Kpi(label, _pct(value), _("Pas de mesure à la campagne précédente"))
    change = round((value - before) * 100, 1)
    trend = _("%(change)s par rapport à %(campagne)s") % {
        "change": points_text(change),
        "campagne": previous["campagne"],
    }
    good = None if change == 0 else (change < 0 if lower_is_better else change > 0)
    return Kpi(label, _pct(value), trend, good)


def dashboard_kpis(data: dict[str, Any], evolution: list[dict[str, Any]]) -> dict[str, list[Kpi]]:
    """The three families' cards (réalisation, effectivité, impact)."""
    previous = _previous(evolution, data["campagne"]["libelle"])
    realisation = data["familles"]["realisation"]
    effectivite = data["familles"]["effectivite"]
    impact = data["familles"]["impact"]
    return {
        "realisation": [
            Kpi(
                _("Structures engagées"),
                str(realisation["structures_engagees"]),
                _("dont %(n)s en déploiement") % {"n": realisation["structures_deploiement"]},
            ),
            Kpi(_("Pilotes / experts"), f"{realisation['pilotes']} / {realisation['experts']}"),
            Kpi(
                _("Pilotes sensibilisés / experts formés"),
                f"{realisation['pilotes_sensibilises']} / {realisation['experts_formes']}",
            ),
            _rate(_("Autodiagnostic réalisé"), realisation["part_diagnostic_realise"], None, None),
            _rate(
                _("Conformité moyenne déclarée"),
                data["module"]["declare"],
                previous,
                "taux_declare",
            ),
            _rate(
                _("Conformité moyenne confirmée"),
                data["module"]["confirme"],
                previous,
                "taux_confirme",
            ),
            Kpi(_("Réunions collectives"), str(realisation["reunions_collectives"])),
            _rate(
                _("Tous critères niveau 1"),
                data["part_tous_niveau1"],
                previous,
                "part_tous_niveau1",
            ),
            _rate(
                _("Tous critères niveau 2"),
                data["part_tous_niveau2"],
                previous,
                "part_tous_niveau2",
            ),
        ],
        "effectivite": [
            _rate(
                _("Participation aux réunions"),
                effectivite["taux_participation"],
                previous,
                "taux_participation",
            ),
            _rate(
                _("Réalisation des plans d'actions"),
                effectivite["taux_plan_actions"],
                previous,
                "taux_plan_actions",
            ),
            _rate(
                _("Conformes aux 8 critères"),
                effectivite["part_conformes_8_criteres"],
                None,
                None,
            ),
            *(
                _rate(_("Critère %(code)s satisfait") % {"code": code}, share, None, None)
                for code, share in effectivite["criteres"].items()
            ),
        ],
        "impact": [
            _rate(
                _("Usagers satisfaits ou très satisfaits"),
                impact["taux_satisfaits"],
                previous,
                "taux_satisfaits",
            ),
            Kpi(_("Réclamations orales et écrites"), str(impact["reclamations"])),
            _rate(
                _("Clients mécontents"),
                impact["taux_mecontents"],
                previous,
                "taux_mecontents",
                lower_is_better=True,
            ),
        ],
    }
