"""Trainings of experts and awareness sessions for pilots (``EvenementFormation``): the
federation admin records them with who attended; the consolidation counts the experts
trained and the pilots made aware (the deck's "réalisation" indicators)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core.errors import BusinessError, CommonError
from tenants import access
from tenants.models import EvenementFormation, Territoire, User


@transaction.atomic
def record_evenement(
    *,
    user,
    type: str,
    intitule: str,
    date: datetime.date,
    participants: list[User],
    territoire: Territoire | None = None,
) -> EvenementFormation:
    """Record a training or an awareness session (federation admin only). A training's
    participants must be experts (of a group or assigned to a structure), an awareness
    session's must be pilots."""
    if not access.can_manage_network(user):
        raise BusinessError(
            CommonError.FORBIDDEN, _("Réservé à l'administration de la fédération."), status=403
        )
    if type not in EvenementFormation.Type.values:
        raise BusinessError(CommonError.INVALID, _("Type d'événement inconnu."), field="type")
    if not intitule.strip():
        raise BusinessError(CommonError.INVALID, _("L'intitulé est obligatoire."), field="intitule")
    eligible = (
        experts() if type == EvenementFormation.Type.FORMATION_EXPERTS else pilotes()
    ).filter(pk__in=[p.pk for p in participants])
    refused = {p.pk for p in participants} - set(eligible.values_list("pk", flat=True))
    if refused:
        message = (
            _("Seuls des experts-réseau peuvent être inscrits à une formation des experts.")
            if type == EvenementFormation.Type.FORMATION_EXPERTS
            else _("Seuls des pilotes peuvent être inscrits à une sensibilisation des pilotes.")
        )
        raise BusinessError(
            CommonError.INVALID, message, field="participants", details={"refuses": sorted(refused)}
        )
    evenement = EvenementFormation.objects.create(
        type=type, intitule=intitule.strip(), date=date, territoire=territoire, created_by=user
    )
    evenement.participants.set(participants)
    return evenement


def experts() -> QuerySet[User]:
    """Experts-réseau: experts of a group or assigned directly to a structure."""
    return User.objects.filter(
        Q(pk__in=User.objects.filter(groupes_expertises__isnull=False).values("pk"))
        | Q(pk__in=User.objects.filter(affectations_expert__isnull=False).values("pk"))
    )


def pilotes() -> QuerySet[User]:
    return User.objects.filter(territoires_pilotes__isnull=False).distinct()


def evenements_visible_to(user) -> QuerySet[EvenementFormation]:
    if not access.can_manage_network(user):
        return EvenementFormation.objects.none()
    return EvenementFormation.objects.select_related("territoire").prefetch_related("participants")


def attendees(*, type: str, until: datetime.date) -> QuerySet:
    """Ids of the people who attended an event of ``type`` up to ``until`` (a sub-query)."""
    return EvenementFormation.participants.through.objects.filter(
        evenementformation__type=type, evenementformation__date__lte=until
    ).values("user_id")
