"""Reads of the network: what a person may open, with the related rows fetched once."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants import access
from tenants.models import Structure


def structures_for_person(user) -> QuerySet[Structure]:
    """'Mes structures': every structure the person may open, with its territory."""
    return (
        access.structures_visible_to(user)
        .select_related("territoire")
        .prefetch_related("groupes")
        .order_by("territoire__nom", "nom")
    )


def structures_worked_in(user) -> QuerySet[Structure]:
    """The structures where the person holds a staff role (director, référent, contributor,
    reader), by name: their home page lists these structures' to-dos."""
    return Structure.objects.reelles().filter(memberships__user=user).order_by("nom")
