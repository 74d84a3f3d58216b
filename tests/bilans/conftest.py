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
    """The reviews' frame (a draft: the tests write self-diagnoses directly), by code."""

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
            publish=False,
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
    frame: Frame,
    declared: dict[str, str],
    confirmed: dict[str, str] | None = None,
    *,
    annee: int = 2016,
    statut: str = "confirme",
):
    """In the current schema: a self-diagnosis with the given values per criterion code."""
    from accompagnement.diagnostics.models import Autodiagnostic, Confirmation, Reponse

    autodiagnostic = Autodiagnostic.objects.create(
        version=frame.version, annee=annee, statut=statut
    )
    for code, valeur in declared.items():
        reponse = Reponse.objects.create(
            autodiagnostic=autodiagnostic,
            critere=frame.criteres[code],
            valeur=frame.valeurs[valeur],
        )
        if confirmed and code in confirmed:
            Confirmation.objects.create(reponse=reponse, valeur=frame.valeurs[confirmed[code]])
    return autodiagnostic
