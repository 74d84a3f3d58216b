"""Collective work reads: the expert's review queue, a group's page (collective plan with
each structure's status, meetings, participation), criteria to work on collectively."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django_tenants.utils import schema_context

from accompagnement.groupes import rates
from accompagnement.groupes.models import (
    ActionCollective,
    AdhesionGroupe,
    Emargement,
    ReunionCollective,
    SoumissionLivrable,
    SuiviActionCollective,
)
from tenants import access
from tenants.models import GroupeTravail, Structure


def review_queue(
    user: Any, *, type_code: str = "", territoire: int | None = None, groupe: int | None = None
) -> QuerySet[SoumissionLivrable]:
    """Submitted versions awaiting a decision in every structure the expert reviews, oldest
    first; one query whatever the number of structures (public index, no schema loop)."""
    qs = (
        SoumissionLivrable.objects.filter(
            decided_at__isnull=True, structure__in=access.structures_of_expert(user)
        )
        .select_related("structure", "structure__territoire", "type_livrable")
        .order_by("submitted_at", "pk")
    )
    if type_code:
        qs = qs.filter(type_livrable__code=type_code)
    if territoire:
        qs = qs.filter(structure__territoire_id=territoire)
    if groupe:
        qs = qs.filter(structure__groupes=groupe)
    return qs


def members(groupe: GroupeTravail) -> list[Structure]:
    return list(Structure.objects.reelles().filter(groupes=groupe).order_by("nom"))


@dataclass
class ParticipationTable:
    per_structure: list[tuple[Structure, rates.Participation]]
    groupe: rates.Participation


def participation(
    groupe: GroupeTravail, *, now: datetime.datetime | None = None
) -> ParticipationTable:
    """Participation rates of the group's structures and of the group (see ``rates``)."""
    now = now or timezone.now()
    structures = members(groupe)
    joined = dict(
        AdhesionGroupe.objects.filter(groupe=groupe).values_list("structure_id", "date_entree")
    )
    held = [
        (mid, timezone.localtime(day).date())
        for mid, day in ReunionCollective.objects.filter(
            groupe=groupe, annulee=False, date__lte=now
        ).values_list("pk", "date")
    ]
    attended: dict[int, set[int]] = defaultdict(set)
    for reunion_id, structure_id in Emargement.objects.filter(reunion__groupe=groupe).values_list(
        "reunion_id", "structure_id"
    ):
        attended[structure_id].add(reunion_id)
    parts = [
        (
            s,
            rates.structure_participation(
                meetings=held,
                joined=joined.get(s.pk, s.date_engagement),
                attended_ids=attended[s.pk],
            ),
        )
        for s in structures
    ]
    return ParticipationTable(
        per_structure=parts, groupe=rates.group_participation(p for _s, p in parts)
    )


def actions_collectives(groupe: GroupeTravail) -> list[ActionCollective]:
    """The collective plan with each structure's own status (from the follow-up table)."""
    return list(
        ActionCollective.objects.filter(groupe=groupe).prefetch_related(
            Prefetch(
                "suivis",
                queryset=SuiviActionCollective.objects.select_related("structure").order_by(
                    "structure__nom"
                ),
            )
        )
    )


def reunions(groupe: GroupeTravail) -> QuerySet[ReunionCollective]:
    return (
        ReunionCollective.objects.filter(groupe=groupe)
        .annotate(nb_presents=Count("emargements"))
        .order_by("date")
    )


def reunion_detail(reunion_id: int) -> ReunionCollective:
    return (
        ReunionCollective.objects.select_related("groupe", "groupe__territoire", "compte_rendu_par")
        .prefetch_related(
            "questions",
            "idees",
            "propositions__action_collective",
            "pieces_jointes",
            Prefetch(
                "emargements",
                queryset=Emargement.objects.select_related("structure").prefetch_related(
                    "personnes"
                ),
            ),
        )
        .get(pk=reunion_id)
    )


@dataclass
class CriterionProposal:
    critere_id: int
    code: str
    titre: str
    structures: list[str]
    deja_couvert: bool

    @property
    def count(self) -> int:
        return len(self.structures)


def non_conform_criteria(structure: Structure) -> set[int]:
    """Criteria the expert confirmed as not (fully) conform in the structure's latest
    confirmed self-diagnosis: confirmed value counted in the rate with a weight below 1."""
    from accompagnement.diagnostics.models import Autodiagnostic, Confirmation

    with schema_context(structure.schema_name):
        latest = (
            Autodiagnostic.objects.filter(reponses__confirmation__isnull=False)
            .order_by("-annee", "-created_at")
            .values_list("pk", flat=True)
            .first()
        )
        if latest is None:
            return set()
        return set(
            Confirmation.objects.filter(
                reponse__autodiagnostic_id=latest, valeur__exclue=False, valeur__poids__lt=1
            ).values_list("reponse__critere_id", flat=True)
        )


def propose_collective_criteria(
    groupe: GroupeTravail, *, limit: int = 10
) -> list[CriterionProposal]:
    """Criteria that most of the group's structures have as non-conform, ranked by how many
    structures (then by code); reads each member's schema (a group is a handful)."""
    from referentiels.models import Critere

    by_critere: dict[int, list[str]] = defaultdict(list)
    for structure in members(groupe):
        for critere_id in non_conform_criteria(structure):
            by_critere[critere_id].append(structure.nom)
    criteres = Critere.objects.in_bulk(list(by_critere))
    covered = {
        code
        for codes in ActionCollective.objects.filter(groupe=groupe).values_list(
            "criteres_codes", flat=True
        )
        for code in (codes or [])
    }
    proposals = [
        CriterionProposal(
            critere_id=cid,
            code=criteres[cid].code,
            titre=criteres[cid].titre,
            structures=sorted(names),
            deja_couvert=criteres[cid].code in covered,
        )
        for cid, names in by_critere.items()
        if cid in criteres
    ]
    proposals.sort(key=lambda p: (-p.count, p.code))
    return proposals[:limit]
