"""Celery tasks of the frames (thin: a job's id in, the service does the work)."""

from __future__ import annotations

from celery import shared_task

from core import jobs, page_jobs
from referentiels import import_jobs


@shared_task(bind=True, acks_late=True)
def import_version_task(self, job_id: int) -> str | None:
    """Run (or find already done) a frame import's job (``core.page_jobs``)."""
    job = jobs.run(job_id, import_jobs.run_version_import_job, on_give_up=page_jobs.give_up)
    return job.etat if job else None
