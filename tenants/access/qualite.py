"""Managing by quality (seed 001): steering committee, document control, evaluation of
practices."""

from __future__ import annotations

from tenants.access.roles import can_contribute, can_manage_structure, can_view_structure
from tenants.models import Structure


def can_view_qualite(user, structure: Structure) -> bool:
    """Anyone with a role toward the structure reads its committee, its controlled
    documents and its evaluations of practices (the expert and the pilot follow them)."""
    return can_view_structure(user, structure)


def can_manage_qualite(user, structure: Structure) -> bool:
    """Directors and référents run the steering committee (members, meetings, decisions),
    the controlled documents and open or close evaluations of practices."""
    return can_manage_structure(user, structure)


def can_audit_practices(user, structure: Structure) -> bool:
    """Directors, référents and contributors enter the audited files of an evaluation of
    practices (the professionals take part in the evaluation, seed 001)."""
    return can_contribute(user, structure)
