"""Quality-management API (seed 001): thin views over ``accompagnement.qualite``'s
services and selectors. Any role of the structure reads; the services decide writes
(403 ``forbidden``) and validate (400)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accompagnement.qualite import selectors, services
from accompagnement.qualite.models import DocumentQualite, EvaluationPratique, MembreComite
from api.permissions import current_structure
from api.qualite import serializers


class _StructureMixin:
    def structure_and_user(self):
        return {"structure": current_structure(self.request), "user": self.request.user}


class MembreComiteViewSet(
    _StructureMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.MembreComiteSerializer
    queryset = MembreComite.objects.none()

    def get_queryset(self):
        return selectors.committee_members()

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_committee_member(
            **self.structure_and_user(),
            member=data["user"],
            fonction=data["fonction"],
            depuis=timezone.localdate(),
        )

    def perform_destroy(self, instance):
        services.remove_committee_member(**self.structure_and_user(), membre=instance)


class ReunionComiteViewSet(
    _StructureMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.ReunionComiteSerializer

    def get_queryset(self):
        return selectors.committee_meetings().prefetch_related("presents", "decisions")

    def _save(self, serializer, reunion=None):
        data = serializer.validated_data
        serializer.instance = services.save_committee_meeting(
            **self.structure_and_user(),
            reunion=reunion,
            date=data.get("date", getattr(reunion, "date", None)),
            ordre_du_jour=data.get("ordre_du_jour", getattr(reunion, "ordre_du_jour", "")),
            compte_rendu=data.get("compte_rendu", getattr(reunion, "compte_rendu", "")),
            presents=data.get("presents", list(reunion.presents.all()) if reunion else []),
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    @extend_schema(
        request=serializers.DecisionInputSerializer,
        responses={201: serializers.DecisionComiteSerializer},
    )
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        reunion = self.get_object()
        payload = serializers.DecisionInputSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        decision = services.record_decision(
            **self.structure_and_user(), reunion=reunion, **payload.validated_data
        )
        return Response(
            serializers.DecisionComiteSerializer(decision).data, status=status.HTTP_201_CREATED
        )


class DocumentQualiteViewSet(
    _StructureMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.DocumentQualiteSerializer
    queryset = DocumentQualite.objects.none()
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.documents(include_archived=True).prefetch_related("versions")

    def perform_create(self, serializer):
        serializer.instance = services.create_document(
            **self.structure_and_user(), **serializer.validated_data
        )

    @extend_schema(
        request=serializers.DocumentUpdateSerializer,
        responses={200: serializers.DocumentQualiteSerializer},
    )
    def partial_update(self, request, pk=None):
        document = self.get_object()
        payload = serializers.DocumentUpdateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        payload.is_valid(raise_exception=True)
        services.update_document(
            **self.structure_and_user(), document=document, **payload.validated_data
        )
        return Response(self.get_serializer(selectors.document(document.pk)).data)

    @extend_schema(
        request=serializers.VersionInputSerializer,
        responses={201: serializers.DocumentQualiteSerializer},
    )
    @action(detail=True, methods=["post"])
    def versions(self, request, pk=None):
        document = self.get_object()
        payload = serializers.VersionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.publish_document_version(
            **self.structure_and_user(), document=document, **payload.validated_data
        )
        return Response(
            self.get_serializer(selectors.document(document.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class EvaluationPratiqueViewSet(
    _StructureMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.EvaluationPratiqueSerializer
    queryset = EvaluationPratique.objects.none()

    def get_queryset(self):
        return EvaluationPratique.objects.prefetch_related("criteres").order_by("-debut", "-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data["criteres"] = data.pop("libelles_criteres")
        serializer.instance = services.create_evaluation(**self.structure_and_user(), **data)

    @extend_schema(
        request=serializers.AuditInputSerializer,
        responses={201: serializers.AuditDossierSerializer},
    )
    @action(detail=True, methods=["post"])
    def audits(self, request, pk=None):
        evaluation = self.get_object()
        payload = serializers.AuditInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        audit = services.record_audit(
            **self.structure_and_user(),
            evaluation=evaluation,
            reference=data["reference"],
            audite_le=data["audite_le"],
            reponses={item["critere"]: item["reponse"] for item in data["reponses"]},
        )
        return Response(
            serializers.AuditDossierSerializer(audit).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses={200: serializers.EvaluationResultsSerializer})
    @action(detail=True, methods=["get"])
    def resultats(self, request, pk=None):
        results = selectors.evaluation_results(self.get_object())
        return Response(
            serializers.EvaluationResultsSerializer(
                {"audits": results.audits, "taux": results.taux, "criteres": results.criteres}
            ).data
        )

    @extend_schema(request=None, responses={200: serializers.CreatedActionsSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the evaluation: its findings become actions of the plan."""
        created = services.close_evaluation(
            **self.structure_and_user(), evaluation=self.get_object(), today=timezone.localdate()
        )
        return Response({"actions": [item.pk for item in created]})

    @extend_schema(
        request=None,
        responses={200: serializers.CreatedActionsSerializer},
        deprecated=True,
        description="Ancien nom de ``close`` (docs/api.md, vocabulaire) ; retiré en v2.",
    )
    @action(detail=True, methods=["post"])
    def cloturer(self, request, pk=None):
        return self.close(request, pk=pk)
