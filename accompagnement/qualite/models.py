"""Managing by quality (seed 001, « Management par la qualité et gestion des risques »).

Three tools a structure runs next to its self-diagnosis and action plan, in its own schema:

* the **steering committee** (comité de pilotage qualité et gestion des risques): its
  members, its meetings with minutes and the decisions taken, each decision possibly
  turned into an action of the plan;
* **document control** (gestion documentaire): procedures, protocols and forms with their
  reference, version, owner and next review date, and the history of their versions;
* **evaluation of professional practices** (EPP): a chosen practice, its criteria, an
  audit of N files (pseudonymous references only), its conformity rates feeding the
  action plan.

References to people and to the plan's actions cross schemas (users live in ``public``):
they carry no database constraint; the services keep them consistent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MembreComite(models.Model):
    """A member of the structure's steering committee, with the function they hold in it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
        verbose_name=_("personne"),
    )
    fonction = models.CharField(_("fonction au comité"), max_length=120)
    depuis = models.DateField(_("membre depuis"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre du comité de pilotage")
        verbose_name_plural = _("membres du comité de pilotage")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["user"], name="qualite_membre_comite_unique")
        ]

    def __str__(self) -> str:
        return self.fonction


class ReunionComite(models.Model):
    """A meeting of the steering committee, with its agenda and minutes."""

    date = models.DateTimeField(_("date"))
    ordre_du_jour = models.TextField(_("ordre du jour"), blank=True)
    compte_rendu = models.TextField(_("compte rendu"), blank=True)
    presents = models.ManyToManyField(
        MembreComite, blank=True, related_name="reunions", verbose_name=_("membres présents")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réunion du comité de pilotage")
        verbose_name_plural = _("réunions du comité de pilotage")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"


class DecisionComite(models.Model):
    """A decision taken in a meeting; ``action`` is the plan's action it became, if any."""

    reunion = models.ForeignKey(ReunionComite, on_delete=models.CASCADE, related_name="decisions")
    texte = models.TextField(_("décision"))
    action = models.ForeignKey(
        "plans.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("action du plan"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("décision du comité de pilotage")
        verbose_name_plural = _("décisions du comité de pilotage")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.texte[:80]


class DocumentQualite(models.Model):
    """A controlled document of the structure (procedure, protocol, form…)."""

    class Type(models.TextChoices):
        PROCEDURE = "procedure", _("Procédure")
        PROTOCOLE = "protocole", _("Protocole")
        FORMULAIRE = "formulaire", _("Formulaire")
        ENREGISTREMENT = "enregistrement", _("Enregistrement")
        CHARTE = "charte", _("Charte")
        AUTRE = "autre", _("Autre")

    reference = models.CharField(_("référence"), max_length=30)
    titre = models.CharField(_("titre"), max_length=255)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    proprietaire = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
        verbose_name=_("responsable"),
    )
    version = models.CharField(_("version en vigueur"), max_length=20)
    date_validation = models.DateField(_("validée le"))
    date_revision = models.DateField(_("à réviser avant le"))
    archive = models.BooleanField(_("archivé"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("document qualité")
        verbose_name_plural = _("documents qualité")
        ordering = ["reference", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="qualite_document_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.titre}"


class VersionDocument(models.Model):
    """One version of a controlled document (the current one included)."""

    document = models.ForeignKey(DocumentQualite, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("version"), max_length=20)
    date_validation = models.DateField(_("validée le"))
    fichier = models.FileField(_("fichier"), upload_to="qualite/documents/%Y/", blank=True)
    modifications = models.TextField(_("modifications"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        db_constraint=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version d'un document")
        verbose_name_plural = _("versions des documents")
        ordering = ["-date_validation", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "version"], name="qualite_version_document_unique"
            )
        ]

    def __str__(self) -> str:
        return self.version


class EvaluationPratique(models.Model):
    """An evaluation of a professional practice by an audit of N files."""

    class Thematique(models.TextChoices):
        PROJET_PERSONNALISE = "projet_personnalise", _("Projet personnalisé")
        CIRCUIT_MEDICAMENT = "circuit_medicament", _("Circuit du médicament")
        HYGIENE = "hygiene", _("Hygiène")
        BIENTRAITANCE = "bientraitance", _("Bientraitance")
        CONTENTION = "contention", _("Contention")
        TEXTURES = "textures", _("Gestion des textures")
        DOSSIER_USAGER = "dossier_usager", _("Dossier de la personne accompagnée")
        AUTRE = "autre", _("Autre")

    titre = models.CharField(_("titre"), max_length=255)
    thematique = models.CharField(_("pratique évaluée"), max_length=30, choices=Thematique.choices)
    objectif = models.TextField(_("objectif"), blank=True)
    dossiers_prevus = models.PositiveSmallIntegerField(_("nombre de dossiers à auditer"))
    seuil = models.DecimalField(
        _("seuil de conformité attendu"),
        max_digits=3,
        decimal_places=2,
        default=0.8,
        help_text=_("Entre 0 et 1 : un critère sous ce taux donne une action du plan."),
    )
    debut = models.DateField(_("début"))
    terminee_le = models.DateField(_("terminée le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("évaluation des pratiques")
        verbose_name_plural = _("évaluations des pratiques")
        ordering = ["-debut", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seuil__gte=0, seuil__lte=1), name="qualite_epp_seuil_0_1"
            ),
            models.CheckConstraint(
                condition=models.Q(dossiers_prevus__gte=1), name="qualite_epp_dossiers_min_1"
            ),
        ]

    def __str__(self) -> str:
        return self.titre


class CritereEvaluation(models.Model):
    """One criterion checked in each audited file."""

    evaluation = models.ForeignKey(
        EvaluationPratique, on_delete=models.CASCADE, related_name="criteres"
    )
    ordre = models.PositiveSmallIntegerField(default=0)
    libelle = models.CharField(_("critère"), max_length=255)

    class Meta:
        verbose_name = _("critère d'évaluation")
        verbose_name_plural = _("critères d'évaluation")
        ordering = ["ordre", "pk"]

    def __str__(self) -> str:
        return self.libelle


class AuditDossier(models.Model):
    """One audited file, named by a pseudonymous reference (never a client's name)."""

    evaluation = models.ForeignKey(
        EvaluationPratique, on_delete=models.CASCADE, related_name="audits"
    )
    reference = models.CharField(_("référence pseudonyme du dossier"), max_length=30)
    audite_le = models.DateField(_("audité le"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier audité")
        verbose_name_plural = _("dossiers audités")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "reference"], name="qualite_audit_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class ResultatCritere(models.Model):
    """The answer for one criterion in one audited file."""

    class Reponse(models.TextChoices):
        OUI = "oui", _("Conforme")
        NON = "non", _("Non conforme")
        NA = "na", _("Non applicable")

    audit = models.ForeignKey(AuditDossier, on_delete=models.CASCADE, related_name="resultats")
    critere = models.ForeignKey(
        CritereEvaluation, on_delete=models.CASCADE, related_name="resultats"
    )
    reponse = models.CharField(_("réponse"), max_length=3, choices=Reponse.choices)

    class Meta:
        verbose_name = _("résultat d'un critère")
        verbose_name_plural = _("résultats des critères")
        constraints = [
            models.UniqueConstraint(fields=["audit", "critere"], name="qualite_resultat_unique")
        ]

    def __str__(self) -> str:
        return self.reponse
