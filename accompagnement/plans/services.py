"""Action plan writes: actions, statuses (through the workflow), the quality policy.

Services run in the structure's schema (the request's, or ``schema_context`` for the
collective sync) and check access with ``tenants.access``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accompagnement.plans import workflow
from accompagnement.plans.errors import PlanError
from accompagnement.plans.models import Action, AxePolitique, PlanAction, PolitiqueQualite
from core.errors import BusinessError
from tenants import access
from tenants.models import Structure, User

Statut = Action.Statut
EDITABLE_FIELDS = (
    "titre",
    "description",
    "dimension",
    "responsable",
    "echeance",
    "priorite",
    "avancement",
    "axe",
    "theme",
)
AXES_MIN, AXES_MAX = 4, 6


def _require_editor(user: Any, structure: Structure) -> None:
    access.require(
        access.can_edit_plan(user, structure),
        message=_("Vous ne pouvez pas modifier ce plan d'actions."),
    )


def get_or_create_plan() -> PlanAction:
    """The current schema's plan (one per structure; created on first use)."""
    plan = PlanAction.objects.order_by("created_at").first()
    return plan or PlanAction.objects.create(titre=_("Plan d'actions qualité"))


def _validate(fields: dict[str, Any]) -> None:
    if "titre" in fields and not (fields["titre"] or "").strip():
        raise BusinessError(PlanError.INVALID, _("Le titre est obligatoire."), field="titre")
    avancement = fields.get("avancement")
    if avancement is not None and not 0 <= int(avancement) <= 100:
        raise BusinessError(
            PlanError.INVALID,
            _("L'avancement est un pourcentage entre 0 et 100."),
            field="avancement",
        )
    for name, choices in (
        ("dimension", Action.Dimension),
        ("priorite", Action.Priorite),
        ("origine", Action.Origine),
    ):
        if name in fields and fields[name] not in choices.values:
            raise BusinessError(PlanError.INVALID, _("Valeur non reconnue."), field=name)


@transaction.atomic
def create_action(
    *,
    structure: Structure,
    user: Any,  # a person, or core.actors.SYSTEM
    titre: str,
    criteres=(),
    statut: str = Statut.A_FAIRE,
    **fields: Any,
) -> Action:
    """A new action of the structure's plan; its creation is the first line of its log.

    ``fields``: description, dimension, responsable, echeance, priorite, avancement, axe,
    theme, origine, origine_ref. ``user``: a person, or ``core.actors.SYSTEM`` for the
    copies of collective actions and the actions proposed from a self-diagnosis.
    """
    _require_editor(user, structure)
    fields["titre"] = titre
    _validate(fields)
    if statut not in Statut.values:
        raise BusinessError(PlanError.INVALID, _("Statut non reconnu."), field="statut")
    action = Action(plan=get_or_create_plan(), statut=statut, **fields)
    if statut == Statut.FAIT:
        action.avancement = 100
    action.save()
    if criteres:
        action.criteres.set(criteres)
    workflow.log_creation(action, user)
    workflow.ACTION.notify(action, structure)
    return action


@transaction.atomic
def update_action(
    *,
    structure: Structure,
    user: Any,  # a person, or core.actors.SYSTEM
    action: Action,
    criteres=None,
    **fields: Any,
) -> Action:
    """Change an action's fields (never its status: see ``change_action_status``)."""
    _require_editor(user, structure)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise BusinessError(PlanError.INVALID, _("Champ non modifiable."), field=sorted(unknown)[0])
    _validate(fields)
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    if criteres is not None:
        action.criteres.set(criteres)
    workflow.ACTION.notify(action, structure)
    return action


def change_action_status(
    *, structure: Structure, user: User, action: Action, statut: str, commentaire: str = ""
) -> Action:
    return workflow.apply_transition(
        action=action, to=statut, user=user, structure=structure, commentaire=commentaire
    )


@transaction.atomic
def save_politique(
    *,
    structure: Structure,
    user: User,
    titre: str,
    engagement: str = "",
    axes: list[dict[str, str]],
) -> PolitiqueQualite:
    """The quality policy with its 4 to 6 axes (numbered in the given order). Actions stay
    attached to the axis of the same number; removed axes free their actions."""
    _require_editor(user, structure)
    axes = [axe for axe in axes if (axe.get("titre") or "").strip()]
    if not AXES_MIN <= len(axes) <= AXES_MAX:
        raise BusinessError(
            PlanError.AXES_COUNT,
            _("Une politique qualité compte de 4 à 6 axes (%(n)s saisis).") % {"n": len(axes)},
            field="axes",
        )
    politique = PolitiqueQualite.objects.first() or PolitiqueQualite()
    politique.titre = (titre or "").strip() or _("Politique qualité")
    politique.engagement = engagement
    politique.save()
    for numero, axe in enumerate(axes, start=1):
        AxePolitique.objects.update_or_create(
            politique=politique,
            numero=numero,
            defaults={
                "titre": axe["titre"].strip(),
                "description": (axe.get("description") or "").strip(),
            },
        )
    politique.axes.filter(numero__gt=len(axes)).delete()
    return politique


def late(action: Action, today: datetime.date) -> bool:
    return bool(
        action.echeance
        and action.echeance < today
        and action.statut in (Statut.A_FAIRE, Statut.EN_COURS)
    )
