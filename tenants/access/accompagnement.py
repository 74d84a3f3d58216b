"""Deliverables, action plans, collective work."""

from __future__ import annotations

from core.actors import is_system
from tenants.access.roles import (
    can_act_as_expert,
    can_contribute,
    can_manage_structure,
    groupes_visible_to,
    is_federation_admin,
)
from tenants.models import GroupeTravail, Structure


def can_upload_livrable(user, structure: Structure) -> bool:
    """Directors, référents and contributors upload deliverable versions (drafts)."""
    return can_contribute(user, structure)


def can_submit_livrable(user, structure: Structure) -> bool:
    """Only the structure's director or référent submits a version to the expert."""
    return can_manage_structure(user, structure)


def can_decide_livrable(user, structure: Structure) -> bool:
    """Only an expert of the structure (its groups' or directly assigned) validates a
    submitted version or sends it back for rework."""
    return can_act_as_expert(user, structure)


def can_manage_types_livrable(user) -> bool:
    """The list of deliverable types is the federation admin's."""
    return is_federation_admin(user)


def can_edit_plan(user, structure: Structure) -> bool:
    """The action plan (actions, statuses, quality policy, XLSX import) is written by the
    structure's director and référent, and by its experts (who set priorities). The
    system (``core.actors.SYSTEM``) writes the copies of collective actions and the
    actions an expert proposes from confirmed non-conformities."""
    if is_system(user):
        return True
    return can_manage_structure(user, structure) or can_act_as_expert(user, structure)


def can_view_groupe(user, groupe: GroupeTravail) -> bool:
    """A group's pages (collective plan, meetings, attendance) are open to whoever sees the
    group: federation admin, its territory's pilots, its experts, its structures' staff."""
    return groupes_visible_to(user).filter(pk=groupe.pk).exists()
