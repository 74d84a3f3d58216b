"""Self-diagnosis API shapes (thin: the selectors load, the services validate)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accompagnement.diagnostics.models import Autodiagnostic, Reponse
from accompagnement.diagnostics.selectors import confirmation_of
from accompagnement.plans.models import Action
from api.qualite.serializers import StaffField


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    critere = serializers.CharField(
        required=False, help_text="Demandes groupées : le critère de l'élément refusé."
    )
    current = serializers.DictField(
        required=False, help_text="Demandes groupées, conflit : la réponse enregistrée."
    )


class ErrorsSerializer(serializers.Serializer):
    # A declared field, not Serializer.errors: DRF's metaclass moves it to _declared_fields.
    errors = ErrorSerializer(many=True)  # type: ignore[assignment]
    details = serializers.DictField(
        required=False, help_text="Ex. la réponse de l'autre personne en cas de conflit."
    )


class AutodiagnosticSerializer(serializers.ModelSerializer):
    version_libelle = serializers.CharField(source="version.__str__", read_only=True)
    nb_criteres = serializers.IntegerField(read_only=True)
    nb_repondus = serializers.IntegerField(read_only=True)
    nb_confirmes = serializers.IntegerField(read_only=True)

    class Meta:
        model = Autodiagnostic
        fields = [
            "id",
            "annee",
            "statut",
            "version",
            "version_libelle",
            "precedent",
            "created_at",
            "submitted_at",
            "confirmed_at",
            "nb_criteres",
            "nb_repondus",
            "nb_confirmes",
        ]
        read_only_fields = fields


class AutodiagnosticCreateSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        help_text="Identifiant d'une version publiée du référentiel."
    )
    annee = serializers.IntegerField(min_value=2000, max_value=2100)
    reprendre_precedent = serializers.BooleanField(
        default=True,
        help_text="Partir des réponses du dernier autodiagnostic (via la correspondance des critères).",
    )


class ReponseCritereSerializer(serializers.Serializer):
    """The criterion an answer is about (short form)."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    titre = serializers.CharField()
    niveau = serializers.IntegerField(allow_null=True)
    theme = serializers.IntegerField(source="theme_id")


class ConfirmationSerializer(serializers.Serializer):
    valeur = serializers.CharField(source="valeur.code")
    commentaire = serializers.CharField()
    expert = serializers.CharField(source="expert.email", allow_null=True, default=None)
    preuves_examinees = serializers.SerializerMethodField()
    confirmed_at = serializers.DateTimeField()

    def get_preuves_examinees(self, confirmation) -> list[int]:
        return [p.pk for p in confirmation.preuves_examinees.all()]


class ReponseSerializer(serializers.ModelSerializer):
    critere = ReponseCritereSerializer()
    valeur = serializers.CharField(source="valeur.code", allow_null=True, default=None)
    preuves = serializers.SerializerMethodField()
    confirmation = serializers.SerializerMethodField()

    class Meta:
        model = Reponse
        fields = [
            "id",
            "critere",
            "valeur",
            "commentaire",
            "revision",
            "updated_at",
            "preuves",
            "confirmation",
        ]

    def get_preuves(self, reponse) -> list[dict]:
        return [
            {"id": p.pk, "nom": p.nom_original, "taille": p.taille} for p in reponse.preuves.all()
        ]

    @extend_schema_field(ConfirmationSerializer(allow_null=True))
    def get_confirmation(self, reponse) -> dict | None:
        confirmation = confirmation_of(reponse)
        return ConfirmationSerializer(confirmation).data if confirmation else None


class ReponseUpdateSerializer(serializers.Serializer):
    critere = serializers.CharField(help_text="Code du critère, ex. 4.2.1.")
    valeur = serializers.CharField(
        allow_null=True, allow_blank=True, help_text="Code de la cotation, ex. C."
    )
    commentaire = serializers.CharField(allow_blank=True, required=False, default="")
    revision = serializers.IntegerField(
        min_value=0, help_text="Révision lue : refusée (409) si quelqu'un a enregistré entre-temps."
    )


class ConfirmationInputSerializer(serializers.Serializer):
    critere = serializers.CharField(help_text="Code du critère.")
    valeur = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Cotation confirmée ; vide = confirme la cotation déclarée.",
    )
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")
    preuves_examinees = serializers.ListField(
        child=serializers.IntegerField(), required=False, default=list
    )


class TransitionInputSerializer(serializers.Serializer):
    commentaire = serializers.CharField(required=False, allow_blank=True, default="")


class RateSerializer(serializers.Serializer):
    taux = serializers.FloatField(
        allow_null=True, help_text="Taux, fraction de 0 à 1 ; null sans critère évalué."
    )
    evalues = serializers.IntegerField()
    exclus = serializers.IntegerField()
    sans_reponse = serializers.IntegerField()
    total = serializers.IntegerField()


class PairSerializer(serializers.Serializer):
    declare = RateSerializer(allow_null=True)
    confirme = RateSerializer(allow_null=True)
    ecart = serializers.FloatField(
        allow_null=True, help_text="Déclaré − confirmé, en fraction (0,1 = 10 points)."
    )


class ThemeLevelScoreSerializer(PairSerializer):
    niveau = serializers.IntegerField(allow_null=True)


class ThemeScoreSerializer(PairSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    titre = serializers.CharField()
    niveaux = ThemeLevelScoreSerializer(many=True)


class LevelScoreSerializer(ThemeLevelScoreSerializer):
    tous_satisfaits_declare = serializers.BooleanField(
        allow_null=True, help_text="null (inconnu) sans réponse à ce niveau."
    )
    tous_satisfaits_confirme = serializers.BooleanField(
        allow_null=True, help_text="null (inconnu) tant que rien n'est confirmé à ce niveau."
    )


class CriterionScoreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    declare = serializers.CharField(allow_null=True)
    confirme = serializers.CharField(allow_null=True)
    ecart = serializers.FloatField(allow_null=True)


class ScoresSerializer(serializers.Serializer):
    module = PairSerializer()
    themes = ThemeScoreSerializer(many=True)
    niveaux = LevelScoreSerializer(many=True)
    criteres = CriterionScoreSerializer(many=True)


class ExportStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    format = serializers.CharField()
    etat = serializers.CharField()
    progression = serializers.IntegerField()


class BulkAnswerItemSerializer(ReponseUpdateSerializer):
    """One criterion of a bulk answer (same fields as the single PATCH)."""


class BulkAnswersInputSerializer(serializers.Serializer):
    reponses = BulkAnswerItemSerializer(many=True, allow_empty=True)
    submit = serializers.BooleanField(
        default=False, help_text="Soumettre ensuite l'autodiagnostic (même transaction)."
    )


class BulkConfirmationItemSerializer(ConfirmationInputSerializer):
    """One criterion of a bulk confirmation (same fields as the single POST)."""


class BulkConfirmationsInputSerializer(serializers.Serializer):
    confirmations = BulkConfirmationItemSerializer(many=True, required=False, default=list)
    rest_as_declared = serializers.BooleanField(
        default=False,
        help_text="Confirmer ensuite tous les autres critères répondus à leur cotation déclarée.",
    )
    finish = serializers.BooleanField(
        default=False, help_text="Terminer ensuite la confirmation (même transaction)."
    )


class BulkResultSerializer(serializers.Serializer):
    autodiagnostic = AutodiagnosticSerializer()
    reponses = ReponseSerializer(many=True, help_text="Les critères écrits par la demande.")


class ActionProposalSerializer(serializers.Serializer):
    critere = serializers.CharField(help_text="Code d'un critère confirmé non satisfait.")
    responsable = StaffField(required=False, allow_null=True, default=None)
    echeance = serializers.DateField(required=False, allow_null=True, default=None)
    dimension = serializers.ChoiceField(
        choices=Action.Dimension.choices,
        required=False,
        allow_null=True,
        default=None,
        help_text="Dimension de Shortell.",
    )


class ProposeActionsInputSerializer(serializers.Serializer):
    propositions = ActionProposalSerializer(many=True, required=False, default=list)


class ProposedActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Action
        fields = ["id", "titre", "dimension", "priorite", "statut", "echeance", "responsable"]
        read_only_fields = fields
