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


def make_structures(
    network, count: int, *, territoire=None, groupe=None, prefix="s"
) -> list[Structure]:
    """Structure rows without schemas (consolidation never opens them)."""
    territoire = territoire or network.territoire
    structures = Structure.objects.bulk_create(
        [
            Structure(
                nom=f"{prefix} {i:03}",
                slug=f"{prefix}-{i}",
                schema_name=f"fake_{prefix}_{i}",
                territoire=territoire,
            )
            for i in range(count)
        ]
    )
    if groupe is not None:
        for structure in structures:
            structure.groupes.add(groupe)
    return structures


def snapshot(campagne, structure, *, groupe_ids=(), **figures) -> InstantaneBilan:
    themes = figures.pop("themes", {})
    criteres = figures.pop("criteres", {})
    return InstantaneBilan.objects.create(
        campagne=campagne,
        structure=structure,
        structure_nom=structure.nom,
        territoire_id=structure.territoire_id,
        groupe_ids=list(groupe_ids),
        soumis_le=timezone.now(),
        indicateurs={"themes": themes, "criteres_cibles": criteres},
        **figures,
    )


def test_consolidation_figures_match_an_independent_calculation(network, campagne):
    rng = random.Random(7)
    structures = make_structures(network, 12, groupe=network.groupe)
    rows = []
    for structure in structures:
        row = {
            "taux_declare": rng.random(),
            "taux_confirme": rng.choice([None, rng.random()]),
            "tous_niveau1": rng.choice([True, False, None]),
            "tous_niveau2": rng.choice([True, False]),
            "taux_satisfaits": rng.random(),
            "reclamations": rng.randint(0, 9),
            "taux_mecontents": rng.random(),
            "themes": {"4.2": {"declare": rng.random(), "confirme": None}},
            "criteres": {
                code: rng.choice([True, True, False, None])
                for code in ("4.2.1", "4.2.9", "4.3.1", "4.3.2", "4.3.7", "4.6.2", "4.4.8", "4.4.9")
            },
        }
        rows.append(row)
        snapshot(campagne, structure, groupe_ids=[network.groupe.pk], **{**row})
    result = selectors.consolidate(
        selectors.Scope(campagne=campagne, territoire=network.territoire)
    )
    assert result["module"]["declare"] == pytest.approx(
        statistics.mean(r["taux_declare"] for r in rows)
    )
    confirmed = [r["taux_confirme"] for r in rows if r["taux_confirme"] is not None]
    assert result["module"]["confirme"] == (
        pytest.approx(statistics.mean(confirmed)) if confirmed else None
    )
    level1 = [r["tous_niveau1"] for r in rows if r["tous_niveau1"] is not None]
    assert result["part_tous_niveau1"] == pytest.approx(sum(level1) / len(level1))
    assert result["familles"]["impact"]["reclamations"] == sum(r["reclamations"] for r in rows)
    assert result["themes"][0]["declare"] == pytest.approx(
        statistics.mean(r["themes"]["4.2"]["declare"] for r in rows)
    )
    eight = [all(r["criteres"].values()) for r in rows]
    assert result["familles"]["effectivite"]["part_conformes_8_criteres"] == pytest.approx(
        sum(eight) / len(eight)
    )
    known = [r["criteres"]["4.2.1"] for r in rows if r["criteres"]["4.2.1"] is not None]
    assert result["familles"]["effectivite"]["criteres"]["4.2.1"] == pytest.approx(
        sum(known) / len(known)
    )
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
    assert (
        next(i for i in other["indicateurs"] if i["code"] == "taux_declare")["mediane_territoire"]
        is None
    )


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
    assert (
        pilote.get(
            API, {"campagne": campagne.pk, "territoire": network.other_territoire.pk}
        ).status_code
        == 404
    )
    assert (
        pilote.get(API, {"campagne": campagne.pk, "groupe": network.other_groupe.pk}).status_code
        == 404
    )
    for role in ("directeur", "expert", "sans_role"):
        assert (
            api_client_for(network.user(role)).get(API, {"campagne": campagne.pk}).status_code
            == 404
        )
    network_wide = api_client_for(network.user("federation")).get(API, {"campagne": campagne.pk})
    assert len(network_wide.json()["structures"]) == 6
    assert {d["niveau"] for d in network_wide.json()["detail"]} == {"territoire"}


def test_consolidation_api_query_count_is_bounded(
    network, api_client_for, campagne, django_assert_max_num_queries
):
    for structure in make_structures(network, 30, groupe=network.groupe):
        snapshot(campagne, structure, groupe_ids=[network.groupe.pk], taux_declare=0.5)
    client = api_client_for(network.user("pilote"))
    with django_assert_max_num_queries(22):
        response = client.get(API, {"campagne": campagne.pk, "territoire": network.territoire.pk})
    assert response.status_code == 200


def _mean(values):
    known = [value for value in values if value is not None]
    return statistics.fmean(known) if known else None


def _share(flags):
    known = [bool(flag) for flag in flags if flag is not None]
    return sum(known) / len(known) if known else None


def _approx(value):
    return None if value is None else pytest.approx(value)


CODES = ("4.2.1", "4.2.9", "4.3.1", "4.3.2", "4.3.7", "4.6.2", "4.4.8", "4.4.9")


def test_themes_criteria_and_the_eight_criteria_share_with_unknown_values(network, campagne):
    """Themes missing from some snapshots, criteria unknown (None) or absent (not flagged
    by that structure's frame), and a structure with none known (left out of the share).
    Each structure is judged on the effectivité criteria its frame flags: an unknown one
    counts as not satisfied."""
    rng = random.Random(11)
    structures = make_structures(network, 15)
    rows = []
    for i, structure in enumerate(structures):
        themes = {
            code: {"declare": rng.random(), "confirme": rng.choice([None, rng.random()])}
            for code in ("4.1", "4.10", "4.2")
            if rng.random() < 0.7
        }
        criteres = (
            {}
            if i == 0
            else {
                code: rng.choice([True, True, False, None]) for code in CODES if rng.random() < 0.9
            }
        )
        if i == 1:
            criteres = dict.fromkeys(CODES)
        rows.append({"themes": themes, "criteres": criteres})
        snapshot(
            campagne,
            structure,
            themes=themes,
            criteres=criteres,
            en_retard=i % 4 == 0,
            taux_declare=None if i % 5 == 0 else rng.random(),
        )
    result = selectors.consolidate(
        selectors.Scope(campagne=campagne, territoire=network.territoire)
    )
    codes = sorted({code for row in rows for code in row["themes"]})
    assert [
        theme["code"] for theme in result["themes"]
    ] == codes  # "4.1" < "4.10" < "4.2", as Python sorts
    for theme in result["themes"]:
        declared = _mean(row["themes"].get(theme["code"], {}).get("declare") for row in rows)
        confirmed = _mean(row["themes"].get(theme["code"], {}).get("confirme") for row in rows)
        assert theme["declare"] == _approx(declared)
        assert theme["confirme"] == _approx(confirmed)
        assert theme["ecart"] == (
            None if confirmed is None else pytest.approx(declared - confirmed)
        )
    effectivite = result["familles"]["effectivite"]
    flagged = {code for row in rows for code in row["criteres"]}
    assert set(effectivite["criteres"]) == flagged
    for code in flagged:
        assert effectivite["criteres"][code] == _approx(
            _share(row["criteres"].get(code) for row in rows)
        )
    eight = [
        all(row["criteres"].values())
        for row in rows
        if any(value is not None for value in row["criteres"].values())
    ]
    assert (
        len(eight) == 13
    )  # the structure without criteria and the one with all unknown are left out
    assert effectivite["part_conformes_8_criteres"] == pytest.approx(sum(eight) / len(eight))
    assert result["bilans"]["soumis_en_retard"] == 4
    assert result["familles"]["realisation"]["part_diagnostic_realise"] == pytest.approx(
        12 / 16
    )  # + alpha


def test_an_empty_scope_gives_unknown_figures_not_zeros(network, campagne):
    result = selectors.consolidate(
        selectors.Scope(campagne=campagne, territoire=network.territoire)
    )
    assert result["themes"] == []
    assert (result["module"]["declare"], result["module"]["confirme"]) == (None, None)
    assert all(d["declare"] is None for d in result["module"]["definitions"])
    assert result["part_tous_niveau1"] is None
    assert result["familles"]["effectivite"]["criteres"] == {}
    assert result["familles"]["effectivite"]["part_conformes_8_criteres"] is None
    assert result["familles"]["impact"]["reclamations"] == 0
    assert result["bilans"]["soumis"] == 0
    assert (
        selectors.snapshot_rows(selectors.Scope(campagne=campagne, territoire=network.territoire))
        == []
    )


def test_drill_down_at_each_level_matches_an_independent_calculation(network, campagne):
    from tenants.models import GroupeTravail

    second = GroupeTravail.objects.create(territoire=network.territoire, nom="Groupe B")
    rng = random.Random(5)
    here = make_structures(network, 6)
    there = make_structures(network, 3, territoire=network.other_territoire, prefix="o")
    figures = {}
    for i, structure in enumerate(here + there):
        groupes = (
            [network.other_groupe.pk]
            if structure in there
            else (
                [network.groupe.pk, second.pk]
                if i == 0
                else [network.groupe.pk]
                if i % 2
                else [second.pk]
            )
        )
        row = {
            "taux_declare": rng.random(),
            "taux_satisfaits": rng.choice([None, rng.random()]),
            "tous_niveau1": rng.choice([True, False, None]),
            "groupe_ids": groupes,
        }
        figures[structure.pk] = row
        snapshot(campagne, structure, **row)

    def expected(members):
        return {
            "bilans": len(members),
            "taux_declare": _approx(_mean(m["taux_declare"] for m in members)),
            "taux_satisfaits": _approx(_mean(m["taux_satisfaits"] for m in members)),
            "part_tous_niveau1": _approx(_share(m["tous_niveau1"] for m in members)),
        }

    def picked(line):
        return {
            key: line[key]
            for key in ("bilans", "taux_declare", "taux_satisfaits", "part_tous_niveau1")
        }

    network_lines = {
        line["id"]: line for line in selectors.drill_down(selectors.Scope(campagne=campagne))
    }
    assert picked(network_lines[network.territoire.pk]) == expected([figures[s.pk] for s in here])
    assert picked(network_lines[network.other_territoire.pk]) == expected(
        [figures[s.pk] for s in there]
    )
    territory = selectors.drill_down(
        selectors.Scope(campagne=campagne, territoire=network.territoire)
    )
    assert [line["nom"] for line in territory] == sorted(line["nom"] for line in territory)
    for line in territory:
        members = [row for row in figures.values() if line["id"] in row["groupe_ids"]]
        assert picked(line) == expected(members)  # the structure in both groups counts in each
    group = selectors.drill_down(
        selectors.Scope(campagne=campagne, territoire=network.territoire, groupe=second)
    )
    assert [line["niveau"] for line in group] == [
        "structure"
    ] * 3  # s 000 (both groups), s 002, s 004
    for line in group:
        assert picked(line) == expected([figures[line["id"]]])


def test_api_rows_carry_each_structure_figures_as_valid_json(network, api_client_for, campagne):
    structures = make_structures(network, 3)
    values = [(0.8, 0.6), (0.5, None), (None, None)]
    for structure, (declared, confirmed) in zip(structures, values, strict=True):
        snapshot(
            campagne,
            structure,
            taux_declare=declared,
            taux_confirme=confirmed,
            reclamations=2,
            themes={"4.2": {"declare": declared, "confirme": confirmed}},
            criteres={"4.2.1": True},
        )
    response = api_client_for(network.user("pilote")).get(
        API, {"campagne": campagne.pk, "territoire": network.territoire.pk}
    )
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert [row["structure_nom"] for row in body["structures"]] == ["s 000", "s 001", "s 002"]
    first, second, third = body["structures"]
    assert first["ecart"] == pytest.approx(0.2)
    assert second["ecart"] is None and third["ecart"] is None
    assert first["themes"] == {"4.2": {"declare": 0.8, "confirme": 0.6}}
    assert first["criteres_cibles"] == {"4.2.1": True}
    assert first["reclamations"] == 2 and first["territoire_id"] == network.territoire.pk
    assert body["module"]["declare"] == pytest.approx(0.65)
    assert {"campagne", "perimetre", "themes", "familles", "detail", "evolution"} <= body.keys()


def test_evolution_lists_the_last_campaigns_oldest_first(network, campagne):
    import datetime

    from accompagnement.reporting.models import Campagne

    older = Campagne.objects.create(
        libelle="S1 2015", semestre=1, annee=2015, echeance=datetime.date(2015, 7, 10)
    )
    structures = make_structures(network, 2)
    for structure, value in zip(structures, (0.2, 0.4), strict=True):
        snapshot(older, structure, taux_declare=value, tous_niveau1=True)
        snapshot(
            campagne, structure, taux_declare=value + 0.4, tous_niveau1=structure is structures[0]
        )
    lines = selectors.evolution(territoire=network.territoire)
    assert [line["campagne"] for line in lines] == ["S1 2015", campagne.libelle]
    assert lines[0]["taux_declare"] == pytest.approx(0.3) and lines[0]["part_tous_niveau1"] == 1.0
    assert lines[1]["taux_declare"] == pytest.approx(0.7) and lines[1]["part_tous_niveau1"] == 0.5
    assert [
        line["campagne"] for line in selectors.evolution(territoire=network.territoire, limit=1)
    ] == [campagne.libelle]
