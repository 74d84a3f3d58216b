"""Personal-data duties: who reads the processing register."""

from __future__ import annotations

from tenants.access.roles import (
    DIRECTEUR,
    DIRECTS_A_STRUCTURE,
    is_federation_admin,
    network_roles,
    roles_in_structure,
)


def can_view_processing_register(user) -> bool:
    """The federation admin keeps the processing register; each structure's director,
    controller of its clients' data, reads it too."""
    if is_federation_admin(user):
        return True
    return DIRECTS_A_STRUCTURE in network_roles(user)  # read with the roles


def can_request_data_operation(user, structure) -> bool:
    """The structure's director (controller of its clients' data) asks for an export or an
    erasure of the structure's data."""
    return DIRECTEUR in roles_in_structure(user, structure)


def can_decide_data_request(user, _structure=None) -> bool:
    """The federation admin approves or refuses a director's request."""
    return is_federation_admin(user)
