"""Personal-data duties shown in the product (reads): the processing register (``data/
traitements.yaml``, kept by the federation) with the registers' retention periods read
from the same setting the retention task applies, and the directors' requests to export
or erase their structure's data (written by ``tenants.privacy_services``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.utils.translation import ngettext

from tenants.models import DemandeDonnees, Structure

DATA_FILE = Path(__file__).parent / "data" / "traitements.yaml"


@dataclass(frozen=True)
class Traitement:
    nom: str
    finalite: str
    base_legale: str
    personnes: str
    donnees: str
    destinataires: str
    conservation: str
    securite: str


@cache
def _raw_activities() -> tuple[dict, ...]:
    return tuple(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))


def retention_text(slug: str) -> str:
    years = settings.REGISTRES_RETENTION_ANS[slug]
    return ngettext(
        "%(n)d an à compter de la date de l'entrée, puis suppression automatique.",
        "%(n)d ans à compter de la date de l'entrée, puis suppression automatique.",
        years,
    ) % {"n": years}


def processing_activities() -> list[Traitement]:
    activities = []
    for raw in _raw_activities():
        item = dict(raw)
        if isinstance(item["conservation"], dict):
            item["conservation"] = retention_text(item["conservation"]["registre"])
        activities.append(Traitement(**item))
    return activities


# --- Requests to export or erase a structure's data -------------------------------------


def archive_path(demande: DemandeDonnees) -> Path | None:
    if demande.statut != DemandeDonnees.Statut.FAITE or not demande.archive:
        return None
    path = Path(settings.MEDIA_ROOT) / demande.archive
    return path if path.is_file() else None


def requests_of(structure: Structure):
    return DemandeDonnees.objects.filter(structure=structure).select_related(
        "demandee_par", "decidee_par"
    )


def pending_requests():
    return DemandeDonnees.objects.filter(statut=DemandeDonnees.Statut.DEMANDEE).select_related(
        "structure", "demandee_par"
    )


def recent_decisions(limit: int = 50):
    return (
        DemandeDonnees.objects.exclude(statut=DemandeDonnees.Statut.DEMANDEE)
        .select_related("structure", "decidee_par")
        .order_by("-decidee_le", "-pk")[:limit]
    )
