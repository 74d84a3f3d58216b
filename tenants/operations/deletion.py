"""Delete a structure in two steps: soft delete (reversible), then purge after a delay.

Soft delete sets ``deleted_at``: the structure leaves every list (``Structure.objects.reelles()``)
and its pages answer 404 (``StructureAccessMiddleware``); nothing is erased and
``undelete_structure`` brings it back. ``purge_structures`` erases, for structures
soft-deleted more than N days ago (default 30), the schema, the public rows (memberships,
assignments, domain) and the files. Every step is logged (``oplog``).

What the network keeps: the review snapshots (``reporting.InstantaneBilan``), detached from
the structure and without its name, its author or its free texts, so that the figures of
past campaigns (network, territory, group) do not change. A structure that cannot be
erased is reported and the purge goes on with the others.
"""

from __future__ import annotations

import datetime
import shutil
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core import tenancy
from core.errors import BusinessError
from core.models import Job, OutboxMessage
from tenants.models import Structure
from tenants.operations.backup import media_dir
from tenants.operations.errors import OperationError
from tenants.operations.oplog import log_operation

PURGE_DELAY_DAYS = 30


@transaction.atomic
def soft_delete_structure(*, structure: Structure) -> Structure:
    if structure.deleted_at is None:
        structure.deleted_at = timezone.now()
        Structure.objects.filter(pk=structure.pk).update(deleted_at=structure.deleted_at)
        log_operation("delete_structure", schema=structure.schema_name, slug=structure.slug)
    return structure


@transaction.atomic
def undelete_structure(*, structure: Structure) -> Structure:
    if structure.deleted_at is None:
        raise BusinessError(OperationError.NOT_DELETED, "Cette structure n'est pas supprimée.")
    structure.deleted_at = None
    Structure.objects.filter(pk=structure.pk).update(deleted_at=None)
    log_operation("undelete_structure", schema=structure.schema_name, slug=structure.slug)
    return structure


def structures_to_purge(
    *, older_than_days: int = PURGE_DELAY_DAYS, now: datetime.datetime | None = None
):
    limit = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    return (
        Structure.objects.exclude(schema_name="public")
        .filter(deleted_at__lt=limit)
        .order_by("deleted_at")
    )


@dataclass
class PurgeReport:
    """What a purge did: the schemas erased and, for each structure that could not be
    erased, its schema and the error (the purge goes on with the next structure)."""

    purged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def __iter__(self):  # `for schema in purge_structures()` reads the erased schemas
        return iter(self.purged)

    def __len__(self) -> int:
        return len(self.purged)


def keep_network_figures(structure: Structure) -> dict[str, int]:
    """What the network keeps when a structure leaves: every public table pointing to the
    structure whose model declares ``anonymise_for_purge`` (the review snapshots) keeps
    its rows, detached from the structure and without its name."""
    kept = {}
    for relation in Structure._meta.related_objects:
        anonymise = getattr(relation.related_model, "anonymise_for_purge", None)
        if anonymise is not None:
            kept[relation.related_model._meta.label_lower] = anonymise(structure)
    return kept


def purge_structure(structure: Structure) -> dict[str, int]:
    """Erase one structure (schema, public rows, files); keep its anonymised figures."""
    schema_name = structure.schema_name
    with transaction.atomic():
        tenancy.set_schema_to_public()
        kept = keep_network_figures(structure)
        erased = forget_background_work(schema_name)
        structure.groupes.clear()
        structure.delete(force_drop=True)  # DROP SCHEMA … CASCADE, then the public rows
    shutil.rmtree(media_dir(schema_name), ignore_errors=True)
    log_operation(
        "purge_structure",
        schema=schema_name,
        slug=structure.slug,
        deleted_at=structure.deleted_at,
        kept=kept,
        erased=erased,
    )
    return kept


def forget_background_work(schema_name: str) -> dict[str, int]:
    """The public rows of the structure's background work: its jobs (import summaries, file
    names) and its e-mails still in the outbox. They name nothing but the schema, yet belong
    to the structure: they go with it."""
    jobs, _ = Job.objects.filter(schema_name=schema_name).delete()
    messages, _ = OutboxMessage.objects.filter(schema_name=schema_name).delete()
    return {"jobs": jobs, "outbox": messages}


def purge_structures(
    *, older_than_days: int = PURGE_DELAY_DAYS, now: datetime.datetime | None = None
) -> PurgeReport:
    """Erase the structures soft-deleted before the delay; one failure does not stop the
    others (each structure is erased in its own transaction, or not at all)."""
    report = PurgeReport()
    for structure in structures_to_purge(older_than_days=older_than_days, now=now):
        schema_name = structure.schema_name
        try:
            purge_structure(structure)
        except Exception as error:  # noqa: BLE001 - reported, and the purge goes on
            log_operation(
                "purge_structure", outcome="error", schema=schema_name, error=str(error)[:500]
            )
            report.failed.append((schema_name, f"{type(error).__name__}: {error}"[:500]))
        else:
            report.purged.append(schema_name)
    return report
