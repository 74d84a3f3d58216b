"""Fixtures of the reviews tests: a small frame (2 themes × 2 levels), a campaign, and
helpers writing a structure's self-diagnosis and registers."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from accompagnement.reporting.models import Campagne
from referentiels.models import (
    Critere,
    EchelleCotation,
    Noeud,
    Referentiel,
    ReferentielVersion,
    ValeurEchelle,
)

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
    def __init__(self):
        referentiel = Referentiel.objects.create(code="module-test", titre="Module test")
        self.version = ReferentielVersion.objects.create(referentiel=referentiel, numero="1")
        echelle = EchelleCotation.objects.create(
            version=self.version, code="c", libelle="Conformité"
        )
        self.valeurs = {
            code: ValeurEchelle.objects.create(
                echelle=echelle,
                code=code,
                libelle=code,
                poids=Decimal(poids),
                exclue=exclue,
                ordre=i,
            )
            for i, (code, poids, exclue) in enumerate(
                [("C", "1", False), ("PC", "0.5", False), ("NC", "0", False), ("NA", "0", True)]
            )
        }
        self.themes = {
            code: Noeud.objects.create(
                version=self.version,
                type="theme",
                code=code,
                titre=f"Thème {code}",
                urn=f"t:{code}",
                ordre=i,
            )
            for i, code in enumerate(["4.2", "4.3"])
        }
        self.criteres = {
            code: Critere.objects.create(
                version=self.version,
                noeud=self.themes[theme],
                theme=self.themes[theme],
                code=code,
                titre=code,
                niveau=niveau,
                urn=f"c:{code}",
                ordre=i,
                indicateur_effectivite=code in EFFECTIVITE,
            )
            for i, (code, theme, niveau) in enumerate(CRITERES)
        }


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
