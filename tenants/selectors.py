"""Reads of the network: what a person may open, with the related rows fetched once."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tenants import access
from tenants.models import Structure


def structures_for_person(user: Any) -> QuerySet[Structure]:
    """'Mes structures': every structure the person may open, with its territory."""
    return (
        access.structures_visible_to(user)
        .select_related("territoire")
        .prefetch_related("groupes")
        .order_by("territoire__nom", "nom")
    )


def filter_structures(structures: QuerySet[Structure], params: Any) -> QuerySet[Structure]:
    """The structures list's filters: ``q`` (name, FINESS or city), ``territoire`` (id),
    ``type``; unknown values filter nothing out rather than fail."""
    q = (params.get("q") or "").strip()
    if q:
        structures = structures.filter(
            Q(nom__icontains=q) | Q(finess__startswith=q) | Q(ville__icontains=q)
        )
    territoire = params.get("territoire") or ""
    if territoire.isdigit():
        structures = structures.filter(territoire_id=int(territoire))
    if params.get("type") in Structure.Type.values:
        structures = structures.filter(type=params["type"])
    return structures


def structures_worked_in(user: Any) -> QuerySet[Structure]:
    """The structures where the person holds a staff role (director, référent, contributor,
    reader), by name: their home page lists these structures' to-dos."""
    return Structure.objects.reelles().filter(memberships__user=user).order_by("nom")
