"""Consolidation reads the snapshot store only: figures, pilots' scope, anonymised medians,
bounded query counts."""

from __future__ import annotations

import random
import statistics

import pytest
from django.utils import timezone

from accompagnement.reporting import selectors
from accompagnement.reporting.models import InstantaneBilan
from tenants.models import Structure

API = "/api/v1/consolidation/"


def make_structures(network, count: int, *, territoire=None, groupe=None, prefix="s") -> list[Structure]:
    """Structure rows without schemas (consolidation never opens them)."""
    territoire = territoire or network.territoire
    structures = Structure.objects.bulk_create([
        Structure(nom=f"{prefix} {i:03}", slug=f"{prefix}-{i}", schema_name=f"fake_{prefix}_{i}", territoire=territoire)
        for i in range(count)
    ])
    if groupe is not None:
        for structure in structures:
            structure.groupes.add(groupe)
    return structures


def snapshot(campagne, structure, *, groupe_ids=(), **figures) -> InstantaneBilan:
    themes = figures.pop("themes", {})
    criteres = figures.pop("criteres", {})
    return InstantaneBilan.objects.create(
        campagne=campagne, structure=structure, structure_nom=structure.nom, territoire_id=structure.territoire_id,
        groupe_ids=list(groupe_ids), soumis_le=timezone.now(),
        indicateurs={"themes": themes, "criteres_cibles": criteres}, **figures,
    )


def test_consolidation_figures_match_an_independent_calculation(network, campagne):
    rng = random.Random(7)
    structures = make_structures(network, 12, groupe=network.groupe)
    rows = []
    for structure in structures:
        row = {
            "taux_declare": rng.random(), "taux_confirme": rng.choice([None, rng.random()]),
            "tous_niveau1": rng.choice([True, False, None]), "tous_niveau2": rng.choice([True, False]),
            "taux_satisfaits": rng.random(), "reclamations": rng.randint(0, 9), "taux_mecontents": rng.random(),
            "themes": {"4.2": {"declare": rng.random(), "confirme": None}},
            "criteres": {code: rng.choice([True, True, False, None]) for code in ("4.2.1", "4.2.9", "4.3.1", "4.3.2",
                                                                                   "4.3.7", "4.6.2", "4.4.8", "4.4.9")},
        }
        rows.append(row)
        snapshot(campagne, structure, groupe_ids=[network.groupe.pk], **{**row})
    result = selectors.consolidate(selectors.Scope(campagne=campagne, territoire=network.territoire))
    assert result["module"]["declare"] == pytest.approx(statistics.mean(r["taux_declare"] for r in rows))
    confirmed = [r["taux_confirme"] for r in rows if r["taux_confirme"] is not None]
    assert result["module"]["confirme"] == (pytest.approx(statistics.mean(confirmed)) if confirmed else None)
    level1 = [r["tous_niveau1"] for r in rows if r["tous_niveau1"] is not None]
    assert result["part_tous_niveau1"] == pytest.approx(sum(level1) / len(level1))
    assert result["familles"]["impact"]["reclamations"] == sum(r["reclamations"] for r in rows)
    assert result["themes"][0]["declare"] == pytest.approx(statistics.mean(r["themes"]["4.2"]["declare"] for r in rows))
    eight = [all(r["criteres"].values()) for r in rows]
    assert result["familles"]["effectivite"]["part_conformes_8_criteres"] == pytest.approx(sum(eight) / len(eight))
    known = [r["criteres"]["4.2.1"] for r in rows if r["criteres"]["4.2.1"] is not None]
    assert result["familles"]["effectivite"]["criteres"]["4.2.1"] == pytest.approx(sum(known) / len(known))
    assert result["bilans"]["soumis"] == 12
    assert result["bilans"]["attendus"] == 13  # + alpha, not submitted
    assert result["bilans"]["manquants"] == ["Structure Alpha"]
    detail = selectors.drill_down(selectors.Scope(campagne=campagne, territoire=network.territoire))
    assert detail == [d for d in detail if d["niveau"] == "groupe"] and detail[0]["bilans"] == 12


def test_consolidation_never_reads_tenant_schemas(network, campagne, django_assert_max_num_queries):
    make = make_structures(network, 40, groupe=network.groupe)
    for structure in make:
        snapshot(campagne, structure, groupe_ids=[network.groupe.pk], taux_declare=0.5)
    scope = selectors.Scope(campagne=campagne, territoire=network.territoire)
    with django_assert_max_num_queries(8) as context:
        selectors.consolidate(scope)
    assert not any("fake_" in query["sql"] for query in context.captured_queries)


@pytest.mark.parametrize("count", [1, 2])
def test_medians_over_fewer_than_three_structures_are_suppressed(network, campagne, count):
    structures = make_structures(network, count)
    for structure in structures:
        snapshot(campagne, structure, taux_declare=0.42, taux_satisfaits=0.9)
    benchmark = selectors.structure_benchmark(structure=structures[0], campagne=campagne)
    for indicator in benchmark["indicateurs"]:
        assert indicator["mediane_territoire"] is None
        assert indicator["mediane_reseau"] is None


def test_median_of_three_structures_is_shown_and_reveals_no_single_other(network, campagne):
    structures = make_structures(network, 3)
    others = make_structures(network, 2, territoire=network.other_territoire, prefix="o")
    for structure, value in zip(structures + others, [0.2, 0.5, 0.9, 0.1, 0.3], strict=True):
        snapshot(campagne, structure, taux_declare=value)
    benchmark = selectors.structure_benchmark(structure=structures[0], campagne=campagne)
    taux = next(i for i in benchmark["indicateurs"] if i["code"] == "taux_declare")
    assert taux["structure"] == 0.2
    assert taux["mediane_territoire"] == 0.5
    assert taux["mediane_reseau"] == 0.3
    other = selectors.structure_benchmark(structure=others[0], campagne=campagne)
    assert next(i for i in other["indicateurs"] if i["code"] == "taux_declare")["mediane_territoire"] is None


def test_pilot_sees_only_their_territory_through_the_api(network, api_client_for, campagne):
    for structure in make_structures(network, 3):
        snapshot(campagne, structure, taux_declare=0.5)
    for structure in make_structures(network, 3, territoire=network.other_territoire, prefix="o"):
        snapshot(campagne, structure, taux_declare=0.9)
    pilote = api_client_for(network.user("pilote"))
    own = pilote.get(API, {"campagne": campagne.pk, "territoire": network.territoire.pk})
    assert own.status_code == 200
    assert {row["structure_nom"] for row in own.json()["structures"]} == {"s 000", "s 001", "s 002"}
    default = pilote.get(API, {"campagne": campagne.pk})
    assert default.json()["perimetre"]["territoire"] == network.territoire.pk
    assert pilote.get(API, {"campagne": campagne.pk, "territoire": network.other_territoire.pk}).status_code == 404
    assert pilote.get(API, {"campagne": campagne.pk, "groupe": network.other_groupe.pk}).status_code == 404
    for role in ("directeur", "expert", "sans_role"):
        assert api_client_for(network.user(role)).get(API, {"campagne": campagne.pk}).status_code == 404
    network_wide = api_client_for(network.user("federation")).get(API, {"campagne": campagne.pk})
    assert len(network_wide.json()["structures"]) == 6
    assert {d["niveau"] for d in network_wide.json()["detail"]} == {"territoire"}


def test_consolidation_api_query_count_is_bounded(network, api_client_for, campagne, django_assert_max_num_queries):
    for structure in make_structures(network, 30, groupe=network.groupe):
        snapshot(campagne, structure, groupe_ids=[network.groupe.pk], taux_declare=0.5)
    client = api_client_for(network.user("pilote"))
    with django_assert_max_num_queries(22):
        response = client.get(API, {"campagne": campagne.pk, "territoire": network.territoire.pk})
    assert response.status_code == 200
