"""The review workflows, declared once: structure review (``bilans.BilanStructure``) and
territorial review (``reporting.BilanTerritoire``) go draft → submitted, never back
(a submitted review is frozen in the snapshot store). ``apply_transition`` is the only
code that sets their ``statut``; it writes a transition log row (who, when, from, to)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement.reporting.errors import ReportingError
from core.errors import BusinessError

BROUILLON = "brouillon"
SOUMIS = "soumis"

# (from, to) -> name of the access rule checked by the caller's service
TRANSITIONS: dict[tuple[str, str], str] = {
    (BROUILLON, SOUMIS): "submit",
}


def apply_transition(
    *, obj: models.Model, to: str, user, log_model: type[models.Model], commentaire: str = ""
) -> None:
    """Move ``obj`` (with ``statut``, ``submitted_at``, ``submitted_by``) to ``to`` and log it."""
    current = obj.statut
    if (current, to) not in TRANSITIONS:
        raise BusinessError(
            ReportingError.ALREADY_SUBMITTED
            if current == SOUMIS
            else ReportingError.TRANSITION_NOT_ALLOWED,
            _("Ce bilan est déjà soumis.")
            if current == SOUMIS
            else _("Changement de statut impossible."),
            status=409,
        )
    obj.statut = to
    fields = ["statut"]
    if to == SOUMIS:
        obj.submitted_at = timezone.now()
        obj.submitted_by = user
        fields += ["submitted_at", "submitted_by"]
    obj.save(update_fields=fields)
    log_model.objects.create(
        bilan=obj, from_statut=current, to_statut=to, user=user, commentaire=commentaire
    )
