"""Reads of the quality registers."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from django.shortcuts import get_object_or_404

from accompagnement.registres.models import Reclamation
from accompagnement.registres.registry import Registre


def register_entries(registre: Registre) -> QuerySet[Any]:
    queryset: QuerySet[Any] = registre.model._default_manager.all()
    if registre.slug == "evenements":
        queryset = queryset.prefetch_related("actions")
    return queryset


def register_entry(registre: Registre, pk: int) -> Model:
    """One entry of the current structure's register (404 when missing)."""
    entry: Model = get_object_or_404(register_entries(registre), pk=pk)
    return entry


def complaints_year_to_date(today: datetime.date) -> tuple[int, int]:
    """Complaints received from 1 January to ``today``, this year and over the same period
    of last year (29 February counts as 28 February), in one query."""
    last_year_end = (
        today.replace(year=today.year - 1, day=28)
        if (today.month, today.day) == (2, 29)
        else today.replace(year=today.year - 1)
    )
    figures = Reclamation.objects.aggregate(
        this_year=Count("pk", filter=Q(date__gte=today.replace(month=1, day=1), date__lte=today)),
        last_year=Count(
            "pk",
            filter=Q(date__gte=last_year_end.replace(month=1, day=1), date__lte=last_year_end),
        ),
    )
    return figures["this_year"], figures["last_year"]
