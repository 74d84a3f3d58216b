"""Personal-data duties shown in the product: the processing register (``data/
traitements.yaml``, kept by the federation) with the registers' retention periods read
from the same setting the retention task applies, and the privacy notice's facts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.utils.translation import ngettext

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
