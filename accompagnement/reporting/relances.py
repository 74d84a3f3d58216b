"""A campaign seen by its pilot: who has submitted, who has not, and reminders — the
automatic ones (``services.send_campaign_reminders``, J-7 and J+1) and the pilot's
"relancer", sent once a day per structure at most. Every reminder is an outbox message
keyed ``campagne-relance:<campaign>:<structure>:<step>``: that key is the reminders' log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accompagnement.reporting import selectors, services
from accompagnement.reporting.models import Campagne, InstantaneBilan
from core.errors import BusinessError
from core.models import OutboxMessage
from core.outbox import enqueue_email
from tenants import access
from tenants.models import Membership, Structure, Territoire

STEP_LABELS = {
    "j-7": gettext_lazy("automatique, 7 jours avant l'échéance"),
    "j+1": gettext_lazy("automatique, au lendemain de l'échéance"),
    "manuelle": gettext_lazy("relance du pilote"),
}


def _key_prefix(campagne: Campagne) -> str:
    return f"campagne-relance:{campagne.pk}:"


@dataclass(frozen=True)
class Line:
    structure: Structure
    soumis_le: datetime.datetime | None
    en_retard: bool


def situation(scope: selectors.Scope) -> list[Line]:
    """Every expected structure of the scope with its submission (two queries)."""
    rows = scope.structures().order_by("nom")
    submitted = {
        s.structure_id: s
        for s in InstantaneBilan.objects.filter(campagne=scope.campagne).only(
            "structure_id", "soumis_le", "en_retard"
        )
    }
    late = timezone.localdate() > scope.campagne.echeance
    lines = []
    for structure in rows:
        snapshot = submitted.get(structure.pk)
        lines.append(
            Line(
                structure,
                snapshot.soumis_le if snapshot else None,
                snapshot.en_retard if snapshot else late,
            )
        )
    return lines


def history(scope: selectors.Scope) -> list[dict]:
    """The reminders sent for the scope's structures, newest first."""
    names = dict(scope.structures().values_list("pk", "nom"))
    entries = []
    for message in OutboxMessage.objects.filter(
        key__startswith=_key_prefix(scope.campagne)
    ).order_by("-created_at"):
        _prefix, _campagne, structure_id, step, *_rest = message.key.split(":")
        if int(structure_id) not in names:
            continue
        entries.append(
            {
                "at": message.created_at,
                "structure": names[int(structure_id)],
                "step": str(STEP_LABELS.get(step, step)),
                "destinataires": len(message.payload.get("to", [])),
                "envoye": message.sent_at is not None,
            }
        )
    return entries


def remind_now(*, campagne: Campagne, territoire: Territoire | None, user) -> int:
    """The pilot's (or federation admin's) "relancer": one e-mail to the directors and
    référents of each structure of the scope that has not submitted, at most once a day
    per structure (the outbox key). Returns how many e-mails were queued."""
    if not access.can_view_consolidation(user, territoire):
        raise BusinessError("forbidden", _("Vous n'avez pas le droit de relancer."), status=403)
    scope = selectors.Scope(campagne=campagne, territoire=territoire)
    today = timezone.localdate()
    pending = [line.structure for line in situation(scope) if line.soumis_le is None]
    recipients: dict[int, list[str]] = {}
    for structure_id, email in Membership.objects.filter(
        structure__in=pending,
        role__in=[Membership.Role.DIRECTEUR, Membership.Role.REFERENT],
        user__is_active=True,
    ).values_list("structure_id", "user__email"):
        recipients.setdefault(structure_id, []).append(email)
    step = "j-7" if today <= campagne.echeance else "j+1"
    sent = 0
    with transaction.atomic():
        for structure in pending:
            message = enqueue_email(
                key=f"{_key_prefix(campagne)}{structure.pk}:manuelle:{today.isoformat()}",
                to=recipients.get(structure.pk, []),
                subject=_("Relance : bilan semestriel %(campagne)s à remettre")
                % {"campagne": campagne.libelle},
                body=services._reminder_body(campagne, structure, step),
            )
            sent += message is not None
    return sent
