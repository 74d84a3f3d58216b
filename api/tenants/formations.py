"""``/api/v1/formations/``: trainings of experts and awareness sessions for pilots, with
their participants (federation admin; others get 403). Writes: ``tenants.formations``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants import access, formations
from tenants.models import EvenementFormation, Territoire, User


class EvenementFormationSerializer(serializers.ModelSerializer):
    participants = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.all(), required=False
    )
    territoire = serializers.PrimaryKeyRelatedField(
        queryset=Territoire.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = EvenementFormation
        fields = ["id", "type", "intitule", "date", "territoire", "participants"]


def _require_federation(user) -> None:
    access.require(
        access.can_manage_network(user),
        message=_("Réservé à l'administration de la fédération."),
    )


class EvenementFormationView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EvenementFormationSerializer(many=True))
    def get(self, request):
        _require_federation(request.user)
        events = formations.evenements_visible_to(request.user)
        return Response(EvenementFormationSerializer(events, many=True).data)

    @extend_schema(
        request=EvenementFormationSerializer, responses={201: EvenementFormationSerializer}
    )
    def post(self, request):
        _require_federation(request.user)
        serializer = EvenementFormationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evenement = formations.record_evenement(
            user=request.user,
            type=data["type"],
            intitule=data["intitule"],
            date=data["date"],
            territoire=data.get("territoire"),
            participants=list(data.get("participants", [])),
        )
        return Response(
            EvenementFormationSerializer(evenement).data, status=status.HTTP_201_CREATED
        )
