"""Deliverables: reads for pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery

from accompagnement.groupes.models import SoumissionLivrable
from accompagnement.livrables.models import Livrable, LivrableTransition, LivrableVersion
from tenants.models import Structure


def livrables_of_structure() -> QuerySet[Livrable]:
    """The current schema's deliverables with their versions (newest first)."""
    return Livrable.objects.select_related("type_livrable").prefetch_related(
        Prefetch("versions", queryset=LivrableVersion.objects.order_by("-numero"))
    )


def current_status_counts() -> dict[str, int]:
    """How many deliverables stand at each status, judged on their latest version (a
    version sent back and already replaced by a new one is no longer "à reprendre");
    one query."""
    latest = LivrableVersion.objects.filter(livrable=OuterRef("pk")).order_by("-numero")
    return dict(
        Livrable.objects.annotate(statut_courant=Subquery(latest.values("statut")[:1]))
        .exclude(statut_courant=None)
        .values_list("statut_courant")
        .annotate(n=Count("pk"))
        .values_list("statut_courant", "n")
    )


def livrable_history(livrable: Livrable) -> QuerySet[LivrableVersion]:
    """Every version of a deliverable with its transitions (who, when, from, to, comment)."""
    return (
        livrable.versions.select_related("uploaded_by", "decided_by")
        .prefetch_related(
            Prefetch("transitions", queryset=LivrableTransition.objects.select_related("user"))
        )
        .order_by("-numero")
    )


def finalised_tools(structure: Structure) -> list[dict[str, Any]]:
    """The structure's validated deliverables ("outils finalisés" of the semi-annual review):
    the latest validated version of each deliverable, read from the public index (no
    schema switch), ordered by type."""
    rows = (
        SoumissionLivrable.objects.filter(
            structure=structure, statut=SoumissionLivrable.Statut.VALIDE
        )
        .select_related("type_livrable")
        .order_by("type_livrable__ordre", "livrable_id", "-numero")
    )
    tools: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row.livrable_id in tools:
            continue
        tools[row.livrable_id] = {
            "livrable_id": row.livrable_id,
            "titre": row.titre,
            "type_code": row.type_livrable.code,
            "type_libelle": row.type_livrable.libelle,
            "critere_code": row.type_livrable.critere_code,
            "version": row.numero,
            "valide_le": row.decided_at,
        }
    return list(tools.values())
