"""Shapes of deliverables, actions, collective actions, meetings and attendance."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accompagnement.groupes.models import (
    ActionCollective,
    Emargement,
    Horizon,
    Priorite,
    ReunionCollective,
    SoumissionLivrable,
    SuiviActionCollective,
    TypeLivrable,
)
from accompagnement.livrables import workflow as livrables_workflow
from accompagnement.livrables.models import Livrable, LivrableTransition, LivrableVersion
from accompagnement.plans import selectors as plan_selectors
from accompagnement.plans.models import Action
from api.permissions import StructureStaffField
from core.models import TransitionLog
from core.workflow import Workflow

if TYPE_CHECKING:
    from tenants.models import Structure, User


class TypeLivrableSerializer(serializers.ModelSerializer):
    class Meta:
        model = TypeLivrable
        fields = ["id", "code", "libelle", "critere_code", "description", "ordre", "actif"]
        read_only_fields = ["id", "ordre", "actif"]


class TransitionLogSerializer(serializers.ModelSerializer):
    """A status change (``TransitionLog``): the states' codes (de, vers) and their labels
    from the workflow's declaration (de_libelle, vers_libelle). Subclasses name the
    ``workflow`` and the log ``Meta.model``."""

    workflow: ClassVar[Workflow]

    # The API's names (de, vers, par) predate the shared TransitionLog fields.
    de = serializers.CharField(source="from_statut", read_only=True)
    de_libelle = serializers.SerializerMethodField(help_text="Libellé de l'état de départ.")
    vers = serializers.CharField(source="to_statut", read_only=True)
    vers_libelle = serializers.SerializerMethodField(help_text="Libellé de l'état d'arrivée.")
    par: serializers.PrimaryKeyRelatedField[User] = serializers.PrimaryKeyRelatedField(
        source="user", read_only=True
    )

    class Meta:
        fields = ["de", "de_libelle", "vers", "vers_libelle", "par", "at", "commentaire"]

    def get_de_libelle(self, log: TransitionLog) -> str:
        return self.workflow.label(log.from_statut)

    def get_vers_libelle(self, log: TransitionLog) -> str:
        return self.workflow.label(log.to_statut)


class LivrableTransitionSerializer(TransitionLogSerializer):
    workflow = livrables_workflow.VERSION

    class Meta(TransitionLogSerializer.Meta):
        model = LivrableTransition


class LivrableVersionSerializer(serializers.ModelSerializer):
    transitions = LivrableTransitionSerializer(many=True, read_only=True)

    class Meta:
        model = LivrableVersion
        fields = [
            "id",
            "livrable",
            "numero",
            "nom_original",
            "content_type",
            "taille",
            "statut",
            "uploaded_by",
            "uploaded_at",
            "submitted_at",
            "decided_at",
            "decided_by",
            "commentaire_decision",
            "transitions",
        ]
        read_only_fields = fields


class LivrableSerializer(serializers.ModelSerializer):
    type_livrable = serializers.SlugRelatedField(
        slug_field="code", queryset=TypeLivrable.objects.filter(actif=True)
    )
    versions = LivrableVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Livrable
        fields = ["id", "type_livrable", "titre", "created_at", "versions"]
        read_only_fields = ["id", "created_at", "versions"]
        extra_kwargs = {"titre": {"required": False, "allow_blank": True}}


class VersionUploadSerializer(serializers.Serializer):
    fichier = serializers.FileField()


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[LivrableVersion.Statut.VALIDE, LivrableVersion.Statut.A_REPRENDRE]
    )
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")


class SoumissionSerializer(serializers.ModelSerializer):
    structure: serializers.SlugRelatedField[Structure] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    type_livrable: serializers.SlugRelatedField[TypeLivrable] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = SoumissionLivrable
        fields = [
            "id",
            "structure",
            "type_livrable",
            "livrable_id",
            "version_id",
            "numero",
            "titre",
            "statut",
            "submitted_at",
        ]
        read_only_fields = fields


class ActionSerializer(serializers.ModelSerializer):
    # Someone without a role in the structure answers like an id that does not exist.
    responsable = StructureStaffField(required=False, allow_null=True)
    # Computed for every answer (a PATCH included: a read-only default is skipped there).
    en_retard = serializers.SerializerMethodField()

    class Meta:
        model = Action
        fields = [
            "id",
            "titre",
            "description",
            "dimension",
            "priorite",
            "statut",
            "avancement",
            "echeance",
            "responsable",
            "axe",
            "theme",
            "criteres",
            "origine",
            "origine_ref",
            "created_at",
            "updated_at",
            "en_retard",
        ]
        read_only_fields = [
            "id",
            "statut",
            "origine",
            "origine_ref",
            "created_at",
            "updated_at",
            "en_retard",
            "criteres",
            "theme",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_en_retard(self, action) -> bool:
        if hasattr(action, "en_retard"):
            return bool(action.en_retard)
        return bool(
            action.echeance
            and action.echeance < timezone.localdate()
            and action.statut in plan_selectors.OPEN
        )


class StatutSerializer(serializers.Serializer):
    statut = serializers.ChoiceField(choices=Action.Statut.choices)
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")


class SuiviSerializer(serializers.ModelSerializer):
    structure: serializers.SlugRelatedField[Structure] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = SuiviActionCollective
        fields = ["structure", "statut", "avancement", "updated_at"]
        read_only_fields = fields


class ActionCollectiveSerializer(serializers.ModelSerializer):
    suivis = SuiviSerializer(many=True, read_only=True)
    priorite = serializers.ChoiceField(choices=Priorite.choices, default=Priorite.MOYENNE)
    horizon = serializers.ChoiceField(choices=Horizon.choices, default=Horizon.MOYEN)
    criteres_codes = serializers.ListField(
        child=serializers.CharField(), required=False, default=list
    )

    class Meta:
        model = ActionCollective
        fields = [
            "id",
            "groupe",
            "titre",
            "description",
            "criteres_codes",
            "theme_code",
            "dimension",
            "priorite",
            "faisabilite",
            "horizon",
            "echeance",
            "created_at",
            "suivis",
        ]
        read_only_fields = ["id", "created_at", "suivis"]


class ReunionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReunionCollective
        fields = [
            "id",
            "groupe",
            "date",
            "duree_minutes",
            "lieu",
            "theme",
            "ordre_du_jour",
            "compte_rendu",
            "annulee",
            "created_at",
        ]
        read_only_fields = ["id", "compte_rendu", "annulee", "created_at"]


class EmargementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Emargement
        fields = ["id", "reunion", "structure", "participants", "created_at"]
        read_only_fields = ["id", "reunion", "created_at"]
