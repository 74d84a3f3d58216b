"""The structure review workflow, declared once: brouillon → soumis, never back (a submitted
review is frozen in the snapshot store). ``BILAN`` (``core.workflow``) is the only code
that sets ``BilanStructure.statut``; each move is logged (``BilanStructureTransition``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from accompagnement.bilans.models import BilanStructure, BilanStructureTransition
from accompagnement.reporting.errors import ReportingError
from accompagnement.reporting.workflow import review_refusal
from core.errors import CommonError
from core.workflow import Move, Stamp, Workflow
from tenants import access

Statut = BilanStructure.Statut


BILAN = Workflow(
    "bilans.bilan_structure",
    states=Statut,
    log_model=BilanStructureTransition,
    log_field="bilan",
    moves=[
        Move(
            "submit",
            {Statut.BROUILLON},
            Statut.SOUMIS,
            gettext_lazy("Soumettre le bilan"),
            access.can_submit_bilan_structure,
            stamp=Stamp(at="submitted_at", by="submitted_by"),
        )
    ],
    errors={CommonError.TRANSITION_NOT_ALLOWED: ReportingError.ALREADY_SUBMITTED},
    refusal=review_refusal,
)
