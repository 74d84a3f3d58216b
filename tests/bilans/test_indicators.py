"""The indicators against independent calculations (pure functions, no database)."""

from __future__ import annotations

import statistics

from hypothesis import given
from hypothesis import strategies as st

from accompagnement.diagnostics.scoring import Cotation, CriterionInput
from accompagnement.reporting import indicators

counts = st.tuples(*[st.integers(min_value=0, max_value=50)] * 4)


@given(st.lists(counts, max_size=6))
def test_satisfaction_rate_is_satisfied_answers_over_all_answers(surveys):
    satisfied = sum(s[0] + s[1] for s in surveys)
    total = sum(sum(s) for s in surveys)
    expected = None if total == 0 else satisfied / total
    assert indicators.satisfaction_rate(surveys) == expected


@given(
    st.lists(st.sampled_from(["C-1", "C-2", "C-3", "C-4", "C-5"]), max_size=30), st.integers(0, 40)
)
def test_unhappy_rate_counts_a_repeat_complainer_once(complaints, clients):
    distinct = []
    for reference in complaints:
        if reference not in distinct:
            distinct.append(reference)
    expected = None if clients == 0 else len(distinct) / clients
    assert indicators.unhappy_rate(complaints, clients) == expected


def test_unhappy_rate_with_repeat_complainers_example():
    # 5 complaints by 3 distinct clients out of 60 clients: 5 %
    assert indicators.unhappy_rate(["C-1", "C-1", "C-2", "C-3", "C-3"], 60) == 3 / 60


@given(st.lists(st.sampled_from(["a_faire", "en_cours", "fait", "abandonne"]), max_size=20))
def test_action_plan_completion_ignores_abandoned(statuts):
    kept = [s for s in statuts if s != "abandonne"]
    expected = None if not kept else kept.count("fait") / len(kept)
    assert indicators.action_plan_completion(statuts) == expected


@given(st.lists(st.one_of(st.none(), st.floats(0, 1)), max_size=12))
def test_anonymised_median_is_suppressed_below_three_structures(values):
    known = [v for v in values if v is not None]
    result = indicators.anonymised_median(values)
    if len(known) < 3:
        assert result is None
    else:
        assert result == statistics.median(known)


def test_median_of_two_structures_never_reveals_either():
    assert indicators.anonymised_median([0.2, 0.9]) is None
    assert indicators.anonymised_median([0.2]) is None
    assert indicators.anonymised_median([0.2, 0.9, 0.5]) == 0.5


# Criteria the (test) frame flags as effectivité indicators.
EFFECTIVITE = {"4.2.1", "4.2.9", "4.3.1"}

cotations = st.one_of(
    st.none(),
    st.sampled_from([Cotation(1.0), Cotation(0.5), Cotation(0.0), Cotation(0.0, exclue=True)]),
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["4.2.1", "4.2.9", "4.3.1", "x"]),
            st.sampled_from([1, 2]),
            cotations,
            cotations,
        ),
        min_size=1,
        max_size=10,
        unique_by=lambda t: t[0],
    )
)
def test_diagnosis_figures_against_independent_calculation(rows):
    items = [
        CriterionInput(
            critere=code,
            theme=code[:3],
            niveau=niveau,
            declared=d,
            confirmed=c,
            effectivite=code in EFFECTIVITE,
        )
        for code, niveau, d, c in rows
    ]
    figures = indicators.diagnosis_figures(items)
    scored = [d.poids for _, _, d, _ in rows if d is not None and not d.exclue]
    assert figures["declare"] == (sum(scored) / len(scored) if scored else None)
    for niveau in (1, 2):
        level = [d for _, n, d, _ in rows if n == niveau]
        if not level:
            assert str(niveau) not in figures["niveaux"]
            continue
        all_ok = all(d is not None and (d.exclue or d.poids >= 1) for d in level)
        any_ok = any(d is not None and not d.exclue and d.poids >= 1 for d in level)
        assert figures["niveaux"][str(niveau)]["tous_satisfaits_declare"] == (all_ok and any_ok)
    assert set(figures["criteres_cibles"]) == {r[0] for r in rows if r[0] in EFFECTIVITE}
    for code in figures["criteres_cibles"]:
        row = next((r for r in rows if r[0] == code), None)
        retained = None if row is None else (row[3] or row[2])
        expected = None if retained is None or retained.exclue else retained.poids >= 1
        assert figures["criteres_cibles"][code] == expected
