"""The action workflow, declared once: à faire ⇄ en cours → fait, abandonné.

``ACTION`` (``core.workflow``) lists each move, who may make it and what it needs; every
status change goes through it and is logged (``ActionTransition``); creation is logged as
a move from "". Other apps follow actions by subscribing (``ACTION.subscribe``): the
collective actions (``groupes``) keep their public follow-up table that way, so this app
never imports them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accompagnement.plans.models import Action, ActionTransition
from core.workflow import Move, Workflow
from tenants import access

Statut = Action.Statut
_edit = access.can_edit_plan

ACTION = Workflow(
    "plans.action",
    states=Statut,
    log_model=ActionTransition,
    log_field="action",
    moves=[
        Move("start", {Statut.A_FAIRE}, Statut.EN_COURS, gettext_lazy("Démarrer"), _edit),
        Move(
            "finish",
            {Statut.A_FAIRE, Statut.EN_COURS},
            Statut.FAIT,
            gettext_lazy("Marquer comme faite"),
            _edit,
        ),
        Move(
            "abandon",
            {Statut.A_FAIRE, Statut.EN_COURS},
            Statut.ABANDONNE,
            gettext_lazy("Abandonner"),
            _edit,
            comment_required=True,
        ),
        Move(
            "back_to_do", {Statut.EN_COURS}, Statut.A_FAIRE, gettext_lazy("Remettre à faire"), _edit
        ),
        Move(
            "reopen",
            {Statut.FAIT},
            Statut.EN_COURS,
            gettext_lazy("Rouvrir"),
            _edit,
            comment_required=True,
        ),
        Move("resume", {Statut.ABANDONNE}, Statut.A_FAIRE, gettext_lazy("Reprendre"), _edit),
    ],
)


def can_move(source: str, target: str) -> bool:
    return ACTION.move_to(source, target) is not None


def allowed_targets(action: Action, user: Any, structure: Any) -> list[tuple[str, str]]:
    """(target, label) of the moves this person may make on this action now."""
    return [
        (move.target, str(move.label)) for move in ACTION.allowed_moves(action, user, structure)
    ]


def log_creation(action: Action, user: Any) -> None:
    ACTION.log_creation(action, user, _("Création"))


@transaction.atomic
def apply_transition(
    *, action: Action, to: str, user: Any, structure: Any, commentaire: str = ""
) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    extra = []
    if to == Statut.FAIT and can_move(action.statut, to):
        action.avancement = 100
        action.done_at = timezone.now()
        extra = ["avancement", "done_at"]
    elif action.statut == Statut.FAIT:
        action.done_at = None
        extra = ["done_at"]
    ACTION.apply(
        action,
        to=to,
        actor=user,
        structure=structure,
        commentaire=commentaire,
        error_field="statut",
        extra_fields=extra,
    )
    return action
