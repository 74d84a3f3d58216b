"""Network tasks: thin wrappers over services (ids in, idempotent)."""

from celery import shared_task

from core import jobs
from tenants import privacy_services, structure_import
from tenants.operations.integrity import check_integrity_task  # noqa: F401 (Celery beat)


@shared_task(bind=True, acks_late=True)
def run_structure_import_task(self, job_id: int) -> str | None:
    """Run or resume the structure import of a job (``core.jobs``); a finished one is left."""
    job = jobs.run(
        job_id,
        structure_import.run_structure_import_job,
        on_give_up=structure_import.give_up_structure_import,
    )
    return job.etat if job else None


@shared_task(bind=True, acks_late=True)
def run_data_request_task(self, job_id: int) -> str | None:
    """Carry out an approved request to export or erase a structure's data (a job)."""
    job = jobs.run(job_id, privacy_services.run_data_request_job)
    return job.etat if job else None
