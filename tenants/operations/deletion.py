"""Delete a structure in two steps: soft delete (reversible), then purge after a delay.

Soft delete sets ``deleted_at``: the structure leaves every list (``Structure.objects.reelles()``)
and its pages answer 404 (``StructureAccessMiddleware``); nothing is erased and
``undelete_structure`` brings it back. ``purge_structures`` erases, for structures
soft-deleted more than N days ago (default 30), the schema, the public rows (memberships,
assignments, domain) and the files. Every step is logged (``oplog``).
"""

from __future__ import annotations

import datetime
import shutil

from django.db import connection, transaction
from django.utils import timezone

from core.errors import BusinessError
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


def purge_structures(
    *, older_than_days: int = PURGE_DELAY_DAYS, now: datetime.datetime | None = None
) -> list[str]:
    """Erase the structures soft-deleted before the delay; return their schema names."""
    purged = []
    for structure in structures_to_purge(older_than_days=older_than_days, now=now):
        schema_name = structure.schema_name
        with transaction.atomic():
            connection.set_schema_to_public()
            structure.delete(force_drop=True)  # DROP SCHEMA … CASCADE, then the public rows
        shutil.rmtree(media_dir(schema_name), ignore_errors=True)
        log_operation(
            "purge_structure",
            schema=schema_name,
            slug=structure.slug,
            deleted_at=structure.deleted_at,
        )
        purged.append(schema_name)
    return purged
