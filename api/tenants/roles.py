"""Roles granted and withdrawn directly, without an invitation e-mail:
``/api/v1/roles/`` (one), ``/api/v1/roles/bulk/`` (many, all or nothing),
``/api/v1/roles/withdraw/``. Rules: ``access.can_grant_role`` / ``can_withdraw_role``
(federation admin; pilots in their territories; directors and référents in their
structure); writes: ``tenants.services`` (audited)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.bulk import run_all_or_nothing
from api.diagnostics.serializers import ErrorsSerializer
from tenants import access, services
from tenants.models import Invitation

ERRORS = OpenApiResponse(ErrorsSerializer, description="Erreurs {code, message, field}.")


@extend_schema_field(OpenApiTypes.INT)
class _ScopedRelated(serializers.PrimaryKeyRelatedField):
    """A structure, territory or group the requester can see (others: "does not exist")."""

    def __init__(self, visible, **kwargs):
        self.visible = visible
        super().__init__(required=False, allow_null=True, default=None, **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.visible(request.user if request else None)


class RoleSerializer(serializers.Serializer):
    email = serializers.EmailField(help_text="La personne (compte créé s'il n'existe pas).")
    role = serializers.ChoiceField(choices=Invitation.Role.choices)
    structure = _ScopedRelated(
        access.structures_visible_to, help_text="Pour un rôle de structure ou un expert."
    )
    territoire = _ScopedRelated(access.territoires_visible_to, help_text="Pour un pilote.")
    groupe = _ScopedRelated(access.groupes_visible_to, help_text="Pour un expert de groupe.")
    first_name = serializers.CharField(
        required=False, allow_blank=True, default="", write_only=True
    )
    last_name = serializers.CharField(required=False, allow_blank=True, default="", write_only=True)
    user = serializers.IntegerField(read_only=True, help_text="Identifiant de la personne.")


class RolesBulkSerializer(serializers.Serializer):
    roles = RoleSerializer(many=True, allow_empty=False)


class RolesBulkResultSerializer(serializers.Serializer):
    roles = RoleSerializer(many=True)


class RoleWithdrawSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Invitation.Role.choices)
    structure = _ScopedRelated(access.structures_visible_to)
    territoire = _ScopedRelated(access.territoires_visible_to)
    groupe = _ScopedRelated(access.groupes_visible_to)


def _grant(by, data: dict) -> dict:
    user = services.grant_role(by=by, **data)
    return {**data, "user": user.pk, "email": user.email}


class RoleGrantView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        request=RoleSerializer,
        responses={201: RoleSerializer, 400: ERRORS, 403: ERRORS},
        summary="Grant a role (no invitation e-mail)",
    )
    def post(self, request):
        """Give a role to a person, creating their account if needed (without password:
        they choose one with "mot de passe oublié")."""
        data = RoleSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        granted = _grant(request.user, dict(data.validated_data))
        return Response(RoleSerializer(granted).data, status=status.HTTP_201_CREATED)


class RoleBulkGrantView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        request=RolesBulkSerializer,
        responses={201: RolesBulkResultSerializer, 400: ERRORS, 403: ERRORS},
        summary="Grant many roles, all or nothing",
    )
    def post(self, request):
        """Many roles in one request, **all or nothing**: one refused item (forbidden,
        wrong scope) and nothing is granted; every refusal is listed (``roles[3].role``)."""
        data = RolesBulkSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        granted = run_all_or_nothing(
            data.validated_data["roles"],
            lambda item: _grant(request.user, dict(item)),
            name="roles",
        )
        return Response(
            {"roles": RoleSerializer(granted, many=True).data},
            status=status.HTTP_201_CREATED,
        )


class RoleWithdrawView(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        request=RoleWithdrawSerializer,
        responses={204: None, 400: ERRORS, 403: ERRORS, 404: ERRORS, 409: ERRORS},
        summary="Withdraw a role",
    )
    def post(self, request):
        """Withdraw a role the person holds there (never one's own); 409 ``role_not_held``
        when they do not hold it; 404 for a person one may not see."""
        data = RoleWithdrawSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        user = get_object_or_404(
            access.users_visible_to(request.user), email__iexact=values.pop("email")
        )
        services.withdraw_role(by=request.user, user=user, **values)
        return Response(status=status.HTTP_204_NO_CONTENT)
