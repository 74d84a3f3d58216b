"""Registers, reviews, campaigns and consolidation API. Views are thin: selectors read,
services write, ``tenants.access`` decides (pilots see only their territories)."""

from __future__ import annotations

from django.db import connection
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accompagnement.bilans import pdf as bilans_pdf
from accompagnement.bilans import selectors as bilans_selectors
from accompagnement.bilans import services as bilans_services
from accompagnement.registres import selectors as registres_selectors
from accompagnement.registres import services as registres_services
from accompagnement.registres import xlsx as registres_xlsx
from accompagnement.registres.registry import REGISTRES
from accompagnement.reporting import exports, relances, selectors, services
from accompagnement.reporting import pdf as reporting_pdf
from api.bilans import serializers
from api.diagnostics.serializers import ErrorsSerializer
from api.permissions import StructureContributorOrReadOnly
from api.renderers import (
    XLSX,
    JSONText,
    PdfRenderer,
    SplicingJSONRenderer,
    XlsxRenderer,
    file_response,
)
from core.downloads import content_download
from tenants import access

CONSOLIDATION_PARAMETERS = [
    OpenApiParameter("campagne", int, required=True),
    OpenApiParameter("territoire", int, required=False),
    OpenApiParameter("groupe", int, required=False),
]
ERRORS = OpenApiResponse(ErrorsSerializer, description="Erreurs {code, message, field}.")
PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    (404, "application/json"): ERRORS,
}
DEPRECATED_SOUMETTRE = "Ancien nom de ``submit`` (docs/api.md, vocabulaire) ; retiré en v2."


def register_viewset(slug: str) -> type[viewsets.ModelViewSet]:
    registre = REGISTRES[slug]

    class RegisterViewSet(viewsets.ModelViewSet):
        permission_classes = [StructureContributorOrReadOnly]
        serializer_class = serializers.register_serializer(registre)
        queryset = registre.model._default_manager.none()

        def get_queryset(self):
            return registres_selectors.register_entries(registre).order_by("pk")

        def perform_create(self, serializer):
            serializer.instance = registres_services.save_register_entry(
                structure=self.request.tenant,
                registre=registre,
                data=serializer.validated_data,
                user=self.request.user,
            )

        def perform_update(self, serializer):
            serializer.instance = registres_services.save_register_entry(
                structure=self.request.tenant,
                registre=registre,
                data=serializer.validated_data,
                user=self.request.user,
                instance=serializer.instance,
            )

        def perform_destroy(self, instance):
            registres_services.delete_register_entry(
                structure=self.request.tenant,
                registre=registre,
                instance=instance,
                user=self.request.user,
            )

        @extend_schema(
            summary="The register as XLSX",
            responses={(200, XLSX): OpenApiTypes.BINARY},
        )
        @action(detail=False, methods=["get"], renderer_classes=[XlsxRenderer])
        def export(self, request, **kwargs):
            content = registres_xlsx.export_register(registre, list(self.get_queryset()))
            return file_response(content, f"{registre.slug}.xlsx")

        @extend_schema(
            request={"multipart/form-data": serializers.RegistreImportSerializer},
            responses={201: serializers.RegistreImportResultSerializer},
        )
        @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
        def import_xlsx(self, request, **kwargs):
            """Import an XLSX file: all rows or none (errors per row and field)."""
            upload = request.FILES.get("fichier")
            if upload is None:
                return Response(
                    {
                        "errors": [
                            {"code": "required", "message": "fichier requis", "field": "fichier"}
                        ]
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
            count = registres_services.import_register(
                structure=request.tenant,
                registre=registre,
                content=upload.read(),
                user=request.user,
            )
            return Response({"importees": count}, status=status.HTTP_201_CREATED)

    RegisterViewSet.__name__ = f"{registre.model.__name__}ViewSet"
    RegisterViewSet.__qualname__ = RegisterViewSet.__name__
    return RegisterViewSet


class BilanStructureViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The structure's reviews: open one for a campaign (pre-filled), edit it, submit it."""

    permission_classes = [StructureContributorOrReadOnly]
    serializer_class = serializers.BilanStructureSerializer
    pagination_class = None

    def get_queryset(self):
        return bilans_selectors.bilans_of_structure()

    @extend_schema(
        request=serializers.OpenBilanSerializer,
        responses={201: serializers.BilanStructureSerializer},
    )
    def create(self, request, **kwargs):
        payload = serializers.OpenBilanSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        bilan = bilans_services.open_bilan(
            structure=request.tenant, campagne=payload.validated_data["campagne"], user=request.user
        )
        return Response(self.get_serializer(bilan).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, **kwargs):
        bilan = self.get_object()
        payload = self.get_serializer(bilan, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        bilan = bilans_services.update_bilan(
            structure=request.tenant, bilan=bilan, user=request.user, data=payload.validated_data
        )
        return Response(self.get_serializer(bilan).data)

    @extend_schema(
        request=serializers.CommentSerializer, responses=serializers.BilanStructureSerializer
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, **kwargs):
        """Submit the review: frozen, its figures recorded for consolidation."""
        payload = serializers.CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        bilan = bilans_services.submit_bilan(
            structure=request.tenant,
            bilan=self.get_object(),
            user=request.user,
            commentaire=payload.validated_data["commentaire"],
        )
        return Response(self.get_serializer(bilan).data)

    @extend_schema(
        request=serializers.CommentSerializer,
        responses=serializers.BilanStructureSerializer,
        deprecated=True,
        description=DEPRECATED_SOUMETTRE,
    )
    @action(detail=True, methods=["post"])
    def soumettre(self, request, **kwargs):
        return self.submit(request, **kwargs)

    @extend_schema(responses=serializers.FiguresSerializer)
    @action(detail=True, methods=["get"])
    def indicateurs(self, request, **kwargs):
        """Pre-filled figures and the anonymised medians of the territory and the network."""
        bilan = self.get_object()
        structure = connection.tenant
        return Response(
            {
                "figures": bilans_selectors.review_figures(structure, bilan.campagne),
                "comparaison": selectors.structure_benchmark(
                    structure=structure, campagne=bilan.campagne
                ),
            }
        )

    @extend_schema(summary="The review as PDF", responses=PDF_RESPONSES)
    @action(detail=True, methods=["get"], renderer_classes=[PdfRenderer])
    def pdf(self, request, **kwargs):
        """The review laid out like the federation's paper form (the page's download)."""
        content, filename = bilans_pdf.review_pdf(connection.tenant, self.get_object())
        return content_download(content, filename, bilans_pdf.CONTENT_TYPE)


class CampagneViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Review campaigns: opened by the federation (network or territory) or a pilot (theirs)."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.CampagneSerializer

    def get_queryset(self):
        return selectors.campagnes_visible_to(self.request.user)

    def _scope(self, request, pk) -> selectors.Scope:
        params = {"campagne": pk, "territoire": request.query_params.get("territoire")}
        if request.method == "POST":
            params["territoire"] = request.data.get("territoire") or params["territoire"]
        return selectors.resolve_scope(request.user, params)

    @extend_schema(
        parameters=[OpenApiParameter("territoire", int, required=False)],
        responses={200: serializers.RelancesSerializer, 404: ERRORS},
    )
    @action(detail=True, methods=["get"])
    def relances(self, request, pk=None):
        """Who has submitted (``submitted_at``, on time or late), who is awaited, and the
        reminders sent (automatic and the pilot's), for the pilot's territory or the one
        chosen by the federation (``territoire``)."""
        scope = self._scope(request, pk)
        return Response(
            serializers.RelancesSerializer(
                {
                    "structures": [
                        {
                            "structure": line.structure.pk,
                            "nom": line.structure.nom,
                            "submitted_at": line.soumis_le,
                            "en_retard": line.en_retard,
                        }
                        for line in relances.situation(scope)
                    ],
                    "historique": relances.history(scope),
                }
            ).data
        )

    @extend_schema(
        request=serializers.RemindInputSerializer,
        responses={200: serializers.RemindResultSerializer, 404: ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def remind(self, request, pk=None):
        """ "Relancer": one e-mail to the directors and référents of each structure of the
        scope that has not submitted, at most once a day per structure."""
        data = serializers.RemindInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        scope = self._scope(request, pk)
        sent = relances.remind_now(
            campagne=scope.campagne, territoire=scope.territoire, user=request.user
        )
        return Response({"relances": sent})

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.open_campagne(
            user=self.request.user,
            libelle=data.get("libelle", ""),
            semestre=data["semestre"],
            annee=data["annee"],
            echeance=data["echeance"],
            territoire=data.get("territoire"),
        )


class BilanTerritoireViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Territorial reviews: the pilot opens one (pre-filled by consolidation), edits, submits."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.BilanTerritoireSerializer

    def get_queryset(self):
        return selectors.bilans_territoire_visible_to(self.request.user)

    @extend_schema(
        request=serializers.OpenBilanTerritoireSerializer,
        responses={201: serializers.BilanTerritoireSerializer},
    )
    def create(self, request, **kwargs):
        payload = serializers.OpenBilanTerritoireSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        territoire = get_object_or_404(
            access.territoires_consolidated_for(request.user),
            pk=payload.validated_data["territoire"],
        )
        campagne = get_object_or_404(
            selectors.campagnes_visible_to(request.user), pk=payload.validated_data["campagne"]
        )
        bilan = services.open_bilan_territoire(
            campagne=campagne, territoire=territoire, user=request.user
        )
        return Response(self.get_serializer(bilan).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, **kwargs):
        bilan = self.get_object()
        payload = self.get_serializer(bilan, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        bilan = services.update_bilan_territoire(
            bilan=bilan, user=request.user, data=payload.validated_data
        )
        return Response(self.get_serializer(bilan).data)

    @extend_schema(
        request=serializers.CommentSerializer, responses=serializers.BilanTerritoireSerializer
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, **kwargs):
        """Submit the territorial review."""
        payload = serializers.CommentSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        bilan = services.submit_bilan_territoire(
            bilan=self.get_object(),
            user=request.user,
            commentaire=payload.validated_data["commentaire"],
        )
        return Response(self.get_serializer(bilan).data)

    @extend_schema(
        request=serializers.CommentSerializer,
        responses=serializers.BilanTerritoireSerializer,
        deprecated=True,
        description=DEPRECATED_SOUMETTRE,
    )
    @action(detail=True, methods=["post"])
    def soumettre(self, request, **kwargs):
        return self.submit(request, **kwargs)

    @extend_schema(summary="The territorial review as PDF", responses=PDF_RESPONSES)
    @action(detail=True, methods=["get"], renderer_classes=[PdfRenderer])
    def pdf(self, request, **kwargs):
        """The UT review laid out like the structure review's (the page's download)."""
        content, filename = reporting_pdf.bilan_territoire_pdf(self.get_object())
        return content_download(content, filename, reporting_pdf.CONTENT_TYPE)


class ConsolidationView(APIView):
    """Consolidated figures of a campaign for the network, a territory or a group — read
    from the snapshot store only."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [
        SplicingJSONRenderer
    ]  # the per-structure rows come as JSON text from PostgreSQL

    @extend_schema(
        parameters=CONSOLIDATION_PARAMETERS,
        responses={200: serializers.ConsolidationSerializer, 404: ERRORS},
    )
    def get(self, request):
        scope = selectors.resolve_scope(request.user, request.query_params)
        data = selectors.consolidate(scope)
        data["detail"] = selectors.drill_down(scope)
        data["evolution"] = selectors.evolution(territoire=scope.territoire)
        data["structures"] = JSONText(selectors.snapshot_rows_json(scope))
        return Response(data)


class ConsolidationExportView(APIView):
    """The consolidation as XLSX (the dashboard's download), for a token as for a page."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [XlsxRenderer]

    @extend_schema(
        parameters=CONSOLIDATION_PARAMETERS,
        responses={(200, XLSX): OpenApiTypes.BINARY, (404, "application/json"): ERRORS},
    )
    def get(self, request):
        scope = selectors.resolve_scope(request.user, request.query_params)
        content = exports.consolidation_xlsx(
            selectors.consolidate(scope), selectors.snapshot_rows(scope)
        )
        return file_response(content, f"consolidation-{scope.campagne.pk}.xlsx")
