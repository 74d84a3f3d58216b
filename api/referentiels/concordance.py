"""Crosswalk API (table de concordance): read a version's crosswalk, set a criterion's
references, list and add external references (writes: federation admin)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import FederationAdminOrReadOnly
from api.referentiels.serializers import FileErrorsSerializer
from referentiels import concordance, selectors
from referentiels.models import ReferenceExterne

ERRORS = OpenApiResponse(FileErrorsSerializer, description="Erreurs {code, message, field}.")


class ReferenceExterneSerializer(serializers.ModelSerializer):
    systeme_label = serializers.CharField(source="get_systeme_display", read_only=True)

    class Meta:
        model = ReferenceExterne
        fields = ["id", "systeme", "systeme_label", "code", "chapitre", "libelle"]


class CritereConcordanceSerializer(serializers.Serializer):
    critere = serializers.CharField(help_text="Code du critère")
    references = ReferenceExterneSerializer(many=True)


class ConcordanceInputSerializer(serializers.Serializer):
    references = serializers.PrimaryKeyRelatedField(
        many=True, queryset=ReferenceExterne.objects.all()
    )


class ReferenceExterneViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [FederationAdminOrReadOnly]
    serializer_class = ReferenceExterneSerializer
    pagination_class = None
    queryset = ReferenceExterne.objects.none()

    def get_queryset(self):
        return concordance.all_references()

    def perform_create(self, serializer):
        serializer.instance = concordance.save_reference(
            user=self.request.user,
            systeme=serializer.validated_data["systeme"],
            code=serializer.validated_data["code"],
            chapitre=serializer.validated_data["chapitre"],
            libelle=serializer.validated_data.get("libelle", ""),
        )


class VersionConcordanceView(APIView):
    permission_classes = [FederationAdminOrReadOnly]

    @extend_schema(
        summary="Table de concordance d'une version (références de chaque critère)",
        responses={200: CritereConcordanceSerializer(many=True), 404: ERRORS},
    )
    def get(self, request, pk: int):
        version = selectors.version_for(request.user, pk)
        by_critere = concordance.references_by_critere(version)
        rows = [
            {"critere": critere.code, "references": by_critere.get(critere.pk, [])}
            for critere in version.criteres.order_by("ordre", "pk")
        ]
        return Response(CritereConcordanceSerializer(rows, many=True).data)


class CritereConcordanceView(APIView):
    permission_classes = [FederationAdminOrReadOnly]

    @extend_schema(
        summary="Fixer les références externes d'un critère (administration fédérale)",
        request=ConcordanceInputSerializer,
        responses={200: CritereConcordanceSerializer, 400: ERRORS, 403: ERRORS, 404: ERRORS},
    )
    def put(self, request, pk: int, code: str):
        version = selectors.version_for(request.user, pk)
        critere = selectors.critere_detail(version, code)
        payload = ConcordanceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        references = concordance.set_concordances(
            user=request.user, critere=critere, references=payload.validated_data["references"]
        )
        return Response(
            CritereConcordanceSerializer({"critere": critere.code, "references": references}).data,
            status=status.HTTP_200_OK,
        )
