"""Outbox delivery tasks (thin wrappers over core.outbox)."""

from celery import shared_task

from core import outbox


@shared_task(acks_late=True)
def deliver_outbox_message(message_id: int) -> bool:
    return outbox.deliver(message_id)


@shared_task(acks_late=True)
def deliver_pending_outbox() -> int:
    return outbox.deliver_pending()
