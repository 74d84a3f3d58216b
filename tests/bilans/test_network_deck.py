"""A network like the launch deck's — 51 structures, 9 territories, 7 working groups (two
of them gathering structures of two territories) — answering the 49-criteria sample
module, consolidates to both module definitions, checked against an independent
calculation (plain weights by criterion code, no scoring code).

Structures are rows without schemas (the consolidation never opens them); each review's
figures are computed by the same functions as a submitted review's
(``scoring_inputs.criterion_input`` → ``indicators.diagnosis_figures``) and written by
``reporting.services.record_snapshot``."""

from __future__ import annotations

import datetime
import random
import statistics
from pathlib import Path

import pytest
from django.utils import timezone

from accompagnement.diagnostics.scoring import Cotation
from accompagnement.diagnostics.scoring_inputs import criterion_input, frame_shape
from accompagnement.reporting import indicators, selectors
from accompagnement.reporting import services as reporting_services
from accompagnement.reporting.models import Campagne
from referentiels import services as ref_services
from tenants.models import GroupeTravail, Structure, Territoire

SAMPLE_49 = Path(__file__).resolve().parents[2] / "referentiels/data/realisation_prestations.yaml"
WEIGHTS = {"C": 1.0, "PC": 0.5, "NC": 0.0}  # NA is excluded
VALUES = {"C": Cotation(1.0), "PC": Cotation(0.5), "NC": Cotation(0.0), "NA": Cotation(0, True)}


def _rate(values) -> float | None:
    scored = [WEIGHTS[v] for v in values if v in WEIGHTS]
    return sum(scored) / len(scored) if scored else None


def _theme(code: str) -> str:
    return ".".join(code.split(".")[:2])


@pytest.fixture
def deck_network(network):
    """9 territories, 7 groups: territories 0–6 each have their group; the structures of
    territories 7 and 8 join the groups of territories 0 and 1. 51 structures."""
    territoires = [Territoire.objects.create(code=f"ut-deck-{i}", nom=f"UT {i}") for i in range(9)]
    groupes = [
        GroupeTravail.objects.create(territoire=territoires[i], nom=f"Groupe {i}") for i in range(7)
    ]
    structures = Structure.objects.bulk_create(
        [
            Structure(
                nom=f"Deck {i:02}",
                slug=f"deck-{i}",
                schema_name=f"fake_deck_{i}",
                territoire=territoires[i % 9],
            )
            for i in range(51)
        ]
    )
    membership = {}
    for index, structure in enumerate(structures):
        t = index % 9
        groupe = groupes[t if t < 7 else t - 7]
        structure.groupes.add(groupe)
        membership[structure.pk] = (t, groupe)
    pilote = network.user("pilote")
    territoires[7].pilotes.add(pilote)
    return territoires, groupes, structures, membership


def test_deck_network_consolidates_to_both_module_definitions(network, deck_network):
    territoires, groupes, structures, membership = deck_network
    version, _created = ref_services.load_sample(path=SAMPLE_49, publish=True)
    shape = frame_shape(version)
    campagne = Campagne.objects.create(
        libelle="S2 2016 (deck)",
        semestre=2,
        annee=2016,
        echeance=datetime.date(2017, 1, 10),
        ouverte_par=network.user("federation"),
    )
    rng = random.Random(2016)
    answers: dict[int, dict[str, str]] = {}
    for structure in structures:
        values = {
            critere.code: rng.choices(["C", "PC", "NC", "NA"], weights=[6, 2, 1, 1])[0]
            for critere in shape.criteres.values()
        }
        answers[structure.pk] = values
        items = [
            criterion_input(shape, critere, VALUES[values[critere.code]], None, by_code=True)
            for critere in shape.criteres.values()
        ]
        figures = {
            "annee": 2016,
            "annees": {},
            "diagnostic": indicators.diagnosis_figures(items, headline=version.module_headline),
        }
        reporting_services.record_snapshot(
            campagne=campagne,
            structure=structure,
            user=network.user("federation"),
            figures=figures,
            contenu={},
            soumis_le=timezone.now(),
        )

    def expected(structure_ids):
        per_structure = [_rate(answers[pk].values()) for pk in structure_ids]
        theme_codes = sorted({_theme(code) for code in answers[structure_ids[0]]})
        theme_means = [
            statistics.mean(
                _rate(v for c, v in answers[pk].items() if _theme(c) == theme)
                for pk in structure_ids
            )
            for theme in theme_codes
        ]
        return statistics.mean(per_structure), statistics.mean(theme_means)

    # The whole network (federation admin).
    scope = selectors.resolve_scope(network.user("federation"), {"campagne": campagne.pk})
    result = selectors.consolidate(scope)
    criteria_mean, themes_mean = expected([s.pk for s in structures])
    by_code = {d["code"]: d for d in result["module"]["definitions"]}
    assert result["bilans"]["soumis"] == 51
    assert len(result["themes"]) == 6
    assert by_code["moyenne_criteres"]["declare"] == pytest.approx(criteria_mean)
    assert by_code["moyenne_themes"]["declare"] == pytest.approx(themes_mean)
    assert by_code["moyenne_themes"]["principal"] is True  # the sample frame's headline
    assert result["module"]["definition_principale"] == "moyenne_themes"
    assert by_code["moyenne_criteres"]["declare"] != pytest.approx(themes_mean, abs=1e-6)
    # The eight effectivité criteria the sample frame flags.
    assert sorted(result["familles"]["effectivite"]["criteres"]) == sorted(
        ["4.2.1", "4.2.9", "4.3.1", "4.3.2", "4.3.7", "4.4.8", "4.4.9", "4.6.2"]
    )

    # A group spanning two territories, network-wide: its structures of both territories.
    spanning = groupes[0]
    members = [pk for pk, (_t, g) in membership.items() if g == spanning]
    assert {membership[pk][0] for pk in members} == {0, 7}
    scope = selectors.resolve_scope(
        network.user("federation"), {"campagne": campagne.pk, "groupe": spanning.pk}
    )
    result = selectors.consolidate(scope)
    criteria_mean, themes_mean = expected(members)
    by_code = {d["code"]: d for d in result["module"]["definitions"]}
    assert result["bilans"]["soumis"] == len(members)
    assert by_code["moyenne_criteres"]["declare"] == pytest.approx(criteria_mean)
    assert by_code["moyenne_themes"]["declare"] == pytest.approx(themes_mean)

    # The pilot of territory 7 reads the same group for their own structures only.
    own = [pk for pk in members if membership[pk][0] == 7]
    scope = selectors.resolve_scope(
        network.user("pilote"), {"campagne": campagne.pk, "groupe": spanning.pk}
    )
    assert scope.territoire == territoires[7]
    result = selectors.consolidate(scope)
    criteria_mean, themes_mean = expected(own)
    assert result["bilans"]["soumis"] == len(own)
    by_code = {d["code"]: d for d in result["module"]["definitions"]}
    assert by_code["moyenne_criteres"]["declare"] == pytest.approx(criteria_mean)
    assert by_code["moyenne_themes"]["declare"] == pytest.approx(themes_mean)
    # Territory 7's drill-down lists the group of territory 0 its structures belong to.
    detail = selectors.drill_down(selectors.Scope(campagne=campagne, territoire=territoires[7]))
    assert [(d["nom"], d["bilans"]) for d in detail] == [("Groupe 0", len(own))]


def test_a_pilot_cannot_read_a_group_without_structures_of_theirs(network, deck_network):
    from django.http import Http404

    _territoires, groupes, _structures, _membership = deck_network
    campagne = Campagne.objects.create(
        libelle="S1 2017",
        semestre=1,
        annee=2017,
        echeance=datetime.date(2017, 7, 10),
        ouverte_par=network.user("federation"),
    )
    with pytest.raises(Http404):
        selectors.resolve_scope(
            network.user("pilote"), {"campagne": campagne.pk, "groupe": groupes[3].pk}
        )
