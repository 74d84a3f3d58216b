"""The four registers, described once: model, URL slug, editable fields (form, XLSX
columns, API) and labels. Views, import/export and the API all read this table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from accompagnement.registres.models import (
    EnqueteSatisfaction,
    EvenementIndesirable,
    NombreClients,
    Reclamation,
)
from core.fields import field_label as model_field_label


@dataclass(frozen=True)
class Registre:
    slug: str
    model: type[models.Model]
    fields: tuple[str, ...]  # editable fields, in form / XLSX column order
    list_fields: tuple[str, ...]  # columns of the list page (never free-text descriptions)
    title: StrOrPromise
    new_label: StrOrPromise

    @property
    def import_fields(self) -> tuple[str, ...]:
        """XLSX columns (many-to-many links are edited on screen only)."""
        return tuple(
            name for name in self.fields if not self.model._meta.get_field(name).many_to_many
        )


REGISTRES: dict[str, Registre] = {
    r.slug: r
    for r in (
        Registre(
            "reclamations",
            Reclamation,
            (
                "date",
                "forme",
                "client_reference",
                "categorie",
                "description",
                "traitement",
                "date_reponse",
                "cloturee",
            ),
            ("date", "forme", "client_reference", "categorie", "date_reponse", "cloturee"),
            _("Réclamations et plaintes"),
            _("Nouvelle réclamation"),
        ),
        Registre(
            "evenements",
            EvenementIndesirable,
            ("date", "gravite", "description", "analyse", "actions", "retour_experience"),
            ("date", "gravite", "retour_experience"),
            _("Événements indésirables"),
            _("Nouvel événement indésirable"),
        ),
        Registre(
            "enquetes",
            EnqueteSatisfaction,
            (
                "periode",
                "annee",
                "repondants",
                "tres_satisfaits",
                "satisfaits",
                "peu_satisfaits",
                "pas_satisfaits",
            ),
            (
                "periode",
                "annee",
                "repondants",
                "tres_satisfaits",
                "satisfaits",
                "peu_satisfaits",
                "pas_satisfaits",
            ),
            _("Enquêtes de satisfaction"),
            _("Nouvelle enquête"),
        ),
        Registre(
            "clients",
            NombreClients,
            ("annee", "nombre"),
            ("annee", "nombre"),
            _("Nombre de clients par année"),
            _("Nouvelle année"),
        ),
    )
}


def registre_by_slug(slug: str) -> Registre:
    try:
        return REGISTRES[slug]
    except KeyError:
        raise Http404 from None


def field_label(registre: Registre, name: str) -> str:
    return model_field_label(registre.model, name)
