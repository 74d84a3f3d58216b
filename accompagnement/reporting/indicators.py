"""The deck's indicators as pure functions (no database): easy to test against an
independent calculation. Rates are fractions between 0 and 1, ``None`` when there is
nothing to measure (never 0 by default).

Means and shares *over structures* (consolidation) are SQL aggregates over the snapshot
store, with the same definitions: ``reporting.aggregates``."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence

from accompagnement.diagnostics.scoring import CriterionInput, compute_scores

# Criteria of the effectivité family (the deck's list).
CRITERES_EFFECTIVITE = ("4.2.1", "4.2.9", "4.3.1", "4.3.2", "4.3.7", "4.6.2", "4.4.8", "4.4.9")
# A median over fewer structures than this is not shown (it would reveal one structure).
MEDIAN_MIN_STRUCTURES = 3


def diagnosis_figures(
    items: Iterable[CriterionInput], *, codes: Sequence[str] = CRITERES_EFFECTIVITE
) -> dict:
    """JSON-ready figures of one self-diagnosis, computed by the diagnostics' own scoring
    module (``accompagnement.diagnostics.scoring``: same definitions everywhere).

    ``items`` carry criterion and theme *codes*. Criteria flags use the confirmed value
    when the expert confirmed the criterion, else the declared one."""
    items = list(items)
    scores = compute_scores(items)
    themes = sorted({item.theme for item in items}, key=str)
    niveaux = sorted({item.niveau for item in items if item.niveau is not None})
    by_code = {item.critere: (item.confirmed or item.declared) for item in items}
    return {
        "declare": scores.declared.module.rate,
        "confirme": scores.confirmed.module.rate,
        "themes": {
            str(theme): {
                "declare": _rate(scores.declared.by_theme, theme),
                "confirme": _rate(scores.confirmed.by_theme, theme),
            }
            for theme in themes
        },
        "niveaux": {
            str(niveau): {
                "declare": _rate(scores.declared.by_level, niveau),
                "confirme": _rate(scores.confirmed.by_level, niveau),
                "tous_satisfaits_declare": scores.declared.all_satisfied(niveau),
                "tous_satisfaits_confirme": scores.confirmed.all_satisfied(niveau)
                if _has_confirmation(items)
                else None,
            }
            for niveau in niveaux
        },
        "criteres_cibles": {
            code: (
                None
                if by_code.get(code) is None or by_code[code].exclue
                else by_code[code].satisfied
            )
            for code in codes
        },
    }


def _rate(rates: dict, key) -> float | None:
    rate = rates.get(key)
    return None if rate is None else rate.rate


def _has_confirmation(items: list[CriterionInput]) -> bool:
    return any(item.confirmed is not None for item in items)


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


def gap(declared: float | None, confirmed: float | None) -> float | None:
    """Declared minus confirmed (structures tend to overestimate themselves)."""
    if declared is None or confirmed is None:
        return None
    return declared - confirmed
