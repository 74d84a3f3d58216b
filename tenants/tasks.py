"""Network tasks: thin wrappers over services (ids in, idempotent)."""

from celery import shared_task

from tenants import structure_import


@shared_task(bind=True, acks_late=True)
def run_structure_import_task(self, import_id: int) -> str:
    """Provision the structures of a validated import (a second run does nothing)."""
    return structure_import.run_structure_import(import_id=import_id).statut
