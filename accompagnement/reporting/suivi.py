"""The public index of self-diagnoses (``reporting.SuiviAutodiagnostic``): one row per
self-diagnosis with its status and counts, written in the same transaction as the change
in the structure's schema, so network pages (the expert's home and queue) never loop over
schemas. ``record`` is subscribed to the self-diagnosis workflow
(``diagnostics.workflow.AUTODIAGNOSTIC``) in ``apps.py``: it runs after every status change
and creation, and after each confirmation (the confirmation service notifies the workflow's
subscribers), so the diagnostics app never imports this one."""

from __future__ import annotations

from django.db.models import Count, Q

from accompagnement.diagnostics.models import Autodiagnostic, Reponse
from accompagnement.reporting.models import SuiviAutodiagnostic
from tenants.models import Structure


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
