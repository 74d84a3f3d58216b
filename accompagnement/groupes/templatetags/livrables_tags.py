"""``type_livrable_label``: a deliverable type's name ("Livret d'accueil") from the code a
frame's criterion carries (``livret-accueil``)."""

from __future__ import annotations

from django import template

from accompagnement.groupes.models import TypeLivrable

register = template.Library()


@register.filter
def type_livrable_label(code: str) -> str:
    if not code:
        return ""
    libelle = TypeLivrable.objects.filter(code=code).values_list("libelle", flat=True).first()
    return libelle or code
