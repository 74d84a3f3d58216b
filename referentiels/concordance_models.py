"""The crosswalk (table de concordance) of a frame version: which legal or certification
references each criterion answers (NF X 50-056 sections, chapters of the HAS frame for
ESSMS, articles of the CASF or the Code de la consommation…). Identifiers and short labels
written for the project only — never the references' copyrighted text.

The crosswalk describes a version without changing it: the federation admin maintains it
even after publication (answers and scores do not depend on it); a new version of the
frame starts with a copy of its predecessor's crosswalk. Imported by ``referentiels.models``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceExterne(models.Model):
    class Systeme(models.TextChoices):
        NF_X_50_056 = "nf_x_50_056", _("Norme NF X 50-056 (août 2014)")
        HAS_ESSMS = "has_essms_2022", _("Référentiel HAS des ESSMS (2022)")
        CASF = "casf", _("Code de l'action sociale et des familles")
        CONSOMMATION = "consommation", _("Code de la consommation")
        AGREMENT = "agrement", _("Cahier des charges de l'agrément (arrêté du 26 décembre 2011)")

    systeme = models.CharField(_("référentiel externe"), max_length=30, choices=Systeme.choices)
    code = models.CharField(_("identifiant"), max_length=40)
    chapitre = models.CharField(
        _("chapitre"), max_length=40, help_text=_("Regroupement pour la couverture, ex. « § 4.2 »")
    )
    libelle = models.CharField(_("libellé court"), max_length=200, blank=True)
    ordre = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("référence externe")
        verbose_name_plural = _("références externes")
        ordering = ["systeme", "ordre", "code"]
        constraints = [
            models.UniqueConstraint(fields=["systeme", "code"], name="reference_externe_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_systeme_display()} {self.code}"


class Concordance(models.Model):
    """One criterion of a frame version answers one external reference."""

    critere = models.ForeignKey(
        "referentiels.Critere", on_delete=models.CASCADE, related_name="concordances"
    )
    reference = models.ForeignKey(
        ReferenceExterne, on_delete=models.PROTECT, related_name="concordances"
    )

    class Meta:
        verbose_name = _("concordance")
        verbose_name_plural = _("table de concordance")
        constraints = [
            models.UniqueConstraint(fields=["critere", "reference"], name="concordance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.critere_id} ↔ {self.reference_id}"
