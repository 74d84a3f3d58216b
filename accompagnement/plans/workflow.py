"""The action workflow, declared once: à faire ⇄ en cours → fait, abandonné.

``TRANSITIONS`` lists each allowed move, who may make it and what it needs;
``apply_transition`` is the only code that writes ``Action.statut`` (creation aside,
logged as a move from "") and logs every move (``ActionTransition``). A copy of a
collective action reports its status to the group's public follow-up table.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accompagnement.plans.models import Action, ActionTransition
from core.workflow import Transition, allowed_moves, check_move
from tenants import access

Statut = Action.Statut


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (Statut.A_FAIRE, Statut.EN_COURS): Transition(gettext_lazy("Démarrer"), access.can_edit_plan),
    (Statut.A_FAIRE, Statut.FAIT): Transition(
        gettext_lazy("Marquer comme faite"), access.can_edit_plan
    ),
    (Statut.A_FAIRE, Statut.ABANDONNE): Transition(
        gettext_lazy("Abandonner"), access.can_edit_plan, comment_required=True
    ),
    (Statut.EN_COURS, Statut.FAIT): Transition(
        gettext_lazy("Marquer comme faite"), access.can_edit_plan
    ),
    (Statut.EN_COURS, Statut.A_FAIRE): Transition(
        gettext_lazy("Remettre à faire"), access.can_edit_plan
    ),
    (Statut.EN_COURS, Statut.ABANDONNE): Transition(
        gettext_lazy("Abandonner"), access.can_edit_plan, comment_required=True
    ),
    (Statut.FAIT, Statut.EN_COURS): Transition(
        gettext_lazy("Rouvrir"), access.can_edit_plan, comment_required=True
    ),
    (Statut.ABANDONNE, Statut.A_FAIRE): Transition(gettext_lazy("Reprendre"), access.can_edit_plan),
}


def allowed_targets(action: Action, user, structure) -> list[tuple[str, str]]:
    """(target, label) of the moves this person may make on this action now."""
    return [
        (target, str(move.label))
        for target, move in allowed_moves(TRANSITIONS, action.statut, user, structure)
    ]


def report_to_collective(action: Action, structure) -> None:
    """A structure's copy of a collective action writes its status to the group's
    follow-up table (public schema, reachable from the structure's search path)."""
    collective_id = (action.origine_ref or {}).get("action_collective")
    if action.origine != Action.Origine.PLAN_COLLECTIF or not collective_id:
        return
    from accompagnement.groupes.models import SuiviActionCollective

    SuiviActionCollective.objects.update_or_create(
        action_collective_id=collective_id,
        structure_id=structure.pk,
        defaults={"statut": action.statut, "avancement": action.avancement, "action_id": action.pk},
    )


def log_creation(action: Action, user) -> None:
    ActionTransition.objects.create(
        action=action, from_statut="", to_statut=action.statut, user=user, commentaire=_("Création")
    )


@transaction.atomic
def apply_transition(
    *, action: Action, to: str, user, structure, commentaire: str = "", check_access: bool = True
) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    commentaire = check_move(
        TRANSITIONS,
        current=action.statut,
        to=to,
        user=user,
        structure=structure,
        commentaire=commentaire,
        not_allowed_message=_("Impossible de passer une action « %(from)s » à « %(to)s ».")
        % {
            "from": action.get_statut_display(),
            "to": Statut(to).label if to in Statut.values else to,
        },
        comment_message=_("Un commentaire est obligatoire pour ce changement."),
        check_access=check_access,
        field="statut",
    )
    source = action.statut
    action.statut = to
    if to == Statut.FAIT:
        action.avancement = 100
        action.done_at = timezone.now()
    elif source == Statut.FAIT:
        action.done_at = None
    action.save(update_fields=["statut", "avancement", "done_at", "updated_at"])
    ActionTransition.objects.create(
        action=action, from_statut=source, to_statut=to, user=user, commentaire=commentaire
    )
    report_to_collective(action, structure)
    return action
