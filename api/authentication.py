"""API authentication: personal tokens of django-rest-knox (``Authorization: Token <key>``),
hashed at rest (model ``tenants.ApiToken``), with their last use recorded."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.permissions import BasePermission

# The last use is written at most this often per token (one UPDATE, not one per request).
LAST_USE_RESOLUTION = datetime.timedelta(minutes=5)


class TokenAuthentication(KnoxTokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        """An expired token is refused (and deleted). Unlike knox, the person's other
        tokens are not loaded on every request: expired ones are listed nowhere and are
        deleted when presented."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_RESOLUTION:
            model, pk = type(token), token.pk
            # Written once the request's own work is committed, outside its transaction.
            transaction.on_commit(
                lambda: model.objects.filter(pk=pk).update(last_used_at=now), robust=True
            )
            token.last_used_at = now
        return user, token


class ApiDocsAccess(BasePermission):
    """The OpenAPI schema and its Swagger page: anyone when ``API_DOCS_PUBLIC`` (the default
    in development), else signed-in people only (the default in production)."""

    def has_permission(self, request, view) -> bool:
        if settings.API_DOCS_PUBLIC:
            return True
        return bool(request.user and request.user.is_authenticated)


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema documents the token header."""

    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Jeton personnel : `Authorization: Token <clé>`.",
        }
