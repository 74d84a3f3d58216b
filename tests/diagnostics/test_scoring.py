"""Scores against an independent calculation on random answers (hypothesis)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from accompagnement.diagnostics.scoring import (
    Cotation,
    CriterionInput,
    compute_scores,
    themes_all_satisfied,
)

cotations = st.one_of(
    st.none(),
    st.builds(Cotation, poids=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]), exclue=st.just(False)),
    st.builds(Cotation, poids=st.just(0.0), exclue=st.just(True)),
)
items_strategy = st.lists(
    st.builds(
        lambda i, theme, niveau, d, c: CriterionInput(
            critere=i, theme=theme, niveau=niveau, declared=d, confirmed=c
        ),
        st.integers(),
        st.sampled_from(["4.1", "4.2", "4.3"]),
        st.sampled_from([1, 2]),
        cotations,
        cotations,
    ),
    max_size=60,
    unique_by=lambda item: item.critere,
)


def independent_rate(values):
    """Mean weight of the answered, not excluded values (None when there are none)."""
    kept = [v.poids for v in values if v is not None and not v.exclue]
    return sum(kept) / len(kept) if kept else None


def close(a, b):
    return (a is None and b is None) or (
        a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9)
    )


@given(items_strategy)
def test_rates_match_an_independent_calculation(items):
    scores = compute_scores(items)
    for side in ("declared", "confirmed"):
        result = getattr(scores, side)
        assert close(result.module.rate, independent_rate([getattr(i, side) for i in items]))
        for theme in {i.theme for i in items}:
            expected = independent_rate([getattr(i, side) for i in items if i.theme == theme])
            assert close(result.by_theme[theme].rate, expected)
        for niveau in {i.niveau for i in items}:
            expected = independent_rate([getattr(i, side) for i in items if i.niveau == niveau])
            assert close(result.by_level[niveau].rate, expected)
            level_values = [getattr(i, side) for i in items if i.niveau == niveau]
            all_ok = all(
                v is not None and (v.exclue or v.poids == 1) for v in level_values
            ) and any(v is not None and not v.exclue and v.poids == 1 for v in level_values)
            assert result.all_satisfied(niveau) is all_ok
        for theme, niveau in {(i.theme, i.niveau) for i in items}:
            expected = independent_rate(
                [getattr(i, side) for i in items if (i.theme, i.niveau) == (theme, niveau)]
            )
            assert close(result.by_theme_level[(theme, niveau)].rate, expected)


@given(items_strategy)
def test_unanswered_and_excluded_are_counted_separately(items):
    module = compute_scores(items).declared.module
    assert module.unanswered == sum(1 for i in items if i.declared is None)
    assert module.excluded == sum(1 for i in items if i.declared is not None and i.declared.exclue)
    assert module.scored + module.excluded + module.unanswered == len(items) == module.total


@given(items_strategy)
def test_gap_is_declared_minus_confirmed(items):
    scores = compute_scores(items)
    declared = independent_rate([i.declared for i in items])
    confirmed = independent_rate([i.confirmed for i in items])
    expected = None if declared is None or confirmed is None else declared - confirmed
    assert close(scores.gap_module, expected)
    for item in items:
        gap = scores.gap_by_criterion[item.critere]
        both = (
            item.declared
            and item.confirmed
            and not item.declared.exclue
            and not item.confirmed.exclue
        )
        assert close(gap, item.declared.poids - item.confirmed.poids if both else None)


def test_excluded_values_are_left_out_of_the_rate():
    items = [
        CriterionInput(1, "t", 1, declared=Cotation(1.0)),
        CriterionInput(2, "t", 1, declared=Cotation(0.0)),
        CriterionInput(3, "t", 1, declared=Cotation(0.0, exclue=True)),
        CriterionInput(4, "t", 1, declared=None),
    ]
    module = compute_scores(items).declared.module
    assert module.rate == 0.5
    assert (module.scored, module.excluded, module.unanswered) == (2, 1, 1)


def test_all_level_satisfied_needs_every_criterion_answered():
    satisfied = [
        CriterionInput(1, "t", 1, declared=Cotation(1.0)),
        CriterionInput(2, "t", 1, declared=Cotation(0, True)),
    ]
    assert compute_scores(satisfied).declared.all_satisfied(1) is True
    assert (
        compute_scores([*satisfied, CriterionInput(3, "t", 1)]).declared.all_satisfied(1) is False
    )
    only_excluded = [CriterionInput(1, "t", 1, declared=Cotation(0, True))]
    assert compute_scores(only_excluded).declared.all_satisfied(1) is False


def test_themes_all_satisfied_per_theme():
    items = [
        CriterionInput(1, "a", 1, confirmed=Cotation(1.0)),
        CriterionInput(2, "b", 1, confirmed=Cotation(0.5)),
        CriterionInput(3, "b", 2, confirmed=Cotation(1.0)),
    ]
    assert themes_all_satisfied(items, niveau=1) == {"a"}
