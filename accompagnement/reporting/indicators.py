"""The deck's indicators as pure functions (no database): easy to test against an
independent calculation. Rates are fractions between 0 and 1, ``None`` when there is
nothing to measure (never 0 by default).

Means and shares *over structures* (consolidation) are SQL aggregates over the snapshot
store, with the same definitions: ``reporting.aggregates``."""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from accompagnement.diagnostics.scoring import (
    MOYENNE_CRITERES,
    MOYENNE_THEMES,
    CriterionInput,
    compute_scores,
)

# A median over fewer structures than this is not shown (it would reveal one structure).
MEDIAN_MIN_STRUCTURES = 3


def diagnosis_figures(items: Iterable[CriterionInput], *, headline: str = MOYENNE_CRITERES) -> dict:
    """JSON-ready figures of one self-diagnosis, computed by the diagnostics' own scoring
    module (``accompagnement.diagnostics.scoring``: same definitions everywhere).

    ``items`` carry criterion, theme and node *codes*. The effectivité criteria are those
    the frame flags (``Critere.indicateur_effectivite``); their flags use the confirmed
    value when the expert confirmed the criterion, else the declared one. ``declare`` /
    ``confirme`` are the module rate over every criterion; ``moyenne_themes`` holds the
    mean of the theme rates; ``taux_module`` says which one is the frame's headline."""
    items = list(items)
    scores = compute_scores(items)
    themes = sorted({item.theme for item in items}, key=str)
    niveaux = sorted({item.niveau for item in items if item.niveau is not None})
    confirmed = _has_confirmation(items)
    return {
        "declare": scores.declared.module.rate,
        "confirme": scores.confirmed.module.rate,
        "moyenne_themes": {
            "declare": scores.declared.themes_mean,
            "confirme": scores.confirmed.themes_mean,
        },
        "taux_module": headline
        if headline in (MOYENNE_CRITERES, MOYENNE_THEMES)
        else MOYENNE_CRITERES,
        "themes": {
            str(theme): {
                "declare": _rate(scores.declared.by_theme, theme),
                "confirme": _rate(scores.confirmed.by_theme, theme),
            }
            for theme in themes
        },
        "noeuds": {
            str(node): {
                "declare": _rate(scores.declared.by_node, node),
                "confirme": _rate(scores.confirmed.by_node, node),
            }
            for node in scores.declared.by_node
        },
        "niveaux": {
            str(niveau): {
                "declare": _rate(scores.declared.by_level, niveau),
                "confirme": _rate(scores.confirmed.by_level, niveau),
                "tous_satisfaits_declare": scores.declared.all_satisfied(niveau),
                "tous_satisfaits_confirme": scores.confirmed.all_satisfied(niveau)
                if confirmed
                else None,
            }
            for niveau in niveaux
        },
        "imperatifs": {
            "declare": scores.declared.imperatives.as_dict(),
            "confirme": scores.confirmed.imperatives.as_dict() if confirmed else None,
        },
        "criteres_cibles": {
            str(item.critere): _target_flag(item) for item in items if item.effectivite
        },
    }


def _target_flag(item: CriterionInput) -> bool | None:
    retained = item.confirmed or item.declared
    return None if retained is None or retained.exclue else retained.satisfied


def _rate(rates: dict, key) -> float | None:
    rate = rates.get(key)
    return None if rate is None else rate.rate


def _has_confirmation(items: list[CriterionInput]) -> bool:
    return any(item.confirmed is not None for item in items)


def retained_imperatives(figures: dict) -> dict | None:
    """The imperative verdict retained for consolidation: the confirmed one once the
    expert confirmed, else the declared one; ``None`` when the frame has none."""
    verdicts = figures.get("imperatifs") or {}
    verdict = verdicts.get("confirme") or verdicts.get("declare")
    return verdict if verdict and verdict.get("total") else None


def retained_all_level(figures: dict, niveau: int) -> bool | None:
    """ "All level-N satisfied" retained for consolidation: the confirmed flag once the
    expert confirmed, else the declared one; ``None`` without any answer at that level."""
    level = figures.get("niveaux", {}).get(str(niveau))
    if level is None:
        return None
    confirmed = level.get("tous_satisfaits_confirme")
    return confirmed if confirmed is not None else level.get("tous_satisfaits_declare")


def satisfaction_rate(surveys: Iterable[tuple[int, int, int, int]]) -> float | None:
    """Share of answers "très satisfait" or "satisfait" over all answers of the surveys
    (tres_satisfaits, satisfaits, peu_satisfaits, pas_satisfaits)."""
    satisfied = total = 0
    for tres, sat, peu, pas in surveys:
        satisfied += tres + sat
        total += tres + sat + peu + pas
    return satisfied / total if total else None


def unhappy_rate(client_references: Iterable[str], clients: int | None) -> float | None:
    """Clients with at least one complaint in the year (a client complaining several
    times counts once) / the structure's clients that year."""
    if not clients:
        return None
    return len(set(client_references)) / clients


def action_plan_completion(
    statuts: Iterable[str], *, done: str = "fait", dropped: str = "abandonne"
) -> float | None:
    """Actions done / actions not abandoned."""
    kept = [statut for statut in statuts if statut != dropped]
    return sum(1 for statut in kept if statut == done) / len(kept) if kept else None


def anonymised_median(
    values: Iterable[float | None], minimum: int = MEDIAN_MIN_STRUCTURES
) -> float | None:
    """Median over structures, suppressed (``None``) when fewer than ``minimum`` values:
    a median over one or two structures would reveal them."""
    kept = [value for value in values if value is not None]
    if len(kept) < minimum:
        return None
    return float(statistics.median(kept))
