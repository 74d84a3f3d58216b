"""Fixtures of the reviews tests: a small frame (2 themes × 2 levels), a campaign, and
helpers writing a structure's self-diagnosis and registers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from accompagnement.reporting.models import Campagne
from tests.factories import CritereSpec, build_frame_from, new_referentiel

# code, theme, level
CRITERES = [
    ("4.2.1", "4.2", 1),
    ("4.2.9", "4.2", 1),
    ("4.2.5", "4.2", 2),
    ("4.3.1", "4.3", 1),
    ("4.3.2", "4.3", 2),
    ("4.3.7", "4.3", 2),
]

# The criteria this frame flags as effectivité indicators (the deck's codes among them).
EFFECTIVITE = ("4.2.1", "4.2.9", "4.3.1", "4.3.2", "4.3.7")


class Frame:
    """The reviews' frame (published: self-diagnoses are answered on it), by code."""

    def __init__(self):
        themes: dict[str, list[CritereSpec]] = {}
        for code, theme, niveau in CRITERES:
            themes.setdefault(theme, []).append(
                CritereSpec(code, niveau, {"indicateur_effectivite": code in EFFECTIVITE})
            )
        built = build_frame_from(
            list(themes.items()),
            scale=[
                ("C", "C", Decimal("1"), False, False),
                ("PC", "PC", Decimal("0.5"), False, False),
                ("NC", "NC", Decimal("0"), False, False),
                ("NA", "NA", Decimal("0"), True, False),
            ],
            options={},
            referentiel=new_referentiel("module-test"),
            publish=True,
            objectives=False,
        )
        self.version = built.version
        self.valeurs = built.valeurs
        self.themes = {theme.code: theme for theme in built.themes}
        self.criteres = {critere.code: critere for critere in built.criteres}


@pytest.fixture
def frame(db) -> Frame:
    return Frame()


@pytest.fixture
def campagne(network) -> Campagne:
    return Campagne.objects.create(
        libelle="S2 2016",
        semestre=2,
        annee=2016,
        echeance=datetime.date(2017, 1, 10),
        ouverte_par=network.user("federation"),
    )


def write_autodiagnostic(
    network,
    frame: Frame,
    declared: dict[str, str],
    confirmed: dict[str, str] | None = None,
    *,
    annee: int = 2016,
):
    """In the structure's schema, through the diagnostics services: the référent answers
    ``declared`` (value code per criterion code) and submits; the expert confirms
    ``confirmed`` (a differing value with a comment) and finishes the confirmation when
    every answer is confirmed (otherwise it stays submitted, confirmation in progress)."""
    from accompagnement.diagnostics import services

    referent, expert = network.user("referent"), network.user("expert")
    autodiagnostic = services.create_autodiagnostic(
        structure=network.structure,
        version=frame.version,
        annee=annee,
        user=referent,
        copy_previous=False,
    )
    reponses = {r.critere.code: r for r in autodiagnostic.reponses.select_related("critere")}
    for code, valeur in declared.items():
        reponse = reponses[code]
        services.save_answer(
            structure=network.structure,
            reponse=reponse,
            valeur=valeur,
            commentaire="",
            expected_revision=reponse.revision,
            user=referent,
        )
    services.submit_autodiagnostic(
        structure=network.structure, autodiagnostic=autodiagnostic, user=referent
    )
    confirmed = confirmed or {}
    for code, valeur in confirmed.items():
        services.confirm_criterion(
            structure=network.structure,
            reponse=reponses[code],
            expert=expert,
            valeur=valeur,
            commentaire="" if valeur == declared[code] else "Écart constaté sur pièces.",
        )
    if set(confirmed) == set(declared):
        services.finish_confirmation(
            structure=network.structure, autodiagnostic=autodiagnostic, user=expert
        )
    autodiagnostic.refresh_from_db()
    return autodiagnostic
