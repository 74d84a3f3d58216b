"""DRF permission classes: thin wrappers over ``tenants.access`` (the one rule module)."""

from __future__ import annotations

from django.db import connection
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission

from tenants import access
from tenants.models import User


def is_phantom(request) -> bool:
    """A structure URL whose slug names no structure (``platform.middleware``)."""
    return bool(getattr(getattr(request, "tenant", None), "is_phantom", False))


def current_structure(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None or connection.schema_name == "public":
        return None
    return tenant


class StructureAccess(BasePermission):
    """Default permission: authenticated, and inside ``/s/<slug>/api/`` a role in that
    structure. Anything else answers 404, and a structure that does not exist answers the
    same (401 signed out, 404 signed in): every view of ``/s/<slug>/api/`` must use this
    class or a subclass (checked by ``tests/test_isolation_matrix.py``)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if is_phantom(request):
            raise Http404
        structure = current_structure(request)
        if structure is None:
            return True
        if not access.can_view_structure(request.user, structure):
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


# --- Related objects in request bodies -----------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """An id among the objects ``visible(user)`` returns: an id the requester may not see
    is refused exactly like an id that does not exist (400 ``does_not_exist``), never with
    a 403 that would confirm it exists."""

    def __init__(self, visible, **kwargs):
        self.visible = visible
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.visible(request.user if request else None)


@extend_schema_field(OpenApiTypes.INT)
class StructureStaffField(serializers.PrimaryKeyRelatedField):
    """A person with a role in the current structure; anyone else answers like an id that
    does not exist."""

    def get_queryset(self):
        structure = current_structure(self.context.get("request"))
        if structure is None:
            return User.objects.none()
        return User.objects.filter(memberships__structure=structure, is_active=True).distinct()
