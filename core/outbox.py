"""The outbox: side effects written with the business change, delivered after commit.

``enqueue_email`` is called by services inside their transaction. The message row is
committed with the change (or not at all); delivery is enqueued with
``transaction.on_commit``; a periodic task (beat) retries what the broker could not take.

Delivery is **at least once**, with duplicates made harmless and rare:

* the row gets its ``Message-ID`` when it is written (``make_msgid``): every copy of a
  message carries the same one, so mail clients and servers can recognise a resend;
* ``deliver`` holds a per-row lock while it talks to the SMTP server
  (``SELECT … FOR UPDATE SKIP LOCKED``): two workers never send the same row at once;
* as soon as the SMTP server has accepted the message, ``sent_at`` is written and
  committed — before anything else is done.

The one remaining window: the worker dies (or the database becomes unreachable) after
the SMTP server accepted the message and before ``sent_at`` is committed. The row is then
still unsent and is delivered again: one duplicate, with the same ``Message-ID``.

After ``OUTBOX_MAX_ATTEMPTS`` failures a message is "dead": it is no longer retried and
the federation admin sees it (page ``reseau/messages-en-echec/``) with a retry button.
"""

from __future__ import annotations

import logging
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core import broker, tenancy
from core.models import OutboxMessage

logger = logging.getLogger("qualireseau.outbox")


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", 10))


def new_message_id() -> str:
    """A ``Message-ID`` in the sender's domain (``DEFAULT_FROM_EMAIL``)."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "qualireseau.local"
    return make_msgid(domain=domain)


def enqueue_email(*, key: str, to: list[str], subject: str, body: str) -> OutboxMessage | None:
    """Record an email to send once the current transaction commits.

    Returns the new message, or ``None`` when a message with this idempotency key exists
    already (a retried request or task does not write it twice).
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return None
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "kind": "email",
            "schema_name": tenancy.current_schema(),
            "payload": {"to": recipients, "subject": subject, "body": body},
            "message_id": new_message_id(),
        },
    )
    if not created:
        return None
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int) -> None:
    from core.tasks import deliver_outbox_message

    # Broker down: the periodic task delivers it (core.broker never makes the request wait).
    broker.send(lambda: deliver_outbox_message.delay(message_id), what=f"e-mail {message_id}")


def deliver(message_id: int) -> bool:
    """Send one message if it has not been sent; return True if it was sent now."""
    # A row written before message ids existed gets one, committed before any attempt.
    OutboxMessage.objects.filter(pk=message_id, message_id="").update(message_id=new_message_id())
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        payload = message.payload
        try:
            EmailMessage(
                subject=payload["subject"],
                body=payload["body"],
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=payload["to"],
                headers={"Message-ID": message.message_id},
            ).send()
        except Exception as error:
            failed = True
            message.last_error = type(error).__name__
        else:
            failed = False
            message.sent_at = timezone.now()
            message.last_error = ""
        message.attempts += 1
        message.save(update_fields=["attempts", "sent_at", "last_error"])
    # Committed: the acceptance (or the failure) is recorded before anything else happens.
    if failed:
        logger.warning("outbox: delivery of message %s failed (%s)", message.pk, message.last_error)
    return not failed


def pending() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(sent_at__isnull=True, attempts__lt=max_attempts())


def dead() -> QuerySet[OutboxMessage]:
    """Messages given up after ``OUTBOX_MAX_ATTEMPTS`` failures (shown to the federation)."""
    return OutboxMessage.objects.filter(
        sent_at__isnull=True, attempts__gte=max_attempts()
    ).order_by("-created_at")


def deliver_pending(*, limit: int = 200) -> int:
    """Deliver messages still waiting (e.g. written while the broker was down)."""
    ids = list(pending().order_by("created_at").values_list("pk", flat=True)[:limit])
    return sum(deliver(message_id) for message_id in ids)


def retry(message_id: int) -> bool:
    """Give a dead message a new series of attempts, delivered after commit."""
    updated = OutboxMessage.objects.filter(
        pk=message_id, sent_at__isnull=True, attempts__gte=max_attempts()
    ).update(attempts=0)
    if updated:
        transaction.on_commit(lambda: _enqueue_delivery(message_id))
    return bool(updated)
