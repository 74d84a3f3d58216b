"""Serializers of registers, reviews, campaigns and consolidation (shape only)."""

from __future__ import annotations

from functools import cache

from rest_framework import serializers

from accompagnement.bilans.models import BilanStructure
from accompagnement.bilans.services import TEXT_FIELDS
from accompagnement.registres.registry import Registre
from accompagnement.reporting.models import BilanTerritoire, Campagne
from accompagnement.reporting.services import TERRITOIRE_TEXT_FIELDS


@cache
def register_serializer(registre: Registre) -> type[serializers.ModelSerializer]:
    meta = type("Meta", (), {"model": registre.model, "fields": ("id", *registre.fields)})
    return type(
        f"{registre.model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta}
    )


class RegistreImportResultSerializer(serializers.Serializer):
    importees = serializers.IntegerField()


class RegistreImportSerializer(serializers.Serializer):
    fichier = serializers.FileField()


class CampagneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campagne
        fields = ("id", "libelle", "semestre", "annee", "echeance", "territoire", "created_at")
        read_only_fields = ("created_at",)
        extra_kwargs = {"libelle": {"required": False}}


class BilanStructureSerializer(serializers.ModelSerializer):
    statut = serializers.CharField(read_only=True, help_text="brouillon | soumis")

    class Meta:
        model = BilanStructure
        fields = ("id", "campagne", "statut", *TEXT_FIELDS, "submitted_at", "updated_at")
        read_only_fields = ("campagne", "statut", "submitted_at", "updated_at")


class OpenBilanSerializer(serializers.Serializer):
    campagne = serializers.PrimaryKeyRelatedField(queryset=Campagne.objects.all())


class BilanTerritoireSerializer(serializers.ModelSerializer):
    statut = serializers.CharField(read_only=True, help_text="brouillon | soumis")

    class Meta:
        model = BilanTerritoire
        fields = (
            "id",
            "campagne",
            "territoire",
            "statut",
            *TERRITOIRE_TEXT_FIELDS,
            "indicateurs_structures",
            "submitted_at",
        )
        read_only_fields = (
            "campagne",
            "territoire",
            "statut",
            "indicateurs_structures",
            "submitted_at",
        )


class OpenBilanTerritoireSerializer(serializers.Serializer):
    campagne = serializers.IntegerField()
    territoire = serializers.IntegerField()


class CommentSerializer(serializers.Serializer):
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")


class FiguresSerializer(serializers.Serializer):
    """The review's pre-filled figures (rates as fractions 0..1, ``null`` = not measured)
    and the anonymised medians of the territory and the network."""

    figures = serializers.JSONField()
    comparaison = serializers.JSONField(allow_null=True)


class ConsolidationSerializer(serializers.Serializer):
    """Rates by structure and theme, indicator families, drill-down and evolution."""

    campagne = serializers.JSONField()
    perimetre = serializers.JSONField()
    structures = serializers.JSONField()
    themes = serializers.JSONField()
    module = serializers.JSONField()
    part_tous_niveau1 = serializers.FloatField(allow_null=True)
    part_tous_niveau2 = serializers.FloatField(allow_null=True)
    bilans = serializers.JSONField()
    familles = serializers.JSONField()
    detail = serializers.JSONField()
    evolution = serializers.JSONField()


class LigneRelanceSerializer(serializers.Serializer):
    structure = serializers.IntegerField()
    nom = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="null : attendu.")
    en_retard = serializers.BooleanField()


class RelanceSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    structure = serializers.CharField()
    step = serializers.CharField(help_text="Automatique (J-7, J+1) ou relance du pilote.")
    destinataires = serializers.IntegerField()
    envoye = serializers.BooleanField()


class RelancesSerializer(serializers.Serializer):
    structures = LigneRelanceSerializer(many=True)
    historique = RelanceSerializer(many=True)


class RemindInputSerializer(serializers.Serializer):
    territoire = serializers.IntegerField(
        required=False, allow_null=True, help_text="Fédération : le territoire à relancer."
    )


class RemindResultSerializer(serializers.Serializer):
    relances = serializers.IntegerField(help_text="Nombre d'e-mails mis en file d'envoi.")
