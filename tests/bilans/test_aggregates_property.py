"""The SQL aggregates of the consolidation (``reporting.aggregates``) equal the Python
definitions (``diagnostics.scoring``: ``mean``, ``gap``) on random snapshots (hypothesis)."""

from __future__ import annotations

import datetime
import itertools
import math

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accompagnement.diagnostics.scoring import gap, mean
from accompagnement.reporting import selectors
from accompagnement.reporting.models import Campagne, InstantaneBilan
from tests.bilans.test_consolidation import make_structures

rates = st.one_of(st.none(), st.floats(min_value=0, max_value=1, allow_nan=False))
flags = st.one_of(st.none(), st.booleans())
snapshot_rows = st.lists(
    st.fixed_dictionaries(
        {
            "taux_declare": rates,
            "taux_confirme": rates,
            "tous_niveau1": flags,
            "themes": st.dictionaries(
                st.sampled_from(["4.1", "4.2", "4.10"]),
                st.fixed_dictionaries({"declare": rates, "confirme": rates}),
            ),
            "criteres": st.dictionaries(st.sampled_from(["4.2.1", "4.2.9", "4.4.10"]), flags),
            "imperatifs": st.one_of(
                st.none(),
                st.integers(min_value=0, max_value=3).flatmap(
                    lambda failing: st.fixed_dictionaries(
                        {
                            "total": st.just(3),
                            "non_satisfaits": st.just(failing),
                            "tous_satisfaits": st.just(failing == 0),
                        }
                    )
                ),
            ),
        }
    ),
    min_size=0,
    max_size=8,
)


YEARS = itertools.count(3000)


def close(actual, expected) -> bool:
    if expected is None or actual is None:
        return actual is None and expected is None
    return math.isclose(actual, expected, abs_tol=1e-9)


@pytest.fixture
def pool(network):
    return make_structures(network, 8, prefix="h")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=snapshot_rows)
def test_sql_aggregates_equal_the_python_definitions(pool, network, rows):
    # Snapshots are immutable: each example gets its own campaign.
    campagne = Campagne.objects.create(
        libelle="h",
        semestre=1,
        annee=next(YEARS),
        echeance=datetime.date(2030, 1, 10),
        ouverte_par=network.user("federation"),
    )
    for structure, row in zip(pool, rows, strict=False):
        InstantaneBilan.objects.create(
            campagne=campagne,
            structure=structure,
            structure_nom=structure.nom,
            territoire_id=structure.territoire_id,
            groupe_ids=[],
            soumis_le=timezone.now(),
            taux_declare=row["taux_declare"],
            taux_confirme=row["taux_confirme"],
            tous_niveau1=row["tous_niveau1"],
            indicateurs={
                "themes": row["themes"],
                "criteres_cibles": row["criteres"],
                "imperatifs": row["imperatifs"],
            },
        )
    result = selectors.consolidate(selectors.Scope(campagne=campagne))
    module = result["module"]
    declared = mean(r["taux_declare"] for r in rows)
    confirmed = mean(r["taux_confirme"] for r in rows)
    assert close(module["declare"], declared)
    assert close(module["confirme"], confirmed)
    assert close(module["ecart"], gap(declared, confirmed))
    level1 = [r["tous_niveau1"] for r in rows if r["tous_niveau1"] is not None]
    assert close(result["part_tous_niveau1"], sum(level1) / len(level1) if level1 else None)
    theme_codes = sorted({code for r in rows for code in r["themes"]})
    assert [t["code"] for t in result["themes"]] == theme_codes
    theme_declared = {}
    for theme in result["themes"]:
        d = mean(r["themes"].get(theme["code"], {}).get("declare") for r in rows)
        c = mean(r["themes"].get(theme["code"], {}).get("confirme") for r in rows)
        theme_declared[theme["code"]] = d
        assert close(theme["declare"], d) and close(theme["confirme"], c)
        assert close(theme["ecart"], gap(d, c))
    by_code = {d["code"]: d for d in module["definitions"]}
    assert close(by_code["moyenne_themes"]["declare"], mean(theme_declared.values()))
    criteria = result["familles"]["effectivite"]["criteres"]
    assert set(criteria) == {code for r in rows for code in r["criteres"]}
    for code, share in criteria.items():
        known = [r["criteres"][code] for r in rows if r["criteres"].get(code) is not None]
        assert close(share, sum(known) / len(known) if known else None)
    judged = [
        all(r["criteres"].values())
        for r in rows
        if any(v is not None for v in r["criteres"].values())
    ]
    assert close(
        result["familles"]["effectivite"]["part_conformes_8_criteres"],
        sum(judged) / len(judged) if judged else None,
    )
    verdicts = [r["imperatifs"] for r in rows if r["imperatifs"]]
    assert result["imperatifs"]["structures"] == len(verdicts)
    assert result["imperatifs"]["non_satisfaits"] == sum(v["non_satisfaits"] for v in verdicts)
    assert close(
        result["imperatifs"]["part_tous_satisfaits"],
        sum(v["tous_satisfaits"] for v in verdicts) / len(verdicts) if verdicts else None,
    )
