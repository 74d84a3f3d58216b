"""Kernel tasks (thin wrappers over core.outbox and core.jobs)."""

from celery import shared_task

from core import jobs, outbox


@shared_task(acks_late=True)
def deliver_outbox_message(message_id: int) -> bool:
    return outbox.deliver(message_id)


@shared_task(acks_late=True)
def deliver_pending_outbox() -> int:
    return outbox.deliver_pending()


@shared_task(acks_late=True)
def sweep_jobs() -> int:
    """Publish again the jobs whose publication failed or whose worker died."""
    return len(jobs.sweep())
