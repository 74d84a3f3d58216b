"""Registers, semi-annual reviews, campaigns, consolidation."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.access.roles import (
    FEDERATION,
    PILOTE,
    _active,
    can_contribute,
    can_manage_structure,
    is_federation_admin,
    network_roles,
    territoires_piloted_by,
)
from tenants.models import Structure, Territoire


def can_write_registers(user, structure: Structure) -> bool:
    """Quality registers (complaints, adverse events, surveys, clients) are written by
    directors, référents and contributors; every role of the structure reads them."""
    return can_contribute(user, structure)


def can_edit_bilan_structure(user, structure: Structure) -> bool:
    """A structure's review is drafted by its directors, référents and contributors."""
    return can_contribute(user, structure)


def can_submit_bilan_structure(user, structure: Structure) -> bool:
    """Only directors and référents submit the structure's review (it becomes immutable)."""
    return can_manage_structure(user, structure)


def can_open_campagne(user, territoire: Territoire | None) -> bool:
    """The federation admin opens campaigns for the whole network or any territory; a pilot
    opens them for a territory they pilot only."""
    if is_federation_admin(user):
        return True
    return (
        territoire is not None and _active(user) and territoire.pilotes.filter(pk=user.pk).exists()
    )


def territoires_consolidated_for(user) -> QuerySet[Territoire]:
    """Territories whose consolidated figures a person reads: all for the federation admin,
    their own for a pilot; nobody else (structures see only anonymised medians)."""
    if is_federation_admin(user):
        return Territoire.objects.all()
    return territoires_piloted_by(user)


def territoire_in_scope(user, territoire: Territoire | None) -> bool:
    """Whether a territory (``None``: the whole network) is in the person's scope for
    campaigns and territorial reviews: outside it, they are answered 404."""
    if territoire is None:
        return can_read_consolidation(user)
    return territoires_consolidated_for(user).filter(pk=territoire.pk).exists()


def can_read_consolidation(user) -> bool:
    """Consolidated dashboards are read by the federation admin and territorial pilots."""
    return bool(network_roles(user) & {FEDERATION, PILOTE})


def can_view_consolidation(user, territoire: Territoire | None) -> bool:
    """Network-wide consolidation is the federation admin's; a territory's is also its pilots'."""
    if territoire is None:
        return is_federation_admin(user)
    return territoires_consolidated_for(user).filter(pk=territoire.pk).exists()


def can_edit_bilan_territoire(user, territoire: Territoire) -> bool:
    """The territorial review is written and submitted by the territory's pilots (and the
    federation admin)."""
    return can_view_consolidation(user, territoire)
