"""Celery tasks of the self-diagnosis (thin: ids in, service call; run in the sender's schema)."""

from __future__ import annotations

from celery import shared_task


@shared_task(bind=True, acks_late=True)
def generate_export_task(self, export_id: int) -> int:
    """Build an export's file; idempotent (a ready export is not rebuilt)."""
    from accompagnement.diagnostics.exports import generate_export

    return generate_export(export_id=export_id).pk
