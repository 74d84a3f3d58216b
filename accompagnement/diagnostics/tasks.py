"""Celery tasks of the self-diagnosis (thin: ids in, service call; run in the sender's schema)."""

from __future__ import annotations

from celery import shared_task

from core import jobs, page_jobs, tenancy

JOB_KIND = "diagnostic_export"


def submit_export(export) -> None:
    """A durable job (``core.jobs``) building ``export``'s file, published after commit.
    Called in the structure's schema (the job records it)."""
    jobs.submit(
        kind=JOB_KIND,
        key=f"{JOB_KIND}:{tenancy.current_schema()}:{export.pk}",
        task_name="accompagnement.diagnostics.tasks.generate_export_task",
        payload={"export_id": export.pk},
    )


def _run_export(job, progress) -> dict:
    from accompagnement.diagnostics.exports import generate_export

    export = generate_export(export_id=job.payload["export_id"])
    return {"export": export.pk, "etat": export.etat}


@shared_task(bind=True, acks_late=True)
def generate_export_task(self, job_id: int) -> str | None:
    """Build (or build again after a crash) an export's file; a ready export is left."""
    job = jobs.run(job_id, _run_export)
    return job.etat if job else None


def _run_confirm_remaining(job, progress) -> dict:
    from accompagnement.diagnostics.confirmation_jobs import run_confirm_remaining_job

    return run_confirm_remaining_job(job, progress)


@shared_task(bind=True, acks_late=True)
def confirm_remaining_task(self, job_id: int) -> str | None:
    """Confirm (or find already confirmed) the criteria left of a job's self-diagnosis."""
    job = jobs.run(job_id, _run_confirm_remaining, on_give_up=page_jobs.give_up)
    return job.etat if job else None
