"""Deliverables (structure schema): successive versions validated by an expert."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accompagnement.cross_schema import StructureTransitionLog


class Livrable(models.Model):
    type_livrable = models.ForeignKey(
        "groupes.TypeLivrable",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("type"),
        db_constraint=False,
    )
    titre = models.CharField(_("titre"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("livrable")
        verbose_name_plural = _("livrables")
        ordering = ["type_livrable__ordre", "titre"]

    def __str__(self) -> str:
        return self.titre


class LivrableVersion(models.Model):
    class Statut(models.TextChoices):
        BROUILLON = "brouillon", _("Brouillon")
        SOUMIS = "soumis", _("Soumis")
        VALIDE = "valide", _("Validé")
        A_REPRENDRE = "a_reprendre", _("À reprendre")

    livrable = models.ForeignKey(Livrable, on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveIntegerField(_("version"))
    fichier = models.FileField(_("fichier"), upload_to="livrables/")
    nom_original = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    taille = models.PositiveBigIntegerField(default=0)
    statut = models.CharField(
        _("statut"), max_length=20, choices=Statut.choices, default=Statut.BROUILLON
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_constraint=False,
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    commentaire_decision = models.TextField(_("commentaire de l'expert"), blank=True)

    class Meta:
        verbose_name = _("version de livrable")
        verbose_name_plural = _("versions de livrable")
        ordering = ["livrable", "-numero"]
        constraints = [
            models.UniqueConstraint(
                fields=["livrable", "numero"], name="livrable_version_numero_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.livrable} v{self.numero}"


class LivrableTransition(StructureTransitionLog):
    """The log of every status change of a version (who, when, from, to, comment)."""

    version = models.ForeignKey(
        LivrableVersion, on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta:
        verbose_name = _("changement de statut d'un livrable")
        verbose_name_plural = _("historique des livrables")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.version_id}: {super().__str__()}"
