"""Reminders (Celery beat, daily): actions due soon or late, meetings coming, deliverables
waiting for the expert for more than N days. Each reminder is sent once per object and
step: the outbox's idempotency key names the object and the step (and the deadline, so a
moved deadline gets its own reminder)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from accompagnement.groupes.models import ReunionCollective, SoumissionLivrable
from core.outbox import enqueue_email
from tenants import access
from tenants.models import Membership, Structure, User


def _managers(structure: Structure) -> list[str]:
    return list(
        Membership.objects.filter(
            structure=structure, role__in=access.STAFF_MANAGE_ROLES, user__is_active=True
        ).values_list("user__email", flat=True)
    )


@transaction.atomic
def remind_meetings(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    horizon = now + datetime.timedelta(days=settings.REUNION_RAPPEL_JOURS)
    sent = 0
    for reunion in ReunionCollective.objects.filter(
        annulee=False, date__gt=now, date__lte=horizon
    ).select_related("groupe"):
        to = list(
            User.objects.filter(groupes_expertises=reunion.groupe).values_list("email", flat=True)
        )
        for structure in reunion.groupe.structures.all():
            to += _managers(structure)
        sent += (
            enqueue_email(
                key=f"rappel-reunion:{reunion.pk}:{reunion.date:%Y%m%d%H%M}",
                to=to,
                subject=_("Réunion du groupe %(g)s le %(d)s")
                % {
                    "g": reunion.groupe.nom,
                    "d": timezone.localtime(reunion.date).strftime("%d/%m/%Y %H:%M"),
                },
                body=_("Lieu : %(lieu)s\nThème : %(theme)s\n\n%(odj)s")
                % {"lieu": reunion.lieu, "theme": reunion.theme, "odj": reunion.ordre_du_jour},
            )
            is not None
        )
    return sent


@transaction.atomic
def remind_waiting_deliverables(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.LIVRABLE_RELANCE_JOURS)
    sent = 0
    waiting = SoumissionLivrable.objects.filter(
        decided_at__isnull=True, submitted_at__lt=limit
    ).select_related("structure")
    for item in waiting:
        to = list(
            User.objects.filter(groupes_expertises__structures=item.structure).values_list(
                "email", flat=True
            )
        )
        to += list(
            User.objects.filter(affectations_expert__structure=item.structure).values_list(
                "email", flat=True
            )
        )
        sent += (
            enqueue_email(
                key=f"relance-livrable:{item.structure.schema_name}:{item.version_id}",
                to=to,
                subject=_("Livrable en attente de votre décision : %(t)s (%(s)s)")
                % {"t": item.titre, "s": item.structure.nom},
                body=_("La version %(n)s attend votre décision depuis le %(d)s.")
                % {
                    "n": item.numero,
                    "d": timezone.localtime(item.submitted_at).strftime("%d/%m/%Y"),
                },
            )
            is not None
        )
    return sent


def remind_actions(*, today: datetime.date | None = None) -> int:
    """Loops over structures (a daily batch, not a request): due soon, then late."""
    from accompagnement.plans.models import Action

    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=settings.ACTION_RAPPEL_JOURS)
    sent = 0
    for structure in Structure.objects.reelles():
        managers = _managers(structure)
        with schema_context(structure.schema_name), transaction.atomic():
            actions = Action.objects.filter(
                statut__in=("a_faire", "en_cours"), echeance__isnull=False, echeance__lte=soon
            ).select_related("responsable")
            for action in actions:
                echeance = action.echeance
                assert echeance is not None  # echeance__isnull=False above
                step = "retard" if echeance < today else "echeance"
                to = [action.responsable.email] if action.responsable else managers
                sent += (
                    enqueue_email(
                        key=f"action-{step}:{structure.schema_name}:{action.pk}:{echeance:%Y%m%d}",
                        to=to,
                        subject=(
                            _("Action en retard : %s")
                            if step == "retard"
                            else _("Action à échéance proche : %s")
                        )
                        % action.titre,
                        body=_("Échéance : %(d)s — %(s)s")
                        % {"d": echeance.strftime("%d/%m/%Y"), "s": structure.nom},
                    )
                    is not None
                )
    return sent
