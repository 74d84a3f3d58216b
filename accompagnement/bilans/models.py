"""The structure's semi-annual review (structure schema): every field of the structure
form. Figures are pre-filled by ``bilans.selectors.review_figures`` and frozen, with the
text, in the public snapshot store when the review is submitted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accompagnement.cross_schema import StructureTransitionLog

# The 9 qualitative benefit headings of the structure form, in the form's order.
BENEFICES = (
    ("benefice_efficience", _("Efficience de l'organisation")),
    ("benefice_relations_usagers", _("Bonnes relations avec les usagers")),
    (
        "benefice_information_usagers",
        _("Pertinence et clarté des informations données aux usagers"),
    ),
    (
        "benefice_missions_personnel",
        _("Clarification des missions et responsabilités du personnel"),
    ),
    ("benefice_pratiques", _("Harmonisation des pratiques professionnelles")),
    ("benefice_qualite_service", _("Qualité du service")),
    ("benefice_tracabilite", _("Meilleure traçabilité")),
    ("benefice_risques", _("Maîtrise des risques et sécurisation des activités")),
    ("benefice_communication", _("Bonne communication interne et externe")),
)


class BilanStructure(models.Model):
    class Statut(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        SOUMIS = "soumis", _("Soumis")

    campagne = models.ForeignKey(
        "reporting.Campagne", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    statut = models.CharField(
        _("statut"), max_length=20, choices=Statut.choices, default=Statut.BROUILLON
    )
    date = models.DateField(_("date"), null=True, blank=True)
    lieu = models.CharField(_("lieu"), max_length=200, blank=True)
    auteur = models.CharField(_("rédigé par"), max_length=200, blank=True)
    referent_nom = models.CharField(_("nom du référent technique"), max_length=200, blank=True)
    referent_fonction = models.CharField(_("fonction"), max_length=200, blank=True)
    referent_telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    dispositions_organisationnelles = models.TextField(
        _("dispositions organisationnelles mises en place"), blank=True
    )
    outils_finalises = models.TextField(_("outils finalisés (livrables à enregistrer)"), blank=True)
    benefice_efficience = models.TextField(BENEFICES[0][1], blank=True)
    benefice_relations_usagers = models.TextField(BENEFICES[1][1], blank=True)
    benefice_information_usagers = models.TextField(BENEFICES[2][1], blank=True)
    benefice_missions_personnel = models.TextField(BENEFICES[3][1], blank=True)
    benefice_pratiques = models.TextField(BENEFICES[4][1], blank=True)
    benefice_qualite_service = models.TextField(BENEFICES[5][1], blank=True)
    benefice_tracabilite = models.TextField(BENEFICES[6][1], blank=True)
    benefice_risques = models.TextField(BENEFICES[7][1], blank=True)
    benefice_communication = models.TextField(BENEFICES[8][1], blank=True)
    livrables_par_theme = models.TextField(_("livrables : outils finalisés par thème"), blank=True)
    difficultes_territoire = models.TextField(_("difficultés au niveau territorial"), blank=True)
    difficultes_structures = models.TextField(_("difficultés avec les structures"), blank=True)
    difficultes_interne = models.TextField(_("difficultés au sein de la structure"), blank=True)
    remarques = models.TextField(_("remarques"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bilan semestriel de la structure")
        verbose_name_plural = _("bilans semestriels de la structure")
        ordering = ["-campagne__annee", "-campagne__semestre"]
        constraints = [
            models.UniqueConstraint(fields=["campagne"], name="bilan_structure_unique_par_campagne")
        ]

    def __str__(self) -> str:
        return f"Bilan {self.campagne_id}"

    @property
    def is_submitted(self) -> bool:
        return self.statut == self.Statut.SOUMIS


class BilanStructureTransition(StructureTransitionLog):
    bilan = models.ForeignKey(BilanStructure, on_delete=models.CASCADE, related_name="transitions")

    class Meta:
        ordering = ["bilan", "at"]
