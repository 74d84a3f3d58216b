"""DRF permission classes: thin wrappers over ``tenants.access`` (the one rule module)."""

from __future__ import annotations

from django.db import connection
from rest_framework.permissions import SAFE_METHODS, BasePermission

from tenants import access


def current_structure(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None or connection.schema_name == "public":
        return None
    return tenant


class StructureAccess(BasePermission):
    """Default permission: authenticated, and inside ``/s/<slug>/api/`` a role in that
    structure. Anything else answers 404 (as if the structure did not exist)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        structure = current_structure(request)
        if structure is None:
            return True
        if not access.can_view_structure(request.user, structure):
            from django.http import Http404

            raise Http404
        return True


class StructureContributorOrReadOnly(StructureAccess):
    """Reads for any role in the structure; writes for directors, référents, contributors."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        structure = current_structure(request)
        return structure is not None and access.can_contribute(request.user, structure)


class FederationAdminOrReadOnly(BasePermission):
    """Reads for every signed-in person; writes for federation admins."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or access.is_federation_admin(request.user)
