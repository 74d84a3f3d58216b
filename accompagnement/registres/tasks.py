"""Daily retention of the registers' entries and the XLSX imports' jobs (thin wrappers)."""

from celery import shared_task
from django.utils import timezone

from accompagnement.registres import retention, services
from core import jobs, page_jobs


@shared_task(acks_late=True)
def apply_retention() -> dict[str, int]:
    return retention.apply_retention_everywhere(today=timezone.localdate())


@shared_task(bind=True, acks_late=True)
def import_register_task(self, job_id: int) -> str | None:
    """Run (or find already done) a register import's job (``core.page_jobs``)."""
    job = jobs.run(job_id, services.run_register_import_job, on_give_up=page_jobs.give_up)
    return job.etat if job else None
