"""Shapes of the network's resources (validation of values stays in the models/services)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.permissions import VisibleRelatedField
from tenants import access
from tenants.models import GroupeTravail, Invitation, Membership, Structure, Territoire, User


class TerritoireSerializer(serializers.ModelSerializer):
    pilotes: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Territoire
        fields = ["id", "code", "nom", "pilotes"]


class GroupeSerializer(serializers.ModelSerializer):
    experts: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = GroupeTravail
        fields = ["id", "territoire", "nom", "experts"]


class StructureSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(max_length=63, required=False)
    # Ids the requester cannot see answer like ids that do not exist (no existence oracle).
    territoire = VisibleRelatedField(access.territoires_visible_to, required=False, allow_null=True)

    class Meta:
        model = Structure
        fields = [
            "id",
            "nom",
            "slug",
            "type",
            "finess",
            "siret",
            "adresse",
            "code_postal",
            "ville",
            "territoire",
            "groupes",
            "phase",
            "date_engagement",
            "date_deploiement",
            "echelle_par_niveau",
            "directeur_nom",
            "directeur_email",
            "referent_nom",
            "referent_email",
            "created_at",
        ]
        read_only_fields = ["created_at"]
        # Uniqueness and FINESS/SIRET keys are checked by the service (full_clean).
        validators: list = []
        extra_kwargs: dict[str, dict[str, Any]] = {"finess": {"validators": []}}


class MembershipSerializer(serializers.ModelSerializer):
    structure: serializers.SlugRelatedField[Structure] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Membership
        fields = ["structure", "role"]


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "function",
            "is_active",
            "is_federation_admin",
        ]


class InvitationSerializer(serializers.ModelSerializer):
    # Ids the requester cannot see answer like ids that do not exist (no existence oracle).
    structure = VisibleRelatedField(access.structures_visible_to, required=False, allow_null=True)
    territoire = VisibleRelatedField(access.territoires_visible_to, required=False, allow_null=True)
    groupe = VisibleRelatedField(access.groupes_visible_to, required=False, allow_null=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "structure",
            "territoire",
            "groupe",
            "created_at",
            "expires_at",
            "accepted_at",
        ]
        read_only_fields = ["created_at", "expires_at", "accepted_at"]


class TokenSerializer(serializers.Serializer):
    """One of the requester's API tokens: never its key (shown once, at creation)."""

    id = serializers.CharField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True, allow_null=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    expires_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=3650, default=None
    )


class NewTokenSerializer(TokenSerializer):
    """The token just created, with its key: the only time the key is given."""

    key = serializers.CharField(read_only=True)
