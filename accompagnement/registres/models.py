"""Quality registers (structure schema): complaints, adverse events, satisfaction surveys
and the number of clients per year.

Client data here is health data: a client is only ever identified by a pseudonymous
reference (``C-0042``), never by a name; descriptions are never written to logs.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

CLIENT_REFERENCE_RE = re.compile(r"^[A-Z]{1,4}-\d{1,8}$")
CLIENT_REFERENCE_HELP = _(
    "Référence pseudonyme du client, jamais son nom : lettres majuscules, tiret, chiffres "
    "(ex. « C-0042 »). La correspondance avec la personne reste dans le dossier de la structure."
)


def validate_client_reference(value: str) -> None:
    if not CLIENT_REFERENCE_RE.match(value or ""):
        raise ValidationError(
            _("Saisissez une référence pseudonyme au format « C-0042 » (pas de nom)."),
            code="client_reference",
        )


class Reclamation(models.Model):
    class Forme(models.TextChoices):
        ORALE = "orale", _("Orale")
        ECRITE = "ecrite", _("Écrite")

    class Categorie(models.TextChoices):
        PRESTATION = "prestation", _("Réalisation de la prestation")
        PLANNING = "planning", _("Planning, horaires, continuité")
        PERSONNEL = "personnel", _("Comportement du personnel")
        FACTURATION = "facturation", _("Facturation, contrat")
        INFORMATION = "information", _("Accueil, information")
        AUTRE = "autre", _("Autre")

    date = models.DateField(_("date"))
    forme = models.CharField(_("forme"), max_length=10, choices=Forme.choices)
    client_reference = models.CharField(
        _("référence client"),
        max_length=13,
        validators=[validate_client_reference],
        help_text=CLIENT_REFERENCE_HELP,
    )
    categorie = models.CharField(
        _("catégorie"), max_length=20, choices=Categorie.choices, default=Categorie.AUTRE
    )
    description = models.TextField(_("description"))
    traitement = models.TextField(_("traitement"), blank=True)
    date_reponse = models.DateField(_("date de réponse"), null=True, blank=True)
    cloturee = models.BooleanField(_("clôturée"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réclamation")
        verbose_name_plural = _("réclamations")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["date"], name="reclamation_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_reponse__isnull=True)
                | models.Q(date_reponse__gte=models.F("date")),
                name="reclamation_reponse_apres_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.client_reference}"

    def clean(self) -> None:
        if self.date_reponse and self.date and self.date_reponse < self.date:
            raise ValidationError(
                {"date_reponse": _("La réponse ne peut pas précéder la réclamation.")}
            )


class EvenementIndesirable(models.Model):
    class Gravite(models.TextChoices):
        MINEURE = "mineure", _("Mineure")
        SIGNIFICATIVE = "significative", _("Significative")
        MAJEURE = "majeure", _("Majeure")
        CRITIQUE = "critique", _("Critique")

    date = models.DateField(_("date"))
    gravite = models.CharField(_("gravité"), max_length=20, choices=Gravite.choices)
    description = models.TextField(_("description"))
    analyse = models.TextField(_("analyse"), blank=True)
    actions = models.ManyToManyField(
        "plans.Action", blank=True, related_name="+", verbose_name=_("actions du plan liées")
    )
    retour_experience = models.BooleanField(_("retour d'expérience fait"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("événement indésirable")
        verbose_name_plural = _("événements indésirables")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_gravite_display()}"


class EnqueteSatisfaction(models.Model):
    periode = models.CharField(
        _("période"), max_length=50, help_text=_("Ex. « 2016 » ou « S2 2016 ».")
    )
    annee = models.PositiveSmallIntegerField(_("année"))
    repondants = models.PositiveIntegerField(_("nombre de répondants"))
    tres_satisfaits = models.PositiveIntegerField(_("très satisfaits"), default=0)
    satisfaits = models.PositiveIntegerField(_("satisfaits"), default=0)
    peu_satisfaits = models.PositiveIntegerField(_("peu satisfaits"), default=0)
    pas_satisfaits = models.PositiveIntegerField(_("pas satisfaits"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enquête de satisfaction")
        verbose_name_plural = _("enquêtes de satisfaction")
        ordering = ["-annee", "periode"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    repondants__gte=models.F("tres_satisfaits")
                    + models.F("satisfaits")
                    + models.F("peu_satisfaits")
                    + models.F("pas_satisfaits")
                ),
                name="enquete_total_le_repondants",
            ),
        ]

    def __str__(self) -> str:
        return self.periode

    @property
    def total_reponses(self) -> int:
        return self.tres_satisfaits + self.satisfaits + self.peu_satisfaits + self.pas_satisfaits

    def clean(self) -> None:
        if (
            self.repondants is not None
            and None
            not in (self.tres_satisfaits, self.satisfaits, self.peu_satisfaits, self.pas_satisfaits)
            and self.total_reponses > self.repondants
        ):
            raise ValidationError(
                {
                    "repondants": _(
                        "La somme des réponses (%(total)s) dépasse le nombre de répondants."
                    )
                    % {"total": self.total_reponses}
                }
            )


class NombreClients(models.Model):
    annee = models.PositiveSmallIntegerField(_("année"), unique=True)
    nombre = models.PositiveIntegerField(_("nombre de clients"))

    class Meta:
        verbose_name = _("nombre de clients")
        verbose_name_plural = _("nombres de clients par année")
        ordering = ["-annee"]

    def __str__(self) -> str:
        return f"{self.annee}: {self.nombre}"


class PurgeRetention(models.Model):
    """What the retention task removed from a register: how many entries dated before
    which day (never their content: the entries are gone)."""

    registre = models.CharField(_("registre"), max_length=30)
    avant_le = models.DateField(_("entrées datées avant le"))
    supprimees = models.PositiveIntegerField(_("entrées supprimées"))
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("purge de conservation")
        verbose_name_plural = _("purges de conservation")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.registre} < {self.avant_le:%Y-%m-%d}: {self.supprimees}"
