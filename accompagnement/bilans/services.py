"""Writes of the structure's semi-annual review (run in the structure's schema).

Submitting moves the review to "soumis" (``bilans.workflow``) and writes, in the same
transaction, its immutable snapshot to the public store that consolidation reads.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement.bilans import selectors
from accompagnement.bilans.models import BENEFICES, BilanStructure
from accompagnement.bilans.workflow import BILAN
from accompagnement.reporting import services as reporting_services
from accompagnement.reporting.errors import ReportingError
from accompagnement.reporting.models import Campagne
from core import tenancy
from core.errors import BusinessError
from tenants import access
from tenants.models import Structure

TEXT_FIELDS = (
    "date",
    "lieu",
    "auteur",
    "referent_nom",
    "referent_fonction",
    "referent_telephone",
    "dispositions_organisationnelles",
    "outils_finalises",
    *(name for name, _label in BENEFICES),
    "livrables_par_theme",
    "difficultes_territoire",
    "difficultes_structures",
    "difficultes_interne",
    "remarques",
)


def prefill(*, structure: Structure, figures: dict, user) -> dict[str, Any]:
    """Text fields the platform already knows (the structure completes the rest)."""
    tools = figures["outils_finalises"]
    by_theme: dict[str, list[str]] = {}
    for tool in tools:
        by_theme.setdefault(tool["theme"] or _("Autres"), []).append(
            f"{tool['titre']} ({tool['type']})"
        )
    return {
        "date": timezone.localdate(),
        "auteur": user.get_full_name() or user.email,
        "referent_nom": structure.referent_nom,
        "dispositions_organisationnelles": "\n".join(
            f"- {titre}" for titre in figures["actions_faites"]
        ),
        "outils_finalises": "\n".join(
            f"- {tool['titre']} ({tool['critere'] or tool['type']})" for tool in tools
        ),
        "livrables_par_theme": "\n".join(
            f"{theme} : {', '.join(items)}" for theme, items in sorted(by_theme.items())
        ),
    }


@transaction.atomic
def open_bilan(*, structure: Structure, campagne: Campagne, user) -> BilanStructure:
    """The structure's review for a campaign, created pre-filled on first opening."""
    tenancy.require_schema(structure.schema_name, "open_bilan")
    access.require(access.can_edit_bilan_structure(user, structure))
    if not selectors.campagnes_for_structure(structure).filter(pk=campagne.pk).exists():
        raise BusinessError(
            ReportingError.CAMPAGNE_OUT_OF_SCOPE,
            _("Cette campagne ne concerne pas la structure."),
            status=404,
        )
    bilan = BilanStructure.objects.filter(campagne=campagne).first()
    if bilan is None:
        figures = selectors.review_figures(structure, campagne)
        bilan = BilanStructure.objects.create(
            campagne=campagne, **prefill(structure=structure, figures=figures, user=user)
        )
    return bilan


@transaction.atomic
def update_bilan(
    *, structure: Structure, bilan: BilanStructure, user, data: dict[str, Any]
) -> BilanStructure:
    tenancy.require_schema(structure.schema_name, "update_bilan")
    access.require(access.can_edit_bilan_structure(user, structure))
    bilan = BilanStructure.objects.select_for_update().get(pk=bilan.pk)
    if bilan.is_submitted:
        raise BusinessError(
            ReportingError.IMMUTABLE,
            _("Ce bilan est soumis : il ne peut plus être modifié."),
            status=409,
        )
    for name in TEXT_FIELDS:
        if name in data:
            setattr(bilan, name, data[name])
    bilan.full_clean(exclude=["campagne"])
    bilan.save()
    return bilan


@transaction.atomic
def submit_bilan(
    *, structure: Structure, bilan: BilanStructure, user, commentaire: str = ""
) -> BilanStructure:
    """Submit the review: it is frozen, with figures computed now, in the snapshot store."""
    tenancy.require_schema(structure.schema_name, "submit_bilan")
    access.require(access.can_submit_bilan_structure(user, structure))
    bilan = BilanStructure.objects.select_for_update().select_related("campagne").get(pk=bilan.pk)
    BILAN.apply(bilan, name="submit", actor=user, structure=structure, commentaire=commentaire)
    figures = selectors.review_figures(structure, bilan.campagne)
    contenu = {
        name: (value.isoformat() if hasattr(value, "isoformat") else value)
        for name in TEXT_FIELDS
        for value in [getattr(bilan, name)]
    }
    assert bilan.submitted_at is not None  # stamped by the "submit" move
    reporting_services.record_snapshot(
        campagne=bilan.campagne,
        structure=structure,
        user=user,
        figures=figures,
        contenu=contenu,
        soumis_le=bilan.submitted_at,
    )
    return bilan
