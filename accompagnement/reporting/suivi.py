"""The public index of self-diagnoses (``reporting.SuiviAutodiagnostic``): one row per
self-diagnosis with its status and counts, written in the same transaction as the change
in the structure's schema, so network pages (the expert's home and queue) never loop over
schemas. ``record`` is subscribed to the self-diagnosis workflow
(``diagnostics.workflow.AUTODIAGNOSTIC``) in ``apps.py``: it runs after every status change
and creation, and after each confirmation (the confirmation service notifies the workflow's
subscribers), so the diagnostics app never imports this one. ``expert_queue`` reads it for
the expert's queue page and home to-dos (``views_queue``, ``hooks``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from accompagnement.diagnostics.models import Autodiagnostic, Reponse
from accompagnement.reporting.models import SuiviAutodiagnostic
from tenants import access
from tenants.models import Structure

Statut = Autodiagnostic.Statut


def record(autodiagnostic: Autodiagnostic, structure: Structure) -> None:
    """Write the index row from the self-diagnosis' current state (one count, one upsert)."""
    counts = Reponse.objects.filter(autodiagnostic_id=autodiagnostic.pk).aggregate(
        nb_criteres=Count("pk"), nb_confirmes=Count("pk", filter=Q(confirmation__isnull=False))
    )
    SuiviAutodiagnostic.objects.update_or_create(
        structure=structure,
        autodiagnostic_id=autodiagnostic.pk,
        defaults={
            "annee": autodiagnostic.annee,
            "statut": autodiagnostic.statut,
            "submitted_at": autodiagnostic.submitted_at,
            **counts,
        },
    )


@dataclass(frozen=True)
class QueueEntry:
    structure: Structure
    autodiagnostic_id: int
    annee: int
    statut: str
    statut_label: str
    submitted_at: Any
    nb_criteres: int
    nb_confirmes: int


QUEUE_STATUSES = (Statut.SOUMIS, Statut.REOUVERTURE_DEMANDEE)


def expert_queue(user: Any) -> list[QueueEntry]:
    """Submitted self-diagnoses (and reopening requests) of the expert's structures, from the
    index: one query whatever the number of structures followed, no schema switch."""
    rows = (
        SuiviAutodiagnostic.objects.filter(
            structure__in=access.structures_of_expert(user), statut__in=QUEUE_STATUSES
        )
        .select_related("structure")
        .order_by("structure__nom", "structure_id", "-annee", "-autodiagnostic_id")
    )
    return [
        QueueEntry(
            structure=row.structure,
            autodiagnostic_id=row.autodiagnostic_id,
            annee=row.annee,
            statut=row.statut,
            statut_label=str(Statut(row.statut).label),
            submitted_at=row.submitted_at,
            nb_criteres=row.nb_criteres,
            nb_confirmes=row.nb_confirmes,
        )
        for row in rows
    ]
