"""Shared pieces of the status workflows declared as transition tables.

An app declares ``TRANSITIONS = {(source, target): Transition(...)}`` once; its
``apply_transition`` calls ``check_move`` (allowed move, the person's right through a rule
of ``tenants.access``, required comment) before writing the status and its log row.
Used by the deliverable and action-plan workflows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from core.errors import BusinessError


class WorkflowError(StrEnum):
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    FORBIDDEN = "forbidden"
    COMMENT_REQUIRED = "comment_required"


@dataclass(frozen=True)
class Transition:
    label: str
    allowed: Callable  # (user, structure) -> bool, a rule of tenants.access
    comment_required: bool = False


def allowed_moves(
    transitions: Mapping[tuple[str, str], Transition], current: str, user, structure
) -> list[tuple[str, Transition]]:
    """(target, transition) of the moves this person may make from ``current`` now."""
    return [
        (target, move)
        for (source, target), move in transitions.items()
        if source == current and move.allowed(user, structure)
    ]


def check_move(
    transitions: Mapping[tuple[str, str], Transition],
    *,
    current: str,
    to: str,
    user,
    structure,
    commentaire: str,
    not_allowed_message: str,
    comment_message: str,
    check_access: bool = True,
    field: str | None = None,
) -> str:
    """Refuse a move that is not in the table, not this person's, or lacks its comment.
    Returns the cleaned comment."""
    move = transitions.get((current, to))
    if move is None:
        raise BusinessError(
            WorkflowError.TRANSITION_NOT_ALLOWED, not_allowed_message, field=field, status=409
        )
    if check_access and not move.allowed(user, structure):
        raise BusinessError(
            WorkflowError.FORBIDDEN, _("Vous ne pouvez pas faire cette action."), status=403
        )
    commentaire = (commentaire or "").strip()
    if move.comment_required and not commentaire:
        raise BusinessError(WorkflowError.COMMENT_REQUIRED, comment_message, field="commentaire")
    return commentaire
