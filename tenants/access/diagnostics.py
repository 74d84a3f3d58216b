"""Self-diagnosis and its confirmation."""

from __future__ import annotations

from tenants.access.roles import (
    FEDERATION,
    can_act_as_expert,
    can_contribute,
    can_manage_structure,
    can_view_structure,
    roles_in_structure,
)
from tenants.models import Structure


def can_view_autodiagnostic(user, structure: Structure) -> bool:
    """Anyone with a role toward the structure reads its self-diagnoses, scores, evidence
    files and the expert's confirmations."""
    return can_view_structure(user, structure)


def can_answer_autodiagnostic(user, structure: Structure) -> bool:
    """Directors, référents and contributors answer criteria and attach evidence
    (readers, pilots, experts and the federation only read)."""
    return can_contribute(user, structure)


def can_manage_autodiagnostic(user, structure: Structure) -> bool:
    """Directors and référents open a self-diagnosis, submit it to the expert and ask
    to reopen it."""
    return can_manage_structure(user, structure)


def can_confirm_autodiagnostic(user, structure: Structure) -> bool:
    """Only an expert assigned to the structure (through a group or directly) confirms
    criteria and closes the confirmation; staff, pilots and the federation admin don't."""
    return can_act_as_expert(user, structure)


def can_reopen_autodiagnostic(user, structure: Structure) -> bool:
    """A submitted self-diagnosis is reopened by the structure's expert or a federation
    admin (the structure only asks for it)."""
    return can_act_as_expert(user, structure) or FEDERATION in roles_in_structure(user, structure)


def can_propose_actions(user, structure: Structure) -> bool:
    """Actions are proposed from non-conform confirmed criteria by the structure's expert
    or by its directors and référents (who own the action plan)."""
    return can_act_as_expert(user, structure) or can_manage_structure(user, structure)
