"""The structure's action plan (structure schema)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accompagnement.cross_schema import StructureTransitionLog


class Priorite(models.TextChoices):
    """Priorities of an action, also those of collective actions (``groupes``), whose
    copies land in each structure's plan."""

    HAUTE = "haute", _("Haute")
    MOYENNE = "moyenne", _("Moyenne")
    BASSE = "basse", _("Basse")


class PlanAction(models.Model):
    titre = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan d'actions")
        verbose_name_plural = _("plans d'actions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.titre


class PolitiqueQualite(models.Model):
    """The structure's quality policy ("fiche synthèse"): 4 to 6 axes, each served by actions."""

    titre = models.CharField(_("titre"), max_length=255, default="Politique qualité")
    engagement = models.TextField(_("engagement de la direction"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("politique qualité")
        verbose_name_plural = _("politiques qualité")

    def __str__(self) -> str:
        return self.titre


class AxePolitique(models.Model):
    politique = models.ForeignKey(PolitiqueQualite, on_delete=models.CASCADE, related_name="axes")
    numero = models.PositiveSmallIntegerField(_("numéro"))
    titre = models.CharField(_("axe"), max_length=255)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("axe de la politique qualité")
        verbose_name_plural = _("axes de la politique qualité")
        ordering = ["politique", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["politique", "numero"], name="axe_numero_unique"),
            models.CheckConstraint(
                condition=models.Q(numero__gte=1, numero__lte=6), name="axe_numero_1_a_6"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.numero}. {self.titre}"


class Action(models.Model):
    class Dimension(models.TextChoices):
        STRATEGIQUE = "strategique", _("Stratégique")
        STRUCTURELLE = "structurelle", _("Structurelle")
        TECHNIQUE = "technique", _("Technique")
        CULTURELLE = "culturelle", _("Culturelle")

    class Statut(models.TextChoices):
        A_FAIRE = "a_faire", _("À faire")
        EN_COURS = "en_cours", _("En cours")
        FAIT = "fait", _("Fait")
        ABANDONNE = "abandonne", _("Abandonné")

    # The same priorities as collective actions, whose copies land in each structure's plan.
    Priorite = Priorite

    class Origine(models.TextChoices):
        AUTODIAGNOSTIC = "autodiagnostic", _("Autodiagnostic")
        EXPERT = "expert", _("Expert-réseau")
        EVENEMENT_INDESIRABLE = "evenement_indesirable", _("Événement indésirable")
        RECLAMATION = "reclamation", _("Réclamation")
        PLAN_COLLECTIF = "plan_collectif", _("Plan d'actions collectif")
        AUTRE = "autre", _("Autre")

    plan = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="actions")
    titre = models.CharField(_("titre"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    criteres = models.ManyToManyField(
        "referentiels.Critere",
        blank=True,
        related_name="+",
        verbose_name=_("critères liés"),
        db_constraint=False,
    )
    theme = models.ForeignKey(
        "referentiels.Noeud",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thème"),
        db_constraint=False,
    )
    dimension = models.CharField(
        _("dimension"), max_length=20, choices=Dimension.choices, default=Dimension.TECHNIQUE
    )
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsable"),
        db_constraint=False,
    )
    echeance = models.DateField(_("échéance"), null=True, blank=True)
    statut = models.CharField(
        _("statut"), max_length=20, choices=Statut.choices, default=Statut.A_FAIRE
    )
    avancement = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    priorite = models.CharField(
        _("priorité"), max_length=10, choices=Priorite.choices, default=Priorite.MOYENNE
    )
    origine = models.CharField(
        _("origine"), max_length=30, choices=Origine.choices, default=Origine.AUTRE
    )
    # Where the action came from, e.g. {"autodiagnostic": 3} or {"action_collective": 12}
    origine_ref = models.JSONField(default=dict, blank=True)
    axe = models.ForeignKey(
        AxePolitique,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("axe de la politique qualité"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["echeance", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(avancement__lte=100), name="action_avancement_max_100"
            ),
        ]

    def __str__(self) -> str:
        return self.titre


class ActionTransition(StructureTransitionLog):
    """The log of every status change of an action (who, when, from, to, comment)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="transitions")

    class Meta:
        verbose_name = _("changement de statut d'une action")
        verbose_name_plural = _("historique des actions")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action_id}: {super().__str__()}"
