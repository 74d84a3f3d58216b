"""Shapes of the quality-management API (the services validate the rules)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accompagnement.plans.models import Action
from accompagnement.qualite.models import (
    AuditDossier,
    CritereEvaluation,
    DecisionComite,
    DocumentQualite,
    EvaluationPratique,
    MembreComite,
    ResultatCritere,
    ReunionComite,
    VersionDocument,
)
from tenants.models import User


@extend_schema_field(OpenApiTypes.INT)
class StaffField(serializers.PrimaryKeyRelatedField):
    """A person of the current structure's staff: anyone else answers exactly like an id
    that does not exist (no oracle on other people's ids)."""

    def get_queryset(self):
        request = self.context.get("request")
        structure = getattr(request, "tenant", None)
        if structure is None:
            return User.objects.none()
        return User.objects.filter(memberships__structure=structure, is_active=True).distinct()


class MembreComiteSerializer(serializers.ModelSerializer):
    user = StaffField()
    nom = serializers.SerializerMethodField()

    class Meta:
        model = MembreComite
        fields = ["id", "user", "nom", "fonction", "depuis"]
        read_only_fields = ["depuis"]

    def get_nom(self, obj: MembreComite) -> str:
        return obj.user.get_full_name() or obj.user.email


class DecisionComiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecisionComite
        fields = ["id", "texte", "action", "created_at"]
        read_only_fields = ["action", "created_at"]


class DecisionInputSerializer(serializers.Serializer):
    texte = serializers.CharField()
    create_action = serializers.BooleanField(default=False)
    responsable = StaffField(required=False, allow_null=True)
    echeance = serializers.DateField(required=False, allow_null=True)
    dimension = serializers.ChoiceField(
        choices=Action.Dimension.choices, default=Action.Dimension.STRUCTURELLE
    )


class ReunionComiteSerializer(serializers.ModelSerializer):
    presents = serializers.PrimaryKeyRelatedField(
        many=True, queryset=MembreComite.objects.all(), required=False
    )
    decisions = DecisionComiteSerializer(many=True, read_only=True)

    class Meta:
        model = ReunionComite
        fields = ["id", "date", "ordre_du_jour", "compte_rendu", "presents", "decisions"]

    def validate_date(self, value):
        # Before 1900, local time has a sub-minute offset that RFC 3339 cannot write.
        if value.year < 1900:
            raise serializers.ValidationError(_("Date antérieure à 1900 : vérifiez l'année."))
        return value


class VersionDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = VersionDocument
        fields = ["id", "version", "date_validation", "modifications", "fichier", "created_at"]
        read_only_fields = fields


class DocumentQualiteSerializer(serializers.ModelSerializer):
    proprietaire = StaffField(required=False, allow_null=True)
    versions = VersionDocumentSerializer(many=True, read_only=True)
    type_label = serializers.CharField(source="get_type_display", read_only=True)

    class Meta:
        model = DocumentQualite
        fields = [
            "id",
            "reference",
            "titre",
            "type",
            "type_label",
            "proprietaire",
            "version",
            "date_validation",
            "date_revision",
            "archive",
            "versions",
        ]
        read_only_fields = ["archive"]


class DocumentUpdateSerializer(serializers.Serializer):
    titre = serializers.CharField(required=False)
    type = serializers.ChoiceField(choices=DocumentQualite.Type.choices, required=False)
    proprietaire = StaffField(required=False, allow_null=True)
    date_revision = serializers.DateField(required=False)
    archive = serializers.BooleanField(required=False)


class VersionInputSerializer(serializers.Serializer):
    version = serializers.CharField(max_length=20)
    date_validation = serializers.DateField()
    date_revision = serializers.DateField()
    modifications = serializers.CharField(required=False, allow_blank=True, default="")
    fichier = serializers.FileField(required=False, allow_null=True)


class CritereEvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CritereEvaluation
        fields = ["id", "ordre", "libelle"]


class EvaluationPratiqueSerializer(serializers.ModelSerializer):
    criteres = CritereEvaluationSerializer(many=True, read_only=True)
    libelles_criteres = serializers.ListField(
        child=serializers.CharField(), write_only=True, min_length=1
    )
    thematique_label = serializers.CharField(source="get_thematique_display", read_only=True)

    class Meta:
        model = EvaluationPratique
        fields = [
            "id",
            "titre",
            "thematique",
            "thematique_label",
            "objectif",
            "dossiers_prevus",
            "seuil",
            "debut",
            "terminee_le",
            "criteres",
            "libelles_criteres",
        ]
        read_only_fields = ["terminee_le"]


class ReponseSerializer(serializers.Serializer):
    critere = serializers.IntegerField()
    reponse = serializers.ChoiceField(choices=ResultatCritere.Reponse.choices)


class AuditInputSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=30)
    audite_le = serializers.DateField()
    reponses = ReponseSerializer(many=True)


class AuditDossierSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditDossier
        fields = ["id", "reference", "audite_le"]


class CriterionResultSerializer(serializers.Serializer):
    critere = serializers.IntegerField(source="critere.pk")
    libelle = serializers.CharField(source="critere.libelle")
    conformes = serializers.IntegerField()
    non_conformes = serializers.IntegerField()
    non_applicables = serializers.IntegerField()
    taux = serializers.FloatField(allow_null=True, help_text="Fraction (0–1); null if N/A.")


class EvaluationResultsSerializer(serializers.Serializer):
    audits = serializers.IntegerField()
    taux = serializers.FloatField(allow_null=True, help_text="Fraction (0–1); null if N/A.")
    criteres = CriterionResultSerializer(many=True)


class CreatedActionsSerializer(serializers.Serializer):
    actions = serializers.ListField(child=serializers.IntegerField())
