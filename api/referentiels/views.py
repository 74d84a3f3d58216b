"""Frames API: list, a version's whole tree, import, publish, archive, export, diff.

Reads for every signed-in person (drafts for federation admins only); writes for
federation admins (403 for others). Errors: ``{"errors": [{code, message, field, line…}]}``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from api.permissions import FederationAdminOrReadOnly
from api.referentiels import serializers
from api.renderers import FileRenderer
from core.downloads import content_download
from core.errors import BusinessError
from referentiels import selectors, services
from referentiels.errors import ReferentielError
from referentiels.io import EXPORT_FORMATS, export_version

EXPORT_FORMAT_NAMES = list(EXPORT_FORMATS)
ERRORS = OpenApiResponse(
    serializers.FileErrorsSerializer, description="Erreurs (code, message, champ, ligne)."
)


class YamlFileRenderer(FileRenderer):
    media_type = "application/yaml"
    format = "yaml"


class JsonFileRenderer(FileRenderer):
    media_type = "application/json"
    format = "json"


class XlsxFileRenderer(FileRenderer):
    media_type = EXPORT_FORMATS["xlsx"][0]
    format = "xlsx"


class ReferentielViewSet(viewsets.GenericViewSet):
    permission_classes = [FederationAdminOrReadOnly]
    serializer_class = serializers.VersionTreeSerializer
    pagination_class = None
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.versions_visible_to(self.request.user)

    def _version(self):
        return selectors.version_for(self.request.user, self.kwargs["pk"])

    @extend_schema(
        summary="Référentiels et leurs versions",
        responses=serializers.ReferentielSerializer(many=True),
    )
    def list(self, request):
        frames = selectors.referentiels_with_versions(request.user)
        return Response(serializers.ReferentielSerializer(frames, many=True).data)

    @extend_schema(
        summary="Arbre complet d'une version (thèmes, objectifs, critères, échelle, boîte à outils)",
        responses={200: serializers.VersionTreeSerializer, 404: ERRORS},
    )
    def retrieve(self, request, pk=None):
        version = selectors.version_with_tree(self._version().pk)
        version.tree = selectors.build_tree(version)
        if not hasattr(version, "echelle"):
            version.echelle = None
        return Response(serializers.VersionTreeSerializer(version).data)

    @extend_schema(
        summary="Importer une version (brouillon) depuis un fichier YAML, JSON ou XLSX",
        request={"multipart/form-data": serializers.ImportSerializer},
        responses={201: serializers.VersionSummarySerializer, 400: ERRORS, 403: ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request):
        upload = request.FILES.get("fichier")
        if upload is None:
            raise BusinessError(
                ReferentielError.INVALID, "Joignez un fichier (champ « fichier »).", field="fichier"
            )
        services.check_import_size(upload.size)  # before reading it into memory
        version = services.import_version(
            content=upload.read(), filename=upload.name, user=request.user
        )
        return Response(
            serializers.VersionSummarySerializer(version).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        summary="Publier une version brouillon",
        request=serializers.TransitionSerializer,
        responses={
            200: serializers.VersionSummarySerializer,
            400: ERRORS,
            403: ERRORS,
            404: ERRORS,
            409: ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        data = self._transition_input(request)
        version = services.publish_version(
            version=self._version(), user=request.user, commentaire=data["commentaire"]
        )
        return Response(serializers.VersionSummarySerializer(version).data)

    @extend_schema(
        summary="Archiver une version publiée",
        request=serializers.TransitionSerializer,
        responses={
            200: serializers.VersionSummarySerializer,
            403: ERRORS,
            404: ERRORS,
            409: ERRORS,
        },
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        data = self._transition_input(request)
        version = services.archive_version(
            version=self._version(), user=request.user, commentaire=data["commentaire"]
        )
        return Response(serializers.VersionSummarySerializer(version).data)

    def _transition_input(self, request) -> dict:
        serializer = serializers.TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(
        summary="Exporter une version (YAML, JSON ou XLSX)",
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=EXPORT_FORMAT_NAMES,
                default="yaml",
                description="Format du fichier.",
            ),
        ],
        responses={
            (200, "application/yaml"): OpenApiTypes.STR,
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, EXPORT_FORMATS["xlsx"][0]): OpenApiTypes.BINARY,
            404: ERRORS,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[YamlFileRenderer, JsonFileRenderer, XlsxFileRenderer],
    )
    def export(self, request, pk=None):
        fmt = request.query_params.get("format", "yaml")
        content, content_type, filename = export_version(self._version(), fmt)
        return content_download(content, filename, content_type)

    @extend_schema(
        summary="Différences entre deux versions (critères ajoutés, supprimés, modifiés, par urn)",
        parameters=[
            OpenApiParameter(
                "other", int, required=True, description="Id de l'autre version (l'ancienne)."
            )
        ],
        responses={200: serializers.DiffSerializer, 400: ERRORS, 404: ERRORS},
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, pk=None):
        version = self._version()
        other_id = request.query_params.get("other", "")
        if not other_id.isdigit():
            raise BusinessError(
                ReferentielError.INVALID,
                "Indiquez l'id de l'autre version (?other=…).",
                field="other",
            )
        other = selectors.version_for(request.user, int(other_id))
        diff = selectors.diff_versions(other, version)
        payload = {
            "ancienne": other,
            "nouvelle": version,
            "inchanges": diff.inchanges,
            "modifies": diff.modifies,
            "ajoutes": [{"urn": c.urn, "code": c.code, "titre": c.titre} for c in diff.ajoutes],
            "supprimes": [{"urn": c.urn, "code": c.code, "titre": c.titre} for c in diff.supprimes],
        }
        return Response(serializers.DiffSerializer(payload).data)
