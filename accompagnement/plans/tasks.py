"""Celery tasks of the action plan (thin: a job's id in, the service does the work)."""

from __future__ import annotations

from celery import shared_task

from accompagnement.plans import xlsx
from core import jobs, page_jobs


@shared_task(bind=True, acks_late=True)
def import_plan_task(self, job_id: int) -> str | None:
    """Run (or find already done) an XLSX plan import's job (``core.page_jobs``)."""
    job = jobs.run(job_id, xlsx.run_plan_import_job, on_give_up=page_jobs.give_up)
    return job.etat if job else None
