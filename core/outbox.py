"""The outbox: side effects written with the business change, delivered after commit.

``enqueue_email`` is called by services inside their transaction. The message row is
committed with the change (or not at all); delivery is enqueued with
``transaction.on_commit``; a periodic task retries what the broker could not take.
Delivery is idempotent: a message is sent at most once (row lock + ``sent_at``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone

from core.models import OutboxMessage

logger = logging.getLogger("qualireseau.outbox")


def enqueue_email(*, key: str, to: list[str], subject: str, body: str) -> OutboxMessage | None:
    """Record an email to send once the current transaction commits.

    Returns the new message, or ``None`` when a message with this idempotency key exists
    already (a retried request or task does not send twice).
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "kind": "email",
            "schema_name": connection.schema_name,
            "payload": {"to": recipients, "subject": subject, "body": body},
        },
    )
    if not created:
        return None
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int) -> None:
    from core.tasks import deliver_outbox_message

    try:
        deliver_outbox_message.delay(message_id)
    except Exception:  # broker down: the periodic task will deliver it
        logger.warning(
            "outbox: broker unavailable, message %s left for the periodic task", message_id
        )


def deliver(message_id: int) -> bool:
    """Send one message if it has not been sent; return True if it was sent now."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        payload = message.payload
        try:
            EmailMessage(
                subject=payload["subject"],
                body=payload["body"],
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=payload["to"],
            ).send()
        except Exception as error:
            message.last_error = type(error).__name__
            message.save(update_fields=["attempts", "last_error"])
            logger.warning(
                "outbox: delivery of message %s failed (%s)", message.pk, type(error).__name__
            )
            return False
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "sent_at", "last_error"])
        return True


def deliver_pending(*, limit: int = 200) -> int:
    """Deliver messages still waiting (e.g. written while the broker was down)."""
    ids = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, attempts__lt=10)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(message_id) for message_id in ids)
