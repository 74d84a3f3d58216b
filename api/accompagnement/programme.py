"""What only pages did: a meeting's minutes (questions, ideas with how many times each was
expressed, proposals turned into collective actions) and the structure's quality policy
with its axes. Thin: the groups' and plans' services write and check access."""

from __future__ import annotations

from django.db import connection
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accompagnement.groupes import ical
from accompagnement.groupes import services as groupe_services
from accompagnement.groupes.models import (
    ActionCollective,
    Horizon,
    PropositionReunion,
    ReunionCollective,
)
from accompagnement.plans import services as plan_services
from accompagnement.plans.models import PolitiqueQualite, Priorite
from api.diagnostics.serializers import ErrorsSerializer
from api.permissions import StructureContributorOrReadOnly
from api.renderers import FileRenderer, file_response
from tenants import access


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() else 0


ERRORS = OpenApiResponse(ErrorsSerializer, description="Erreurs {code, message, field}.")


class IdeeSerializer(serializers.Serializer):
    texte = serializers.CharField()
    occurrences = serializers.IntegerField(
        min_value=1, default=1, help_text="Nombre de fois où l'idée a été exprimée."
    )


class PropositionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    texte = serializers.CharField()
    priorite = serializers.ChoiceField(choices=Priorite.choices, default=Priorite.MOYENNE)
    faisabilite = serializers.CharField(required=False, allow_blank=True, default="")
    horizon = serializers.ChoiceField(choices=Horizon.choices, default=Horizon.MOYEN)
    action_collective = serializers.IntegerField(
        read_only=True, allow_null=True, source="action_collective_id"
    )


class CompteRenduSerializer(serializers.Serializer):
    compte_rendu = serializers.CharField(allow_blank=True)
    questions = serializers.ListField(child=serializers.CharField(), required=False)
    idees = IdeeSerializer(many=True, required=False)
    propositions = PropositionSerializer(many=True, required=False)
    compte_rendu_at = serializers.DateTimeField(read_only=True, allow_null=True)


class ActionCollectiveCreatedSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionCollective
        fields = ["id", "titre", "priorite", "echeance"]
        read_only_fields = fields


def compte_rendu_of(reunion: ReunionCollective) -> dict:
    return {
        "compte_rendu": reunion.compte_rendu,
        "compte_rendu_at": reunion.compte_rendu_at,
        "questions": [q.texte for q in reunion.questions.order_by("ordre", "pk")],
        "idees": [
            {"texte": i.texte, "occurrences": i.occurrences} for i in reunion.idees.order_by("pk")
        ],
        "propositions": list(reunion.propositions.order_by("pk")),
    }


class CalendarRenderer(FileRenderer):
    media_type = "text/calendar"
    format = "ics"


class ReunionMinutesMixin:
    """Added to the meetings' viewset: ``compte-rendu`` (GET, PUT),
    ``propositions/{id}/convert`` (a proposal becomes a collective action) and
    ``calendar`` (a group's meetings as iCalendar, the page's download)."""

    @extend_schema(
        parameters=[OpenApiParameter("groupe", int, required=True)],
        responses={(200, "text/calendar"): OpenApiTypes.BINARY, (404, "application/json"): ERRORS},
    )
    @action(detail=False, methods=["get"], renderer_classes=[CalendarRenderer])
    def calendar(self, request):
        """A group's meetings (RFC 5545), for a calendar application, by token."""
        groupe = get_object_or_404(
            access.groupes_visible_to(request.user),
            pk=_int(request.query_params.get("groupe")),
        )
        content = ical.meetings_calendar(
            groupe, list(ReunionCollective.objects.filter(groupe=groupe).order_by("date"))
        )
        return file_response(
            content, f"reunions-groupe-{groupe.pk}.ics", "text/calendar; charset=utf-8"
        )

    @extend_schema(methods=["GET"], responses={200: CompteRenduSerializer})
    @extend_schema(
        methods=["PUT"],
        request=CompteRenduSerializer,
        responses={200: CompteRenduSerializer, 400: ERRORS, 403: ERRORS},
    )
    @action(
        detail=True, methods=["get", "put"], url_path="compte-rendu", parser_classes=[JSONParser]
    )
    def compte_rendu(self, request, pk=None):
        """The group's expert writes the minutes; lists given replace the previous ones
        (proposals already turned into collective actions stay)."""
        reunion = self.get_object()
        if request.method == "PUT":
            data = CompteRenduSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = data.validated_data
            reunion = groupe_services.save_compte_rendu(
                user=request.user,
                reunion=reunion,
                compte_rendu=values["compte_rendu"],
                questions=values.get("questions"),
                idees=[dict(i) for i in values["idees"]] if "idees" in values else None,
                propositions=[dict(p) for p in values["propositions"]]
                if "propositions" in values
                else None,
            )
        return Response(CompteRenduSerializer(compte_rendu_of(reunion)).data)

    @extend_schema(
        request=None,
        responses={201: ActionCollectiveCreatedSerializer, 403: ERRORS, 404: ERRORS, 409: ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"propositions/(?P<proposition_id>\d+)/convert",
        parser_classes=[JSONParser],
    )
    def convert_proposition(self, request, pk=None, proposition_id=None):
        """A workshop proposal becomes a collective action of the group (its deadline from
        the proposal's horizon); 409 when it already is one."""
        proposition = get_object_or_404(
            PropositionReunion, pk=proposition_id, reunion=self.get_object()
        )
        created = groupe_services.convert_proposition(user=request.user, proposition=proposition)
        return Response(
            ActionCollectiveCreatedSerializer(created).data, status=status.HTTP_201_CREATED
        )


class AxeSerializer(serializers.Serializer):
    numero = serializers.IntegerField(read_only=True)
    titre = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True, default="")


class PolitiqueSerializer(serializers.Serializer):
    titre = serializers.CharField(required=False, allow_blank=True, default="")
    engagement = serializers.CharField(required=False, allow_blank=True, default="")
    axes = AxeSerializer(many=True, help_text="4 à 6 axes, numérotés dans l'ordre donné.")
    updated_at = serializers.DateTimeField(read_only=True)


class PolitiqueView(APIView):
    """The structure's quality policy and its 4 to 6 axes: read by its staff, its expert
    and its pilot; written by those who edit its action plan."""

    permission_classes = [StructureContributorOrReadOnly]
    parser_classes = [JSONParser]

    def _payload(self, politique: PolitiqueQualite) -> dict:
        return {
            "titre": politique.titre,
            "engagement": politique.engagement,
            "updated_at": politique.updated_at,
            "axes": [
                {"numero": a.numero, "titre": a.titre, "description": a.description}
                for a in politique.axes.order_by("numero")
            ],
        }

    @extend_schema(responses={200: PolitiqueSerializer, 404: ERRORS})
    def get(self, request):
        politique = PolitiqueQualite.objects.first()
        if politique is None:
            from django.http import Http404

            raise Http404
        return Response(PolitiqueSerializer(self._payload(politique)).data)

    @extend_schema(
        request=PolitiqueSerializer,
        responses={200: PolitiqueSerializer, 400: ERRORS, 403: ERRORS},
    )
    def put(self, request):
        data = PolitiqueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        politique = plan_services.save_politique(
            structure=connection.tenant,
            user=request.user,
            titre=data.validated_data["titre"],
            engagement=data.validated_data["engagement"],
            axes=[dict(a) for a in data.validated_data["axes"]],
        )
        return Response(PolitiqueSerializer(self._payload(politique)).data)
