"""A self-diagnosis read by chapter of another reference (crosswalk of its frame)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accompagnement.diagnostics import concordance, selectors
from accompagnement.diagnostics.models import Autodiagnostic
from api.diagnostics.serializers import ErrorsSerializer


class ChapterSerializer(serializers.Serializer):
    chapitre = serializers.CharField()
    references = serializers.ListField(child=serializers.CharField())
    criteres = serializers.IntegerField(source="nombre_criteres")
    declare = serializers.FloatField(source="declared.rate", allow_null=True)
    confirme = serializers.FloatField(source="confirmed.rate", allow_null=True)
    ecart = serializers.FloatField(source="gap", allow_null=True)


class CoverageSerializer(serializers.Serializer):
    systeme = serializers.CharField()
    systemes = serializers.SerializerMethodField()
    chapitres = ChapterSerializer(many=True)
    criteres_sans_reference = serializers.IntegerField()

    def get_systemes(self, coverage) -> list[dict[str, str]]:
        return [{"code": code, "libelle": str(label)} for code, label in coverage.systemes]


class AutodiagnosticConcordanceView(APIView):
    @extend_schema(
        summary="Taux déclarés et confirmés par chapitre d'une référence externe (fractions)",
        parameters=[OpenApiParameter("systeme", str, description="ex. nf_x_50_056")],
        responses={200: CoverageSerializer, 404: ErrorsSerializer},
    )
    def get(self, request, pk: int):
        try:
            autodiagnostic = selectors.autodiagnostic_by_id(pk)
        except Autodiagnostic.DoesNotExist as error:
            raise Http404 from error
        coverage = concordance.crosswalk_coverage(
            autodiagnostic,
            systeme=request.query_params.get("systeme"),
            structure_type=getattr(request.tenant, "type", None),
        )
        return Response(CoverageSerializer(coverage).data)
