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
