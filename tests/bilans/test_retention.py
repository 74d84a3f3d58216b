"""Retention of the registers' entries: exactly the expired rows go, in every structure,
and what went is logged (counts only)."""

from __future__ import annotations

import datetime

from django.db import connection
from django_tenants.utils import schema_context

from accompagnement.registres import retention
from accompagnement.registres.models import (
    EnqueteSatisfaction,
    EvenementIndesirable,
    PurgeRetention,
    Reclamation,
)

TODAY = datetime.date(2026, 12, 2)


def _complaint(date: datetime.date, reference: str) -> Reclamation:
    return Reclamation.objects.create(
        date=date, forme="orale", client_reference=reference, categorie="planning", description="x"
    )


def _event(date: datetime.date) -> EvenementIndesirable:
    return EvenementIndesirable.objects.create(date=date, gravite="mineure", description="x")


def test_exactly_the_expired_entries_are_removed_and_logged(network, settings, in_structure):
    settings.REGISTRES_RETENTION_ANS = {"reclamations": 5, "evenements": 10}
    expired = _complaint(datetime.date(2021, 12, 1), "C-0001")
    first_kept = _complaint(datetime.date(2021, 12, 2), "C-0002")
    recent = _complaint(datetime.date(2026, 11, 30), "C-0003")
    old_event = _event(datetime.date(2016, 12, 1))
    kept_event = _event(datetime.date(2016, 12, 2))
    survey = EnqueteSatisfaction.objects.create(
        periode="2010", annee=2010, repondants=1, tres_satisfaits=1
    )

    assert retention.apply_retention(today=TODAY) == {"reclamations": 1, "evenements": 1}

    assert set(Reclamation.objects.values_list("pk", flat=True)) == {first_kept.pk, recent.pk}
    assert not Reclamation.objects.filter(pk=expired.pk).exists()
    assert list(EvenementIndesirable.objects.values_list("pk", flat=True)) == [kept_event.pk]
    assert not EvenementIndesirable.objects.filter(pk=old_event.pk).exists()
    assert EnqueteSatisfaction.objects.filter(pk=survey.pk).exists()  # figures only: kept
    log = {row.registre: row for row in PurgeRetention.objects.all()}
    assert log["reclamations"].supprimees == 1
    assert log["reclamations"].avant_le == datetime.date(2021, 12, 2)
    assert log["evenements"].avant_le == datetime.date(2016, 12, 2)

    assert retention.apply_retention(today=TODAY) == {"reclamations": 0, "evenements": 0}
    assert PurgeRetention.objects.count() == 2  # nothing removed, nothing logged


def test_every_structure_is_purged_by_the_daily_batch(network, settings):
    settings.REGISTRES_RETENTION_ANS = {"reclamations": 5}
    for structure in (network.structure, network.other_structure):
        with schema_context(structure.schema_name):
            _complaint(datetime.date(2020, 1, 1), "C-0100")
            _complaint(datetime.date(2025, 1, 1), "C-0101")
    totals = retention.apply_retention_everywhere(today=TODAY)
    assert totals["reclamations"] >= 2
    for structure in (network.structure, network.other_structure):
        with schema_context(structure.schema_name):
            assert list(Reclamation.objects.values_list("client_reference", flat=True)) == [
                "C-0101"
            ]
    connection.set_schema_to_public()


def test_cutoff_of_a_leap_day():
    assert retention.cutoff(datetime.date(2028, 2, 29), 5) == datetime.date(2023, 2, 28)
    assert retention.cutoff(datetime.date(2026, 12, 2), 10) == datetime.date(2016, 12, 2)
