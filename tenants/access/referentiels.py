"""Reference frames: who manages and who browses them."""

from __future__ import annotations

from tenants.access.roles import (
    _active,
    is_federation_admin,
)


def can_manage_referentiels(user) -> bool:
    """Reference frames are created, imported, published and archived by federation admins."""
    return is_federation_admin(user)


def can_browse_referentiels(user) -> bool:
    """Every signed-in person may browse published frames."""
    return _active(user)


def can_view_referentiel_version(user, version) -> bool:
    """Published and archived versions are read by every signed-in person; drafts only by
    those who manage frames."""
    if not can_browse_referentiels(user):
        return False
    return version.statut != version.Statut.BROUILLON or can_manage_referentiels(user)


def can_download_document_outil(user, document) -> bool:
    """A toolbox file is downloaded by whoever may read its frame version."""
    return can_view_referentiel_version(user, document.version)
