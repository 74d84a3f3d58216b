"""The territorial review workflow, declared once: brouillon → soumis, never back.
``BILAN_TERRITOIRE`` (``core.workflow``) is the only code that sets
``BilanTerritoire.statut``; each move is logged (``BilanTerritoireTransition``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accompagnement.reporting.errors import ReportingError
from accompagnement.reporting.models import BilanTerritoire, BilanTerritoireTransition
from core.errors import CommonError
from core.workflow import Move, Stamp, Workflow
from tenants import access

Statut = BilanTerritoire.Statut


def review_refusal(source: str, target: str) -> str:
    """The message of a refused move of a review (structure or territory): the only move
    is the submission, so a refused one is a review already submitted."""
    if source == "soumis":
        return _("Ce bilan est déjà soumis.")
    return _("Changement de statut impossible.")


BILAN_TERRITOIRE = Workflow(
    "reporting.bilan_territoire",
    states=Statut,
    log_model=BilanTerritoireTransition,
    log_field="bilan",
    moves=[
        Move(
            "submit",
            {Statut.BROUILLON},
            Statut.SOUMIS,
            gettext_lazy("Soumettre le bilan"),
            # the structure argument of the rule is the review's territory
            access.can_edit_bilan_territoire,
            stamp=Stamp(at="submitted_at", by="submitted_by"),
        )
    ],
    errors={CommonError.TRANSITION_NOT_ALLOWED: ReportingError.ALREADY_SUBMITTED},
    refusal=review_refusal,
)
