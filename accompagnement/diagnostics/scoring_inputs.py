"""The one selector that builds scoring inputs (``scoring.CriterionInput``) from the
database, for every reader: the answer, confirmation and score pages, the API, the
structure's history, the level ladder of the services and the review figures.

A frame version's shape (its criteria with their ancestors and flags, its nodes) is read
once per version; a published or archived version never changes, so its shape is kept in
process memory. The answers of any number of self-diagnoses are read in one query.

Criteria counted for a self-diagnosis: every criterion that has an answer row (one per
applicable criterion is created when the self-diagnosis opens), plus, when the
structure's type is given, every criterion of the version that applies to it (an
applicable criterion without an answer row counts as unanswered).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from accompagnement.diagnostics.models import Autodiagnostic, Reponse
from accompagnement.diagnostics.scoring import Cotation, CriterionInput
from referentiels.models import Critere, Noeud, ReferentielVersion
from tenants.models import Structure


@dataclass(frozen=True)
class NodeShape:
    pk: int
    code: str
    titre: str
    type: str
    parent_id: int | None
    depth: int  # 0 for a theme (root node)
    ordre: int


@dataclass(frozen=True)
class CritereShape:
    pk: int
    code: str
    titre: str
    theme_id: int
    niveau: int | None
    imperatif: bool
    effectivite: bool
    applicabilite: tuple[str, ...]
    noeuds: tuple[int, ...]  # ancestors, root first, down to the criterion's node

    def applies_to(self, structure_type: str | None) -> bool:
        return (
            not self.applicabilite
            or structure_type is None
            or (structure_type in self.applicabilite)
        )


@dataclass(frozen=True)
class FrameShape:
    """A frame version's tree as the scoring needs it, in the frame's order."""

    version_id: int
    nodes: dict[int, NodeShape]
    criteres: dict[int, CritereShape]

    def nodes_in_order(self) -> list[NodeShape]:
        """Depth-first, by ``ordre`` at each level (the order of the frame's tree)."""
        children: dict[int | None, list[NodeShape]] = defaultdict(list)
        for node in self.nodes.values():
            children[node.parent_id].append(node)
        ordered: list[NodeShape] = []

        def walk(parent: int | None) -> None:
            for node in sorted(children.get(parent, []), key=lambda n: (n.ordre, n.pk)):
                ordered.append(node)
                walk(node.pk)

        walk(None)
        return ordered

    @property
    def themes(self) -> list[NodeShape]:
        return [node for node in self.nodes_in_order() if node.parent_id is None]

    @property
    def imperatifs(self) -> int:
        return sum(1 for critere in self.criteres.values() if critere.imperatif)

    def effectivite_codes(self) -> list[str]:
        return [c.code for c in self.criteres.values() if c.effectivite]


def _read_shape(version_id: int) -> FrameShape:
    rows = list(
        Noeud.objects.filter(version_id=version_id).values_list(
            "pk", "code", "titre", "type", "parent_id", "ordre"
        )
    )
    parents = {pk: parent for pk, _code, _titre, _type, parent, _ordre in rows}

    def path(pk: int) -> tuple[int, ...]:
        chain: list[int] = []
        current: int | None = pk
        while current is not None and len(chain) <= len(parents):
            chain.append(current)
            current = parents.get(current)
        return tuple(reversed(chain))

    paths = {pk: path(pk) for pk in parents}
    nodes = {
        pk: NodeShape(pk, code, titre, kind, parent, len(paths[pk]) - 1, ordre)
        for pk, code, titre, kind, parent, ordre in rows
    }
    criteres = {
        pk: CritereShape(
            pk=pk,
            code=code,
            titre=titre,
            theme_id=theme_id,
            niveau=niveau,
            imperatif=imperatif,
            effectivite=effectivite,
            applicabilite=tuple(applicabilite or ()),
            noeuds=paths.get(noeud_id, (theme_id,)),
        )
        for pk, code, titre, theme_id, noeud_id, niveau, imperatif, effectivite, applicabilite in (
            Critere.objects.filter(version_id=version_id)
            .order_by("ordre", "pk")
            .values_list(
                "pk",
                "code",
                "titre",
                "theme_id",
                "noeud_id",
                "niveau",
                "imperatif",
                "indicateur_effectivite",
                "applicabilite",
            )
        )
    }
    return FrameShape(version_id, nodes, criteres)


@lru_cache(maxsize=64)
def _frozen_shape(version_id: int) -> FrameShape:
    return _read_shape(version_id)


def frame_shape(version: ReferentielVersion) -> FrameShape:
    """The shape of a version (kept in memory once the version is published or archived)."""
    if version.statut != ReferentielVersion.Statut.BROUILLON:
        return _frozen_shape(version.pk)
    return _read_shape(version.pk)


def ladder_on(autodiagnostic: Autodiagnostic, structure: Structure | None) -> bool:
    """The level ladder applies when the frame version asks for it (``echelle_par_niveau``
    option) or when ``structure`` turned it on for itself (``Structure.echelle_par_niveau``;
    the services give their structure, the pages' reads the request's tenant)."""
    return autodiagnostic.version.level_ladder or bool(
        getattr(structure, "echelle_par_niveau", False)
    )


def _cotation(poids, exclue) -> Cotation | None:
    return None if poids is None else Cotation(float(poids), bool(exclue))


def criterion_input(
    shape: FrameShape,
    critere: CritereShape,
    declared: Cotation | None,
    confirmed: Cotation | None,
    *,
    by_code: bool = False,
) -> CriterionInput:
    """One criterion's scoring input, keyed by ids (pages, API) or by codes (review figures
    and snapshots, readable across versions and schemas)."""
    if by_code:
        nodes = tuple(shape.nodes[pk].code for pk in critere.noeuds if pk in shape.nodes)
        return CriterionInput(
            critere=critere.code,
            theme=shape.nodes[critere.theme_id].code,
            niveau=critere.niveau,
            declared=declared,
            confirmed=confirmed,
            noeuds=nodes,
            imperatif=critere.imperatif,
            effectivite=critere.effectivite,
        )
    return CriterionInput(
        critere=critere.pk,
        theme=critere.theme_id,
        niveau=critere.niveau,
        declared=declared,
        confirmed=confirmed,
        noeuds=critere.noeuds,
        imperatif=critere.imperatif,
        effectivite=critere.effectivite,
    )


def scoring_inputs(
    autodiagnostics: Iterable[Autodiagnostic],
    *,
    structure_type: str | None = None,
    by_code: bool = False,
) -> dict[int, list[CriterionInput]]:
    """Per self-diagnosis id, its criteria's declared and confirmed values, in the frame's
    order: one query for the answers of all the self-diagnoses, plus the versions' shapes
    (cached once published)."""
    autodiagnostics = list(autodiagnostics)
    if not autodiagnostics:
        return {}
    shapes: dict[int, FrameShape] = {}
    for autodiagnostic in autodiagnostics:
        if autodiagnostic.version_id not in shapes:
            shapes[autodiagnostic.version_id] = frame_shape(autodiagnostic.version)
    answers: dict[int, dict[int, tuple[Cotation | None, Cotation | None]]] = defaultdict(dict)
    for ad_id, critere_id, d_poids, d_exclue, c_poids, c_exclue in Reponse.objects.filter(
        autodiagnostic__in=[a.pk for a in autodiagnostics]
    ).values_list(
        "autodiagnostic_id",
        "critere_id",
        "valeur__poids",
        "valeur__exclue",
        "confirmation__valeur__poids",
        "confirmation__valeur__exclue",
    ):
        answers[ad_id][critere_id] = (_cotation(d_poids, d_exclue), _cotation(c_poids, c_exclue))
    result: dict[int, list[CriterionInput]] = {}
    for autodiagnostic in autodiagnostics:
        shape = shapes[autodiagnostic.version_id]
        own = answers.get(autodiagnostic.pk, {})
        result[autodiagnostic.pk] = [
            criterion_input(shape, critere, *own.get(pk, (None, None)), by_code=by_code)
            for pk, critere in shape.criteres.items()
            if pk in own or (structure_type is not None and critere.applies_to(structure_type))
        ]
    return result


def inputs_of(autodiagnostic: Autodiagnostic, **kwargs) -> list[CriterionInput]:
    """The scoring inputs of one self-diagnosis (see ``scoring_inputs``)."""
    return scoring_inputs([autodiagnostic], **kwargs)[autodiagnostic.pk]
