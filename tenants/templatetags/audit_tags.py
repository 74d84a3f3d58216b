"""``audit_details``: an audit entry's details as people read them ("Rôle : Référent·e
technique"), not as stored ("role : referent")."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from tenants.access import ROLE_LABELS

register = template.Library()

DETAIL_LABELS = {
    "role": _("Rôle"),
    "territoire": _("Territoire"),
    "invitation": _("Invitation n°"),
    "name": _("Nom"),
    "reason": _("Motif"),
    "count": _("Nombre"),
    "throttled": _("Demande limitée"),
    "import": _("Import n°"),
    "structures": _("Structures"),
    "fichier": _("Fichier"),
    "criteres": _("Critères"),
    "current": _("Valeur actuelle"),
}
VALUE_LABELS = {
    "role": {**ROLE_LABELS, "staff": _("Rôle dans la structure")},
}


def _value(key: str, value) -> str:
    if isinstance(value, bool):
        return str(_("oui") if value else _("non"))
    labels = VALUE_LABELS.get(key, {})
    return str(labels.get(value, value)) if isinstance(value, str) else str(value)


@register.filter
def audit_details(details) -> list[tuple[str, str]]:
    """(label, value) pairs of an audit entry's details, in a stable order."""
    return [
        (str(DETAIL_LABELS.get(key, key.replace("_", " "))), _value(key, value))
        for key, value in sorted((details or {}).items())
    ]
