"""Small frames for the self-diagnosis tests, built row by row (public schema tables).

``build_frame()`` creates a published version with the usual scale (C 1, PC 0.5, NC 0 with
a required comment, NA excluded) and themes × 2 levels of criteria;
``MODULE_49`` is the shape of the module "Réalisation des prestations".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from referentiels.models import (
    CorrespondanceCritere,
    Critere,
    EchelleCotation,
    Noeud,
    Referentiel,
    ReferentielVersion,
    ValeurEchelle,
)

# (level-1 criteria, level-2 criteria) per theme: 49 criteria, as in the sample module.
MODULE_49 = [(3, 3), (9, 3), (7, 3), (5, 4), (3, 3), (3, 3)]
SCALE = [
    ("C", "Conforme", Decimal("1"), False, False),
    ("PC", "Partiellement conforme", Decimal("0.5"), False, False),
    ("NC", "Non conforme", Decimal("0"), False, True),
    ("NA", "Non applicable", Decimal("0"), True, False),
]


@dataclass
class Frame:
    version: ReferentielVersion
    valeurs: dict[str, ValeurEchelle]
    themes: list[Noeud]
    criteres: list[Critere] = field(default_factory=list)

    def critere(self, code: str) -> Critere:
        return next(c for c in self.criteres if c.code == code)

    def of_level(self, theme_index: int, niveau: int) -> list[Critere]:
        theme = self.themes[theme_index]
        return [c for c in self.criteres if c.theme_id == theme.pk and c.niveau == niveau]


def build_frame(
    shape: list[tuple[int, int]] | None = None,
    *,
    options: dict | None = None,
    referentiel: Referentiel | None = None,
    numero: str = "1",
    publish: bool = True,
    urn_prefix: str | None = None,
) -> Frame:
    shape = shape or [(2, 1), (1, 2)]
    if referentiel is None:
        code = f"test-{uuid.uuid4().hex[:8]}"
        referentiel = Referentiel.objects.create(code=code, titre=f"Référentiel {code}")
    urn_prefix = urn_prefix or referentiel.code
    version = ReferentielVersion.objects.create(
        referentiel=referentiel,
        numero=numero,
        statut=ReferentielVersion.Statut.BROUILLON,
        options={"commentaire_obligatoire_non_conforme": True, **(options or {})},
        types_noeuds=["theme", "objectif"],
    )
    echelle = EchelleCotation.objects.create(
        version=version, code="conformite", libelle="Conformité"
    )
    valeurs = {
        code: ValeurEchelle.objects.create(
            echelle=echelle,
            code=code,
            libelle=libelle,
            poids=poids,
            exclue=exclue,
            commentaire_obligatoire=obligatoire,
            ordre=index,
        )
        for index, (code, libelle, poids, exclue, obligatoire) in enumerate(SCALE)
    }
    frame = Frame(version=version, valeurs=valeurs, themes=[])
    ordre = 0
    for t_index, counts in enumerate(shape, start=1):
        theme = Noeud.objects.create(
            version=version,
            type="theme",
            code=f"4.{t_index}",
            titre=f"Thème 4.{t_index}",
            ordre=t_index,
            urn=f"{urn_prefix}:4.{t_index}",
        )
        frame.themes.append(theme)
        number = 0
        for niveau, count in enumerate(counts, start=1):
            objectif = Noeud.objects.create(
                version=version,
                parent=theme,
                type="objectif",
                code=f"4.{t_index}-N{niveau}",
                titre=f"Objectif 4.{t_index} niveau {niveau}",
                niveau=niveau,
                ordre=niveau,
                urn=f"{urn_prefix}:4.{t_index}-N{niveau}",
            )
            for _ in range(count):
                number += 1
                ordre += 1
                code = f"4.{t_index}.{number}"
                frame.criteres.append(
                    Critere.objects.create(
                        version=version,
                        noeud=objectif,
                        theme=theme,
                        code=code,
                        niveau=niveau,
                        titre=f"Critère {code}",
                        explication=f"Explication du critère {code}",
                        ordre=ordre,
                        urn=f"{urn_prefix}:{code}",
                    )
                )
    if publish:
        publish_frame(frame.version)
    return frame


def publish_frame(version: ReferentielVersion) -> None:
    version.statut = ReferentielVersion.Statut.PUBLIE
    version.published_at = timezone.now()
    version.save(update_fields=["statut", "published_at"])


def build_next_version(frame: Frame, *, drop: str | None = None) -> Frame:
    """A second version of the same frame whose urns differ (so only the explicit mapping
    carries answers over), mapped criterion by criterion; ``drop`` leaves one code out."""
    shape = []
    for theme in frame.themes:
        shape.append(
            tuple(
                len([c for c in frame.criteres if c.theme_id == theme.pk and c.niveau == niveau])
                for niveau in (1, 2)
            )
        )
    new = build_frame(
        shape,
        referentiel=frame.version.referentiel,
        numero="2",
        publish=False,
        urn_prefix=f"{frame.version.referentiel.code}-v2",
    )
    new_by_code = {c.code: c for c in new.criteres}
    for old in frame.criteres:
        if old.code != drop:
            CorrespondanceCritere.objects.create(ancien=old, nouveau=new_by_code[old.code])
    publish_frame(new.version)
    return new
