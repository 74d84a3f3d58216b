"""Personal-data duties: who reads the processing register."""

from __future__ import annotations

from tenants.access.roles import DIRECTEUR, is_federation_admin
from tenants.models import Membership


def can_view_processing_register(user) -> bool:
    """The federation admin keeps the processing register; each structure's director,
    controller of its clients' data, reads it too."""
    if is_federation_admin(user):
        return True
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and Membership.objects.filter(user=user, role=DIRECTEUR).exists()
    )
