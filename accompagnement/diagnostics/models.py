"""Self-diagnosis (structure schema): answers to a published frame version, and the
network expert's confirmation of each answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accompagnement.cross_schema import StructureTransitionLog


class Autodiagnostic(models.Model):
    class Statut(models.TextChoices):
        BROUILLON = "brouillon", _("En cours")
        SOUMIS = "soumis", _("Soumis à l'expert")
        REOUVERTURE_DEMANDEE = "reouverture_demandee", _("Réouverture demandée")
        CONFIRME = "confirme", _("Confirmé par l'expert")

    version = models.ForeignKey(
        "referentiels.ReferentielVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("version du référentiel"),
        db_constraint=False,
    )
    annee = models.PositiveSmallIntegerField(_("année"))
    statut = models.CharField(
        _("statut"), max_length=30, choices=Statut.choices, default=Statut.BROUILLON
    )
    precedent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suivants",
        verbose_name=_("autodiagnostic précédent"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("autodiagnostic")
        verbose_name_plural = _("autodiagnostics")
        ordering = ["-annee", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "annee"], name="autodiagnostic_unique_version_annee"
            )
        ]

    def __str__(self) -> str:
        return f"Autodiagnostic {self.annee}"

    @property
    def is_locked(self) -> bool:
        """Answers can change only while the self-diagnosis is in progress."""
        return self.statut != self.Statut.BROUILLON


class Reponse(models.Model):
    """The structure's declared answer to one criterion. ``revision`` is the version token
    for optimistic concurrency: a save based on a stale revision is refused."""

    autodiagnostic = models.ForeignKey(
        Autodiagnostic, on_delete=models.CASCADE, related_name="reponses"
    )
    critere = models.ForeignKey(
        "referentiels.Critere", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    valeur = models.ForeignKey(
        "referentiels.ValeurEchelle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cotation déclarée"),
        db_constraint=False,
    )
    commentaire = models.TextField(_("commentaire"), blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["autodiagnostic", "critere"], name="reponse_unique_par_critere"
            )
        ]

    def __str__(self) -> str:
        return f"{self.critere_id}: {self.valeur_id}"


class Preuve(models.Model):
    """An evidence file attached to an answer (stored outside the web root)."""

    reponse = models.ForeignKey(Reponse, on_delete=models.CASCADE, related_name="preuves")
    fichier = models.FileField(_("fichier"), upload_to="preuves/")
    nom_original = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    taille = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("élément de preuve")
        verbose_name_plural = _("éléments de preuve")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.nom_original


class Confirmation(models.Model):
    """The expert's confirmed score for one answer (comment required when it differs)."""

    reponse = models.OneToOneField(Reponse, on_delete=models.CASCADE, related_name="confirmation")
    valeur = models.ForeignKey(
        "referentiels.ValeurEchelle",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cotation confirmée"),
        db_constraint=False,
    )
    commentaire = models.TextField(_("commentaire de l'expert"), blank=True)
    preuves_examinees = models.ManyToManyField(Preuve, blank=True, related_name="confirmations")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    confirmed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")

    def __str__(self) -> str:
        return f"{self.reponse_id}: {self.valeur_id}"


class AutodiagnosticTransition(StructureTransitionLog):
    """The log of a self-diagnosis' workflow (``workflow.AUTODIAGNOSTIC``): who moved it,
    when, from which status to which, by which move, with an optional comment."""

    autodiagnostic = models.ForeignKey(
        Autodiagnostic, on_delete=models.CASCADE, related_name="transitions"
    )
    transition = models.CharField(_("transition"), max_length=30)

    class Meta:
        verbose_name = _("transition d'autodiagnostic")
        verbose_name_plural = _("transitions d'autodiagnostic")
        ordering = ["autodiagnostic", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.autodiagnostic_id}: {self.from_statut} → {self.to_statut}"


class ExportAutodiagnostic(models.Model):
    """A requested export (XLSX or PDF) and its progress, written by a Celery task.

    ``empreinte`` fingerprints the data exported (answers, confirmations, status): asking
    again for the same data gives back the same row (idempotent), new data a new file."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", _("En attente")
        EN_COURS = "en_cours", _("En cours")
        PRET = "pret", _("Prêt")
        ECHEC = "echec", _("Échec")

    autodiagnostic = models.ForeignKey(
        Autodiagnostic, on_delete=models.CASCADE, related_name="exports"
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    empreinte = models.CharField(max_length=64)
    etat = models.CharField(_("état"), max_length=20, choices=Etat.choices, default=Etat.EN_ATTENTE)
    progression = models.PositiveSmallIntegerField(_("progression (%)"), default=0)
    fichier = models.FileField(_("fichier"), upload_to="exports/", blank=True)
    erreur = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export d'autodiagnostic")
        verbose_name_plural = _("exports d'autodiagnostic")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["autodiagnostic", "format", "empreinte"], name="export_unique_empreinte"
            ),
            models.CheckConstraint(
                condition=models.Q(progression__lte=100), name="export_progression_max_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.autodiagnostic_id}.{self.format} ({self.etat})"


class ExportAutodiagnosticTransition(StructureTransitionLog):
    """The log of an export's progress (``workflow.EXPORT``): en attente, en cours, prêt or en
    échec, and each retry — who asked for it when a person did."""

    export = models.ForeignKey(
        ExportAutodiagnostic, on_delete=models.CASCADE, related_name="transitions"
    )
    transition = models.CharField(_("transition"), max_length=30)

    class Meta:
        verbose_name = _("transition d'export d'autodiagnostic")
        verbose_name_plural = _("transitions d'export d'autodiagnostic")
        ordering = ["export", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.export_id}: {self.from_statut} → {self.to_statut}"
