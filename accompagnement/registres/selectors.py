"""Reads of the quality registers."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from accompagnement.registres.registry import Registre


def register_entries(registre: Registre) -> QuerySet:
    queryset = registre.model.objects.all()
    if registre.slug == "evenements":
        queryset = queryset.prefetch_related("actions")
    return queryset


def register_entry(registre: Registre, pk: int) -> Model:
    """One entry of the current structure's register (404 when missing)."""
    return get_object_or_404(register_entries(registre), pk=pk)
