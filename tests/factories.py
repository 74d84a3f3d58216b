"""The one builder of test frames, through the referentiels services (never rows by hand).

``build_frame(shape)`` creates a frame version with the usual scale (C 1, PC 0.5, NC 0 with
a required comment, NA excluded) and, per theme, one objective per level holding that
level's criteria, then publishes it through the workflow (as the system actor).
``build_frame_from(themes)`` takes explicit criterion codes instead of a shape.
``build_next_version`` copies the last published version (``create_next_version``: urns
kept, mapped criterion by criterion) and can leave one criterion unmapped.
``MODULE_49`` is the shape of the module "Réalisation des prestations".

The network's people and places are factory-boy factories: ``UserFactory`` (through the
manager's ``create_user``: a hashed password), ``TerritoireFactory``,
``GroupeTravailFactory`` and ``StructureFactory`` (through ``tenants.services
.create_structure``: the structure's schema is provisioned).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from core.actors import SYSTEM
from referentiels import services
from referentiels.models import Critere, Noeud, Referentiel, ReferentielVersion, ValeurEchelle
from tenants import services as tenant_services
from tenants.models import GroupeTravail, Structure, Territoire, User

PASSWORD = "mot-de-passe-de-test-42"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"personne{n}@test.example")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)


class TerritoireFactory(DjangoModelFactory):
    class Meta:
        model = Territoire

    code = factory.Sequence(lambda n: f"ut-{n}")
    nom = factory.Sequence(lambda n: f"UT {n}")


class GroupeTravailFactory(DjangoModelFactory):
    class Meta:
        model = GroupeTravail

    territoire = factory.SubFactory(TerritoireFactory)
    nom = factory.Sequence(lambda n: f"Groupe {n}")


class StructureFactory(factory.Factory):
    class Meta:
        model = Structure

    nom = factory.Sequence(lambda n: f"Structure {n}")
    slug = factory.Sequence(lambda n: f"structure-{n}")
    type = Structure.Type.SAAD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return tenant_services.create_structure(**kwargs)


# (level-1 criteria, level-2 criteria) per theme: 49 criteria, as in the sample module.
MODULE_49 = [(3, 3), (9, 3), (7, 3), (5, 4), (3, 3), (3, 3)]
# code, label, weight, excluded, comment required
SCALE = [
    ("C", "Conforme", Decimal("1"), False, False),
    ("PC", "Partiellement conforme", Decimal("0.5"), False, False),
    ("NC", "Non conforme", Decimal("0"), False, True),
    ("NA", "Non applicable", Decimal("0"), True, False),
]
DEFAULT_OPTIONS = {"commentaire_obligatoire_non_conforme": True}


@dataclass(frozen=True)
class CritereSpec:
    code: str
    niveau: int = 1
    fields: dict[str, Any] = field(default_factory=dict)  # e.g. indicateur_effectivite


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


def new_referentiel(code: str | None = None) -> Referentiel:
    code = code or f"test-{uuid.uuid4().hex[:8]}"
    return services.create_referentiel(code=code, titre=f"Référentiel {code}")


def build_frame_from(
    themes: Sequence[tuple[str, Iterable[CritereSpec]]],
    *,
    scale: Sequence[tuple[str, str, Decimal, bool, bool]] = SCALE,
    options: dict | None = None,
    referentiel: Referentiel | None = None,
    numero: str = "1",
    publish: bool = True,
    objectives: bool = True,
) -> Frame:
    """A frame with the given themes and criteria; with ``objectives`` each theme holds one
    objective per level (code ``<theme>-N<level>``), otherwise criteria sit on the theme."""
    referentiel = referentiel or new_referentiel()
    version = services.create_draft(
        referentiel=referentiel, numero=numero, types_noeuds=["theme", "objectif"]
    )
    services.update_draft(
        version=version,
        libelle=version.libelle,
        options=DEFAULT_OPTIONS if options is None else options,
    )
    services.set_echelle(
        version=version,
        code="conformite",
        libelle="Conformité",
        valeurs=[
            {
                "code": code,
                "libelle": libelle,
                "poids": poids,
                "exclue": exclue,
                "commentaire_obligatoire": obligatoire,
            }
            for code, libelle, poids, exclue, obligatoire in scale
        ],
    )
    frame = Frame(version=version, valeurs={}, themes=[])
    for theme_code, criteres in themes:
        theme = services.save_noeud(
            version=version, code=theme_code, type="theme", titre=f"Thème {theme_code}"
        )
        frame.themes.append(theme)
        parents: dict[int, Noeud] = {}
        for spec in criteres:
            parent = theme
            if objectives:
                if spec.niveau not in parents:
                    parents[spec.niveau] = services.save_noeud(
                        version=version,
                        code=f"{theme_code}-N{spec.niveau}",
                        type="objectif",
                        titre=f"Objectif {theme_code} niveau {spec.niveau}",
                        parent=theme,
                        niveau=spec.niveau,
                    )
                parent = parents[spec.niveau]
            frame.criteres.append(
                services.save_critere(
                    version=version,
                    noeud=parent,
                    code=spec.code,
                    titre=f"Critère {spec.code}",
                    explication=f"Explication du critère {spec.code}",
                    niveau=spec.niveau,
                    **spec.fields,
                )
            )
    if publish:
        services.publish_version(version=version, user=SYSTEM)
        version.refresh_from_db()
    frame.valeurs = {v.code: v for v in ValeurEchelle.objects.filter(echelle__version=version)}
    return frame


def build_frame(
    shape: list[tuple[int, int]] | None = None,
    *,
    options: dict | None = None,
    referentiel: Referentiel | None = None,
    numero: str = "1",
    publish: bool = True,
) -> Frame:
    """Themes ``4.1``, ``4.2``… with (level-1, level-2) criteria counts; criteria are
    numbered ``4.<theme>.<n>`` across levels."""
    themes = []
    for t_index, counts in enumerate(shape or [(2, 1), (1, 2)], start=1):
        specs, number = [], 0
        for niveau, count in enumerate(counts, start=1):
            for _ in range(count):
                number += 1
                specs.append(CritereSpec(f"4.{t_index}.{number}", niveau))
        themes.append((f"4.{t_index}", specs))
    return build_frame_from(
        themes,
        options={**DEFAULT_OPTIONS, **(options or {})},
        referentiel=referentiel,
        numero=numero,
        publish=publish,
    )


def build_next_version(frame: Frame, *, drop: str | None = None) -> Frame:
    """The next version of ``frame``'s referentiel, copied by the service (same urns, so each
    criterion is mapped to its copy) and published; ``drop``: that criterion is re-created
    under a new urn, so it has no mapping and its answer is not carried over."""
    referentiel = frame.version.referentiel
    version = services.create_next_version(referentiel=referentiel, numero="2")
    if drop is not None:
        old = Critere.objects.get(version=version, code=drop)
        noeud, niveau = old.noeud, old.niveau
        services.delete_critere(critere=old)
        # Created under another code (hence another urn, which never changes), then
        # renamed: same code as before, no mapping.
        new = services.save_critere(
            version=version, noeud=noeud, code=f"{drop}-nouveau", titre=drop, niveau=niveau
        )
        services.save_critere(
            version=version, noeud=noeud, code=drop, titre=drop, critere=new, niveau=niveau
        )
    services.publish_version(version=version, user=SYSTEM)
    version.refresh_from_db()
    criteres = list(Critere.objects.filter(version=version).order_by("ordre"))
    themes = list(Noeud.objects.filter(version=version, type="theme").order_by("ordre"))
    valeurs = {v.code: v for v in ValeurEchelle.objects.filter(echelle__version=version)}
    return Frame(version=version, valeurs=valeurs, themes=themes, criteres=criteres)
