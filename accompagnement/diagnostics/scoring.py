"""Scores of a self-diagnosis: a pure module (no database), easy to test by itself. It owns
the definitions of a rate, a gap and their rounding; every page, endpoint, review figure
and consolidation uses them (the SQL aggregates of ``reporting.aggregates`` are tested
equal to them on random data).

Definitions
-----------
* A criterion's **cotation** is a value of the frame's scale: a weight ``poids`` between
  0 and 1, or a value flagged ``exclue`` (e.g. "non applicable").
* The **rate** of a set of criteria is the mean weight of its *scored* criteria: those
  answered with a value that is not excluded. Excluded answers are left out of both the
  numerator and the denominator; unanswered criteria are left out too and counted
  separately (``unanswered``). A set with no scored criterion has no rate (``None``).
  Rates are fractions between 0 and 1; ``percent`` rounds them for display only.
* Rates exist for the module, each theme (root node), each level, each theme × level and
  **every node of the tree at any depth** (``by_node``: chapter, thematic, objective…).
* The **module rate** has two definitions, both always computed:
  ``moyenne_criteres`` — the mean over every scored criterion of the module (above);
  ``moyenne_themes`` — the mean of the theme rates (each theme weighs the same, whatever
  its number of criteria; themes without a rate are left out). The launch deck's 79 % is
  the mean of its six theme rates. The frame version says which one is its headline
  (``ReferentielVersion.module_headline``).
* A criterion is **satisfied** when its value is not excluded and its weight is 1, the top
  of the scale ("Conforme"; "4 — tout à fait satisfaisant" and "optimisé" on a 1–4
  scale; "Partiellement conforme" at 0.5 is not).
* **All level-N criteria satisfied** holds when every level-N criterion is answered and
  is either satisfied or excluded, and at least one of them is satisfied. An unanswered
  level-N criterion makes it false.
* **Imperative criteria** (flag of the frame): the verdict counts the imperative criteria
  answered and not satisfied (``non_satisfied``: scored with a weight below 1) and those
  not answered; "tous satisfaits" holds when there is at least one imperative criterion,
  none is unsatisfied and none is unanswered (an excluded one — not applicable — is not
  a failure).
* Rates are computed twice: from the structure's **declared** values and from the
  expert's **confirmed** values (a criterion not yet confirmed counts as unanswered on
  the confirmed side).
* The **gap** is declared − confirmed (``gap``): for a criterion, the difference of
  weights (when both sides are scored); for any set, the difference of the two rates
  (when both exist). Positive gap = the structure overestimated itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# The two definitions of the module rate (see the module docstring).
MOYENNE_CRITERES = "moyenne_criteres"
MOYENNE_THEMES = "moyenne_themes"
MODULE_DEFINITIONS = (MOYENNE_CRITERES, MOYENNE_THEMES)


def gap(declared: float | None, confirmed: float | None) -> float | None:
    """Declared minus confirmed (``None`` when either is unknown)."""
    if declared is None or confirmed is None:
        return None
    return declared - confirmed


def percent(rate: float | None) -> float | None:
    """A fraction shown as a percentage with one decimal (display only)."""
    return None if rate is None else round(rate * 100, 1)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the known values (``None`` when none is known)."""
    kept = [value for value in values if value is not None]
    return sum(kept) / len(kept) if kept else None


@dataclass(frozen=True)
class Cotation:
    poids: float
    exclue: bool = False

    @property
    def satisfied(self) -> bool:
        return not self.exclue and self.poids >= 1


@dataclass(frozen=True)
class CriterionInput:
    critere: Hashable  # id (or code) of the criterion
    theme: Hashable  # id (or code) of its theme (root node)
    niveau: int | None
    declared: Cotation | None = None
    confirmed: Cotation | None = None
    # Every node from the root (the theme) down to the criterion's parent node.
    noeuds: tuple[Hashable, ...] = ()
    imperatif: bool = False
    effectivite: bool = False


@dataclass
class Rate:
    """The rate of a set of criteria with what it was computed from."""

    total: int = 0
    scored: int = 0
    excluded: int = 0
    unanswered: int = 0
    weight_sum: float = 0.0

    @property
    def rate(self) -> float | None:
        return self.weight_sum / self.scored if self.scored else None

    @property
    def percent(self) -> float | None:
        return percent(self.rate)

    @property
    def answered(self) -> int:
        return self.scored + self.excluded

    def add(self, cotation: Cotation | None) -> None:
        self.total += 1
        if cotation is None:
            self.unanswered += 1
        elif cotation.exclue:
            self.excluded += 1
        else:
            self.scored += 1
            self.weight_sum += cotation.poids


@dataclass
class ImperativeVerdict:
    """The imperative criteria of one side: how many, how many fail, how many unanswered."""

    total: int = 0
    non_satisfied: int = 0
    unanswered: int = 0
    failing: list[Hashable] = field(default_factory=list)

    @property
    def all_satisfied(self) -> bool | None:
        """``None`` when the frame marks no criterion imperative."""
        if not self.total:
            return None
        return self.non_satisfied == 0 and self.unanswered == 0

    def add(self, critere: Hashable, cotation: Cotation | None) -> None:
        self.total += 1
        if cotation is None:
            self.unanswered += 1
        elif not cotation.exclue and not cotation.satisfied:
            self.non_satisfied += 1
            self.failing.append(critere)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "non_satisfaits": self.non_satisfied,
            "sans_reponse": self.unanswered,
            "tous_satisfaits": self.all_satisfied,
            "criteres_non_satisfaits": [str(c) for c in self.failing],
        }


@dataclass
class SideScores:
    """Rates from one side (declared or confirmed)."""

    module: Rate = field(default_factory=Rate)
    by_theme: dict[Hashable, Rate] = field(default_factory=lambda: defaultdict(Rate))
    by_level: dict[int | None, Rate] = field(default_factory=lambda: defaultdict(Rate))
    by_theme_level: dict[tuple[Hashable, int | None], Rate] = field(
        default_factory=lambda: defaultdict(Rate)
    )
    by_node: dict[Hashable, Rate] = field(default_factory=lambda: defaultdict(Rate))
    all_level_satisfied: dict[int | None, bool] = field(default_factory=dict)
    imperatives: ImperativeVerdict = field(default_factory=ImperativeVerdict)

    def all_satisfied(self, niveau: int) -> bool:
        return self.all_level_satisfied.get(niveau, False)

    @property
    def themes_mean(self) -> float | None:
        """The module rate as the mean of the theme rates (``moyenne_themes``)."""
        return mean(rate.rate for rate in self.by_theme.values())

    def module_rate(self, definition: str = MOYENNE_CRITERES) -> float | None:
        if definition == MOYENNE_THEMES:
            return self.themes_mean
        return self.module.rate


@dataclass
class Scores:
    declared: SideScores
    confirmed: SideScores
    gap_by_criterion: dict[Hashable, float | None]

    @property
    def gap_module(self) -> float | None:
        return gap(self.declared.module.rate, self.confirmed.module.rate)

    @property
    def gap_themes_mean(self) -> float | None:
        return gap(self.declared.themes_mean, self.confirmed.themes_mean)

    def gap_theme(self, theme: Hashable) -> float | None:
        return gap(
            _rate_of(self.declared.by_theme, theme), _rate_of(self.confirmed.by_theme, theme)
        )

    def gap_level(self, niveau: int | None) -> float | None:
        return gap(
            _rate_of(self.declared.by_level, niveau), _rate_of(self.confirmed.by_level, niveau)
        )

    def gap_theme_level(self, theme: Hashable, niveau: int | None) -> float | None:
        key = (theme, niveau)
        return gap(
            _rate_of(self.declared.by_theme_level, key),
            _rate_of(self.confirmed.by_theme_level, key),
        )

    def gap_node(self, node: Hashable) -> float | None:
        return gap(_rate_of(self.declared.by_node, node), _rate_of(self.confirmed.by_node, node))


def _rate_of(rates: Mapping[Any, Rate], key: Hashable) -> float | None:
    rate = rates.get(key)
    return None if rate is None else rate.rate


def _side(items: list[CriterionInput], attribute: str) -> SideScores:
    side = SideScores()
    level_state: dict[int | None, list[bool]] = {}  # niveau -> [all ok, any satisfied]
    for item in items:
        cotation: Cotation | None = getattr(item, attribute)
        side.module.add(cotation)
        side.by_theme[item.theme].add(cotation)
        side.by_level[item.niveau].add(cotation)
        side.by_theme_level[(item.theme, item.niveau)].add(cotation)
        for node in item.noeuds or (item.theme,):
            side.by_node[node].add(cotation)
        if item.imperatif:
            side.imperatives.add(item.critere, cotation)
        state = level_state.setdefault(item.niveau, [True, False])
        if cotation is None or not (cotation.exclue or cotation.satisfied):
            state[0] = False
        if cotation is not None and cotation.satisfied:
            state[1] = True
    side.all_level_satisfied = {
        niveau: ok and any_ok for niveau, (ok, any_ok) in level_state.items()
    }
    side.by_theme = dict(side.by_theme)
    side.by_level = dict(side.by_level)
    side.by_theme_level = dict(side.by_theme_level)
    side.by_node = dict(side.by_node)
    return side


def _criterion_gap(item: CriterionInput) -> float | None:
    declared, confirmed = item.declared, item.confirmed
    if declared is None or confirmed is None or declared.exclue or confirmed.exclue:
        return None
    return gap(declared.poids, confirmed.poids)


def compute_scores(items: Iterable[CriterionInput]) -> Scores:
    """Declared and confirmed rates of a self-diagnosis, and their gap."""
    items = list(items)
    return Scores(
        declared=_side(items, "declared"),
        confirmed=_side(items, "confirmed"),
        gap_by_criterion={item.critere: _criterion_gap(item) for item in items},
    )


def themes_all_satisfied(
    items: Iterable[CriterionInput], *, niveau: int, side: str = "confirmed"
) -> set[Hashable]:
    """Themes whose level-``niveau`` criteria are all satisfied (or excluded) on ``side``,
    at least one satisfied — the level ladder's condition to open the next level."""
    state: dict[Hashable, list[bool]] = {}
    for item in items:
        if item.niveau != niveau:
            continue
        cotation: Cotation | None = getattr(item, side)
        theme_state = state.setdefault(item.theme, [True, False])
        if cotation is None or not (cotation.exclue or cotation.satisfied):
            theme_state[0] = False
        if cotation is not None and cotation.satisfied:
            theme_state[1] = True
    return {theme for theme, (ok, any_ok) in state.items() if ok and any_ok}
