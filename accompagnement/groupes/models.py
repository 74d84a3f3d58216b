"""Collective work of the network (public schema)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TypeLivrable(models.Model):
    """A kind of deliverable (welcome booklet, contract…), linked to its criterion code.

    Managed by the federation admin; the deck's list is loaded by the demo/sample loader.
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    libelle = models.CharField(_("libellé"), max_length=255)
    critere_code = models.CharField(_("critère lié"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    ordre = models.PositiveIntegerField(_("ordre"), default=0)
    actif = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("type de livrable")
        verbose_name_plural = _("types de livrable")
        ordering = ["ordre", "libelle"]

    def __str__(self) -> str:
        return self.libelle
