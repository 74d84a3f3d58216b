"""Shapes of the frames API (no queries here: the views hand prefetched objects)."""

from __future__ import annotations

from rest_framework import serializers

from referentiels.models import (
    Critere,
    DocumentOutil,
    Referentiel,
    ReferentielVersion,
    ValeurEchelle,
)


class VersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferentielVersion
        fields = [
            "id",
            "numero",
            "libelle",
            "statut",
            "echantillon",
            "utilisee",
            "published_at",
            "archived_at",
        ]


class ReferentielSerializer(serializers.ModelSerializer):
    versions = VersionSummarySerializer(many=True, source="visible_versions")

    class Meta:
        model = Referentiel
        fields = ["id", "code", "titre", "description", "versions"]


class ValeurEchelleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ValeurEchelle
        fields = ["code", "libelle", "poids", "exclue", "commentaire_obligatoire", "ordre"]


class EchelleSerializer(serializers.Serializer):
    code = serializers.CharField()
    libelle = serializers.CharField()
    valeurs = ValeurEchelleSerializer(many=True)


class DocumentOutilSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentOutil
        fields = ["id", "type", "titre", "texte", "noeud", "critere"]


class CritereSerializer(serializers.ModelSerializer):
    class Meta:
        model = Critere
        fields = [
            "id",
            "code",
            "urn",
            "titre",
            "niveau",
            "explication",
            "exemples",
            "contenu_attendu",
            "sources",
            "preuves",
            "type_livrable",
            "imperatif",
            "indicateur_effectivite",
            "applicabilite",
            "ordre",
        ]


class NoeudTreeSerializer(serializers.Serializer):
    """A node with its children and criteria (recursive)."""

    id = serializers.IntegerField(source="noeud.pk")
    code = serializers.CharField(source="noeud.code")
    urn = serializers.CharField(source="noeud.urn")
    type = serializers.CharField(source="noeud.type")
    titre = serializers.CharField(source="noeud.titre")
    description = serializers.CharField(source="noeud.description")
    niveau = serializers.IntegerField(source="noeud.niveau", allow_null=True)
    criteres = CritereSerializer(many=True)
    enfants = serializers.SerializerMethodField()

    def get_enfants(self, item) -> list[dict]:
        return list(NoeudTreeSerializer(item.enfants, many=True).data)  # a ReturnList

    class Meta:
        ref_name = "NoeudArbre"


class VersionTreeSerializer(serializers.ModelSerializer):
    referentiel = serializers.SerializerMethodField()
    echelle = EchelleSerializer(allow_null=True)
    noeuds = NoeudTreeSerializer(many=True, source="tree")
    documents = DocumentOutilSerializer(many=True)

    class Meta:
        model = ReferentielVersion
        fields = [
            "id",
            "referentiel",
            "numero",
            "libelle",
            "statut",
            "echantillon",
            "avertissement",
            "options",
            "types_noeuds",
            "utilisee",
            "published_at",
            "archived_at",
            "copiee_de",
            "echelle",
            "noeuds",
            "documents",
        ]

    def get_referentiel(self, version) -> dict:
        return {
            "id": version.referentiel.pk,
            "code": version.referentiel.code,
            "titre": version.referentiel.titre,
        }


class ImportSerializer(serializers.Serializer):
    fichier = serializers.FileField(
        help_text="Fichier YAML, JSON ou XLSX au format qualireseau-referentiel/1 (5 Mo au plus)."
    )


class TransitionSerializer(serializers.Serializer):
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")


class CritereDiffSerializer(serializers.Serializer):
    urn = serializers.CharField()
    code = serializers.CharField()
    titre = serializers.CharField()


class FieldChangeSerializer(serializers.Serializer):
    """One changed field: its code, its label, and its old and new text."""

    champ = serializers.CharField()
    libelle = serializers.CharField()
    avant = serializers.CharField()
    apres = serializers.CharField()


class CritereChangeSerializer(serializers.Serializer):
    urn = serializers.CharField()
    code_avant = serializers.CharField(source="ancien.code")
    code = serializers.CharField(source="nouveau.code")
    champs = serializers.ListField(child=serializers.CharField())
    details = FieldChangeSerializer(many=True)


class DiffSerializer(serializers.Serializer):
    ancienne = serializers.IntegerField(source="ancienne.pk")
    nouvelle = serializers.IntegerField(source="nouvelle.pk")
    ajoutes = CritereDiffSerializer(many=True)
    supprimes = CritereDiffSerializer(many=True)
    modifies = CritereChangeSerializer(many=True)
    inchanges = serializers.IntegerField()


class ErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    line = serializers.IntegerField(required=False)
    sheet = serializers.CharField(required=False)
    row = serializers.IntegerField(required=False)


class FileErrorsSerializer(serializers.Serializer):
    """Errors of a frame file (import): each may name its line, sheet and row."""

    # A declared field, not Serializer.errors: DRF's metaclass moves it to _declared_fields.
    errors = ErrorItemSerializer(many=True)  # type: ignore[assignment]
