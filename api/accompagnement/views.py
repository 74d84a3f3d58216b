"""API of deliverables, action plans and collective work: thin over the services."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accompagnement.groupes import selectors as groupe_selectors
from accompagnement.groupes import services as groupe_services
from accompagnement.groupes.models import (
    ActionCollective,
    Emargement,
    ReunionCollective,
    SuiviActionCollective,
    TypeLivrable,
)
from accompagnement.livrables import services as livrable_services
from accompagnement.livrables.models import Livrable, LivrableTransition, LivrableVersion
from accompagnement.plans import selectors as plan_selectors
from accompagnement.plans import services as plan_services
from accompagnement.plans import xlsx as plan_xlsx
from api.accompagnement import serializers as s
from api.accompagnement.programme import ReunionMinutesMixin
from api.permissions import FederationAdminOrReadOnly, current_structure
from api.renderers import XLSX, XlsxRenderer, file_response
from tenants import access
from tenants.models import GroupeTravail


def _structure(request):
    structure = current_structure(request)
    if structure is None:
        raise Http404
    return structure


# --- Structure side ------------------------------------------------------------------------


class LivrableViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A structure's deliverables with their versions and history."""

    serializer_class = s.LivrableSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return Livrable.objects.select_related("type_livrable").prefetch_related(
            Prefetch(
                "versions",
                queryset=LivrableVersion.objects.order_by("-numero").prefetch_related(
                    Prefetch(
                        "transitions", queryset=LivrableTransition.objects.order_by("at", "pk")
                    )
                ),
            )
        )

    def perform_create(self, serializer):
        serializer.instance = livrable_services.create_livrable(
            structure=_structure(self.request),
            user=self.request.user,
            type_livrable=serializer.validated_data["type_livrable"],
            titre=serializer.validated_data.get("titre", ""),
        )

    @extend_schema(
        request={"multipart/form-data": s.VersionUploadSerializer},
        responses={201: s.LivrableVersionSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def versions(self, request, pk=None):
        """Upload a new draft version (PDF, DOCX, ODT, XLSX, PNG, JPEG; size limit)."""
        livrable = self.get_object()
        data = s.VersionUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = livrable_services.upload_version(
            structure=_structure(request),
            user=request.user,
            livrable=livrable,
            fichier=data.validated_data["fichier"],
        )
        return Response(s.LivrableVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class LivrableVersionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.LivrableVersionSerializer

    def get_queryset(self):
        return LivrableVersion.objects.select_related("livrable").prefetch_related("transitions")

    @extend_schema(request=None, responses=s.LivrableVersionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the version to the structure's experts (director or référent)."""
        version = livrable_services.submit_version(
            structure=_structure(request), user=request.user, version=self.get_object()
        )
        return Response(s.LivrableVersionSerializer(version).data)

    @extend_schema(
        request=None,
        responses=s.LivrableVersionSerializer,
        deprecated=True,
        description="Ancien nom de ``submit`` (docs/api.md, vocabulaire) ; retiré en v2.",
    )
    @action(detail=True, methods=["post"])
    def soumettre(self, request, pk=None):
        return self.submit(request, pk=pk)

    @extend_schema(request=s.DecisionSerializer, responses=s.LivrableVersionSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """The structure's expert validates or sends back (comment required)."""
        data = s.DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = livrable_services.decide_version(
            structure=_structure(request),
            user=request.user,
            version=self.get_object(),
            valide=data.validated_data["decision"] == LivrableVersion.Statut.VALIDE,
            commentaire=data.validated_data["commentaire"],
        )
        return Response(s.LivrableVersionSerializer(version).data)


class ActionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The structure's action plan. Filters: statut, dimension, theme, responsable, axe, en_retard."""

    serializer_class = s.ActionSerializer
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return plan_selectors.actions_filtered(
            plan_selectors.PlanFilters.from_params(self.request.query_params)
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = plan_services.create_action(
            structure=_structure(self.request),
            user=self.request.user,
            titre=data.pop("titre"),
            **data,
        )

    def perform_update(self, serializer):
        serializer.instance = plan_services.update_action(
            structure=_structure(self.request),
            user=self.request.user,
            action=serializer.instance,
            **serializer.validated_data,
        )

    @extend_schema(
        summary="The action plan as XLSX (same filters as the list)",
        responses={(200, XLSX): OpenApiTypes.BINARY},
    )
    @action(detail=False, methods=["get"], renderer_classes=[XlsxRenderer])
    def export(self, request):
        content = plan_xlsx.export_plan(self.get_queryset())
        return file_response(content, f"plan-actions-{_structure(request).slug}.xlsx")

    @extend_schema(request=s.StatutSerializer, responses=s.ActionSerializer)
    @action(detail=True, methods=["post"])
    def statut(self, request, pk=None):
        """Change the status through the workflow (logged)."""
        data = s.StatutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        updated = plan_services.change_action_status(
            structure=_structure(request),
            user=request.user,
            action=self.get_object(),
            statut=data.validated_data["statut"],
            commentaire=data.validated_data["commentaire"],
        )
        return Response(s.ActionSerializer(updated).data)


# --- Network side ---------------------------------------------------------------------------


class TypeLivrableViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = s.TypeLivrableSerializer
    permission_classes = [FederationAdminOrReadOnly]
    queryset = TypeLivrable.objects.all()

    def perform_create(self, serializer):
        serializer.instance = groupe_services.create_type_livrable(
            user=self.request.user, **serializer.validated_data
        )


class RevueLivrableViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The expert's review queue, oldest first. Filters: type (code), territoire, groupe."""

    serializer_class = s.SoumissionSerializer
    filter_backends: list = []

    def get_queryset(self):
        params = self.request.query_params
        as_int = lambda v: int(v) if (v or "").isdigit() else None  # noqa: E731
        return groupe_selectors.review_queue(
            self.request.user,
            type_code=params.get("type", ""),
            territoire=as_int(params.get("territoire")),
            groupe=as_int(params.get("groupe")),
        )


def _visible_groupes(user):
    return access.groupes_visible_to(user)


class ActionCollectiveViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Collective actions of the groups one sees, each with every member structure's status."""

    serializer_class = s.ActionCollectiveSerializer
    filterset_fields = ["groupe"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return ActionCollective.objects.filter(
            groupe__in=_visible_groupes(self.request.user)
        ).prefetch_related(
            Prefetch("suivis", queryset=SuiviActionCollective.objects.select_related("structure"))
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        groupe = data.pop("groupe")
        if not access.can_view_groupe(self.request.user, groupe):
            raise Http404
        serializer.instance = groupe_services.create_action_collective(
            user=self.request.user, groupe=groupe, titre=data.pop("titre"), **data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("groupe", None)
        serializer.instance = groupe_services.update_action_collective(
            user=self.request.user, action=serializer.instance, **data
        )


class ReunionViewSet(
    ReunionMinutesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Meetings of the groups one sees; attendance under ``emargements``."""

    serializer_class = s.ReunionSerializer
    filterset_fields = ["groupe"]

    def get_queryset(self):
        return ReunionCollective.objects.filter(
            groupe__in=_visible_groupes(self.request.user)
        ).order_by("date")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        groupe: GroupeTravail = data.pop("groupe")
        if not access.can_view_groupe(self.request.user, groupe):
            raise Http404
        serializer.instance = groupe_services.create_reunion(
            user=self.request.user, groupe=groupe, **data
        )

    @extend_schema(request=s.EmargementSerializer, responses=s.EmargementSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def emargements(self, request, pk=None):
        """GET: who signed; POST: a structure signs the attendance sheet (group's lead only)."""
        reunion = self.get_object()
        if request.method == "POST":
            data = s.EmargementSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            groupe_services.record_emargement(
                user=request.user,
                reunion=reunion,
                structure=data.validated_data["structure"],
                participants=data.validated_data.get("participants", ""),
            )
        rows = Emargement.objects.filter(reunion=reunion).order_by("pk")
        return Response(
            s.EmargementSerializer(rows, many=True).data,
            status=status.HTTP_201_CREATED if request.method == "POST" else status.HTTP_200_OK,
        )
