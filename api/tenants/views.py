"""The network's API: territories, groups, structures, people, invitations, personal token.

Every queryset comes from ``tenants.access`` (a pilot lists their territory's structures
only, etc.); every write goes through a service; anything out of reach answers 404.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.tenants import serializers
from tenants import access, accounts, invitations, services
from tenants.models import GroupeTravail, Invitation


class TerritoireViewSet(viewsets.ModelViewSet):
    """Territories (unions territoriales): created by the federation, edited by their pilots."""

    serializer_class = serializers.TerritoireSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        return (
            access.territoires_visible_to(self.request.user)
            .prefetch_related("pilotes")
            .order_by("nom")
        )

    def perform_create(self, serializer):
        access.require(access.can_manage_network(self.request.user))
        serializer.save()

    def perform_update(self, serializer):
        access.require(access.can_manage_territoire(self.request.user, serializer.instance))
        serializer.save()


class GroupeViewSet(viewsets.ModelViewSet):
    """Working groups: created and edited by the federation or the territory's pilots."""

    serializer_class = serializers.GroupeSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        return (
            access.groupes_visible_to(self.request.user).prefetch_related("experts").order_by("nom")
        )

    def perform_create(self, serializer):
        access.require(
            access.can_manage_territoire(self.request.user, serializer.validated_data["territoire"])
        )
        serializer.save()

    def perform_update(self, serializer):
        territoire = serializer.validated_data.get("territoire", serializer.instance.territoire)
        access.require(
            access.can_edit_groupe(self.request.user, serializer.instance)
            and access.can_manage_territoire(self.request.user, territoire)
        )
        serializer.save()


class StructureViewSet(viewsets.ModelViewSet):
    """Structures (tenants). A POST creates the structure and provisions its schema."""

    serializer_class = serializers.StructureSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        return (
            access.structures_visible_to(self.request.user)
            .select_related("territoire")
            .prefetch_related(Prefetch("groupes", queryset=GroupeTravail.objects.only("pk")))
            .order_by("nom")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        access.require(access.can_create_structure(self.request.user, data.get("territoire")))
        serializer.instance = services.create_structure(by=self.request.user, **data)

    def perform_update(self, serializer):
        structure = serializer.instance
        data = dict(serializer.validated_data)
        access.require(access.can_edit_structure_profile(self.request.user, structure))
        access.require(
            "territoire" not in data
            or data["territoire"] == structure.territoire
            or access.can_create_structure(self.request.user, data["territoire"])
        )
        serializer.instance = services.update_structure(
            structure=structure, by=self.request.user, **data
        )


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """People the requester may list (see ``access.users_visible_to``)."""

    serializer_class = serializers.UserSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return access.users_visible_to(self.request.user).order_by(
            "last_name", "first_name", "email"
        )


class InvitationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Invitations: the federation admin sees all, others those they sent."""

    serializer_class = serializers.InvitationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        queryset = Invitation.objects.select_related("structure", "territoire", "groupe")
        if not access.is_federation_admin(self.request.user):
            queryset = queryset.filter(invited_by=self.request.user)
        return queryset.order_by("-created_at")

    def perform_create(self, serializer):
        data = serializer.validated_data
        structure = data.get("structure")
        access.require(structure is None or access.can_view_structure(self.request.user, structure))
        serializer.instance = invitations.invite(
            by=self.request.user,
            email=data["email"],
            role=data["role"],
            structure=structure,
            territoire=data.get("territoire"),
            groupe=data.get("groupe"),
        )


class MyTokenView(APIView):
    """The requester's personal API tokens: list them (never a key) and create another one
    (named, optionally expiring; its key is in this answer only). Creating one never revokes
    the others."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.TokenSerializer

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.request.method == "POST":
            self.throttle_scope = "token_create"
        return throttles

    @extend_schema(responses={200: serializers.TokenSerializer(many=True)})
    def get(self, request):
        tokens = accounts.tokens_of(request.user)
        return Response(serializers.TokenSerializer(tokens, many=True).data)

    @extend_schema(
        request=serializers.TokenCreateSerializer,
        responses={201: serializers.NewTokenSerializer},
    )
    def post(self, request):
        data = serializers.TokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = accounts.create_api_token(
            user=request.user,
            name=data.validated_data["name"],
            expires_days=data.validated_data["expires_days"],
            request=request,
        )
        token.key = key
        return Response(serializers.NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)


class MyTokenDetailView(APIView):
    """Revoke one of the requester's own tokens (anyone else's answers 404)."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.TokenSerializer

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, token_id: str):
        if not accounts.revoke_api_token(user=request.user, token_id=token_id, request=request):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)
