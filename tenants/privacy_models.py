"""A director's request to export or erase the structure's data (personal-data duty),
approved by the federation admin, then carried out by the existing operations
(``tenants.operations``). Public schema; imported by ``tenants.models``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TransitionLog


class DemandeDonnees(models.Model):
    class Type(models.TextChoices):
        EXPORT = "export", _("Export des données")
        EFFACEMENT = "effacement", _("Effacement des données")

    class Statut(models.TextChoices):
        DEMANDEE = "demandee", _("Demandée")
        APPROUVEE = "approuvee", _("Approuvée, en cours")
        REFUSEE = "refusee", _("Refusée")
        FAITE = "faite", _("Faite")

    structure = models.ForeignKey(
        "tenants.Structure", on_delete=models.CASCADE, related_name="demandes_donnees"
    )
    type = models.CharField(_("demande"), max_length=20, choices=Type.choices)
    motif = models.TextField(_("motif"))
    statut = models.CharField(
        _("statut"), max_length=20, choices=Statut.choices, default=Statut.DEMANDEE
    )
    demandee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    demandee_le = models.DateTimeField(auto_now_add=True)
    decidee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decidee_le = models.DateTimeField(null=True, blank=True)
    commentaire = models.TextField(_("commentaire de la fédération"), blank=True)
    faite_le = models.DateTimeField(null=True, blank=True)
    # The export's archive, relative to MEDIA_ROOT (served to the structure's director).
    archive = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("demande sur les données d'une structure")
        verbose_name_plural = _("demandes sur les données des structures")
        ordering = ["-demandee_le", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "type"],
                condition=models.Q(statut__in=["demandee", "approuvee"]),
                name="demande_donnees_une_en_cours_par_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.structure_id} {self.type} {self.statut}"


class DemandeDonneesTransition(TransitionLog):
    demande = models.ForeignKey(
        DemandeDonnees, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta:
        verbose_name = _("historique d'une demande sur les données")
        ordering = ["at", "pk"]
