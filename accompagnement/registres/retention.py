"""Retention of the registers' entries (personal-data duty: data about home-care clients
is kept no longer than needed).

Each register that holds entries about people has a retention period in years
(``settings.REGISTRES_RETENTION_ANS``, by register slug): a daily task removes, in every
structure's schema, the entries dated before *today minus that period* and logs how many
it removed (``PurgeRetention``: register, cut-off day, count — never the content).
Registers of figures only (satisfaction surveys, client counts) have no period: they hold
no personal data and feed the network's indicators. The processing register page
(``tenants.privacy``) shows the same periods.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_context

from accompagnement.registres.models import PurgeRetention
from accompagnement.registres.registry import REGISTRES
from tenants.models import Structure

logger = logging.getLogger("qualireseau.retention")


def retention_years() -> dict[str, int]:
    """Register slug → retention period in years (only registers that have one)."""
    return {slug: int(years) for slug, years in settings.REGISTRES_RETENTION_ANS.items()}


def cutoff(today: datetime.date, years: int) -> datetime.date:
    """The first day kept: the same calendar day ``years`` earlier (28 February for a
    29 February that the earlier year lacks)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


@transaction.atomic
def apply_retention(*, today: datetime.date) -> dict[str, int]:
    """In the current structure's schema: remove expired entries, log the counts."""
    removed = {}
    for slug, years in retention_years().items():
        before = cutoff(today, years)
        _total, by_model = REGISTRES[slug].model._default_manager.filter(date__lt=before).delete()
        entries = by_model.get(REGISTRES[slug].model._meta.label, 0)
        if entries:
            PurgeRetention.objects.create(registre=slug, avant_le=before, supprimees=entries)
        removed[slug] = entries
    return removed


def apply_retention_everywhere(*, today: datetime.date) -> dict[str, int]:
    """The daily batch: every structure's schema in turn; totals by register."""
    totals: dict[str, int] = dict.fromkeys(retention_years(), 0)
    for structure in Structure.objects.reelles():
        with schema_context(structure.schema_name):
            for slug, count in apply_retention(today=today).items():
                totals[slug] += count
                if count:
                    logger.info(
                        "retention: %s entries of %s removed in %s",
                        count,
                        slug,
                        structure.schema_name,
                    )
    return totals
