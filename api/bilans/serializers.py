"""Serializers of registers, reviews, campaigns and consolidation (shape only)."""

from __future__ import annotations

from functools import cache

from rest_framework import serializers

from accompagnement.bilans.models import BilanStructure
from accompagnement.bilans.services import TEXT_FIELDS
from accompagnement.diagnostics import scoring
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


def _rate(help_text: str = "") -> serializers.FloatField:
    """A rate: a fraction 0..1, ``null`` when nothing is known."""
    return serializers.FloatField(allow_null=True, help_text=help_text or "Fraction 0..1.")


class ConsolidationCampagneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    libelle = serializers.CharField()
    echeance = serializers.DateField()


class PerimetreSerializer(serializers.Serializer):
    territoire = serializers.IntegerField(allow_null=True)
    groupe = serializers.IntegerField(allow_null=True)


class TauxSerializer(serializers.Serializer):
    declare = _rate("Taux déclaré (moyenne des structures).")
    confirme = _rate("Taux confirmé par l'expert (moyenne des structures).")
    ecart = _rate("Déclaré − confirmé, en fraction (0.1 = 10 points).")


class ThemeConsolideSerializer(TauxSerializer):
    code = serializers.CharField()
    titre = serializers.CharField()


class NoeudConsolideSerializer(ThemeConsolideSerializer):
    profondeur = serializers.IntegerField(help_text="0 : chapitre, 1 : thématique…")


class DefinitionModuleSerializer(TauxSerializer):
    code = serializers.ChoiceField(choices=scoring.MODULE_DEFINITIONS)
    libelle = serializers.CharField()
    principal = serializers.BooleanField(help_text="La définition retenue par le référentiel.")


class ModuleConsolideSerializer(TauxSerializer):
    definition_principale = serializers.ChoiceField(choices=scoring.MODULE_DEFINITIONS)
    definitions = DefinitionModuleSerializer(many=True)


class ImperatifsConsolidesSerializer(serializers.Serializer):
    structures = serializers.IntegerField(
        help_text="Structures dont le référentiel a des critères impératifs."
    )
    part_tous_satisfaits = _rate("Part de ces structures les satisfaisant tous.")
    non_satisfaits = serializers.IntegerField(help_text="Critères impératifs non satisfaits.")


class BilansConsolidesSerializer(serializers.Serializer):
    attendus = serializers.IntegerField()
    soumis = serializers.IntegerField()
    soumis_en_retard = serializers.IntegerField()
    manquants = serializers.ListField(child=serializers.CharField(), help_text="Noms.")
    echeance_depassee = serializers.BooleanField()


class RealisationSerializer(serializers.Serializer):
    structures_engagees = serializers.IntegerField()
    structures_deploiement = serializers.IntegerField()
    pilotes = serializers.IntegerField()
    experts = serializers.IntegerField()
    experts_formes = serializers.IntegerField(
        help_text="Experts du périmètre ayant suivi une formation enregistrée."
    )
    pilotes_sensibilises = serializers.IntegerField(
        help_text="Pilotes du périmètre ayant suivi une sensibilisation enregistrée."
    )
    part_diagnostic_realise = _rate()
    taux_conformite_declare = _rate()
    taux_conformite_confirme = _rate()
    reunions_collectives = serializers.IntegerField()
    part_tous_niveau1 = _rate()
    part_tous_niveau2 = _rate()


class EffectiviteSerializer(serializers.Serializer):
    taux_participation = _rate()
    taux_plan_actions = _rate()
    criteres = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        help_text="Par code de critère d'effectivité : part des structures le satisfaisant.",
    )
    part_conformes_8_criteres = _rate()


class ImpactSerializer(serializers.Serializer):
    taux_satisfaits = _rate()
    reclamations = serializers.IntegerField()
    taux_mecontents = _rate()


class FamillesSerializer(serializers.Serializer):
    realisation = RealisationSerializer()
    effectivite = EffectiviteSerializer()
    impact = ImpactSerializer()


class HeadlineSerializer(serializers.Serializer):
    """Means of the headline figures over a set of structures' snapshots."""

    bilans = serializers.IntegerField()
    taux_declare = _rate()
    taux_confirme = _rate()
    taux_plan_actions = _rate()
    taux_participation = _rate()
    taux_satisfaits = _rate()
    taux_mecontents = _rate()
    part_tous_niveau1 = _rate()
    part_tous_niveau2 = _rate()


class DetailLigneSerializer(HeadlineSerializer):
    id = serializers.IntegerField()
    nom = serializers.CharField()
    niveau = serializers.ChoiceField(choices=["territoire", "groupe", "structure"])


class EvolutionLigneSerializer(HeadlineSerializer):
    campagne = serializers.CharField(help_text="Libellé de la campagne.")


class ImperatifsStructureSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    non_satisfaits = serializers.IntegerField()
    sans_reponse = serializers.IntegerField()
    tous_satisfaits = serializers.BooleanField(allow_null=True)
    criteres_non_satisfaits = serializers.ListField(child=serializers.CharField())


class TauxThemeStructureSerializer(serializers.Serializer):
    declare = _rate()
    confirme = _rate()


class StructureConsolideeSerializer(serializers.Serializer):
    """One structure's snapshot (the figures frozen when its review was submitted)."""

    structure_id = serializers.IntegerField()
    structure_nom = serializers.CharField()
    territoire_id = serializers.IntegerField(allow_null=True)
    groupe_ids = serializers.ListField(child=serializers.IntegerField())
    soumis_le = serializers.DateTimeField(help_text="Ancien nom de ``submitted_at``.")
    submitted_at = serializers.DateTimeField()
    en_retard = serializers.BooleanField()
    taux_declare = _rate()
    taux_confirme = _rate()
    ecart = _rate()
    tous_niveau1 = serializers.BooleanField(allow_null=True)
    tous_niveau2 = serializers.BooleanField(allow_null=True)
    taux_plan_actions = _rate()
    taux_participation = _rate()
    taux_satisfaits = _rate()
    reclamations = serializers.IntegerField(allow_null=True)
    taux_mecontents = _rate()
    moyenne_themes = TauxThemeStructureSerializer(allow_null=True)
    imperatifs = ImperatifsStructureSerializer(
        allow_null=True, help_text="null : le référentiel n'a pas de critère impératif."
    )
    themes = serializers.DictField(child=TauxThemeStructureSerializer(), help_text="Par thème.")
    criteres_cibles = serializers.DictField(
        child=serializers.BooleanField(allow_null=True),
        help_text="Par critère d'effectivité : satisfait (null : sans réponse).",
    )


class ConsolidationSerializer(serializers.Serializer):
    """Rates by structure and theme, every node of the frame, the module rate under both
    definitions, imperative criteria, indicator families, drill-down and evolution."""

    campagne = ConsolidationCampagneSerializer()
    perimetre = PerimetreSerializer()
    structures = StructureConsolideeSerializer(many=True)
    themes = ThemeConsolideSerializer(many=True)
    noeuds = NoeudConsolideSerializer(
        many=True, help_text="Chaque nœud du référentiel (toute profondeur), dans son ordre."
    )
    module = ModuleConsolideSerializer()
    imperatifs = ImperatifsConsolidesSerializer()
    part_tous_niveau1 = _rate()
    part_tous_niveau2 = _rate()
    bilans = BilansConsolidesSerializer()
    familles = FamillesSerializer()
    detail = DetailLigneSerializer(many=True)
    evolution = EvolutionLigneSerializer(many=True)


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
