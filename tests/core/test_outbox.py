"""The outbox: emails written with the change, sent once, never lost when the broker is down."""

from core import outbox
from core.models import OutboxMessage

from platform.celery import app


def test_email_is_sent_once_after_commit(db, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = outbox.enqueue_email(
            key="test:1", to=["expert@example.org"], subject="Sujet", body="Corps"
        )
        again = outbox.enqueue_email(
            key="test:1", to=["expert@example.org"], subject="Sujet", body="Corps"
        )
    assert first is not None and again is None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["expert@example.org"]
    assert outbox.deliver(first.pk) is False  # a retried task does not send twice
    assert len(mailoutbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(
    db, django_capture_on_commit_callbacks, mailoutbox
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                outbox.enqueue_email(
                    key="test:rollback", to=["a@example.org"], subject="S", body="B"
                )
                raise RuntimeError("refused")
        except RuntimeError:
            pass
    assert not OutboxMessage.objects.filter(key="test:rollback").exists()
    assert mailoutbox == []


def test_message_survives_a_broker_outage(db, django_capture_on_commit_callbacks, mailoutbox):
    """With a real but unreachable broker, the row waits and the periodic task sends it."""
    outage = {
        "task_always_eager": False,
        "broker_url": "redis://127.0.0.1:1/0",
        "broker_connection_retry": False,
        "broker_connection_max_retries": 0,
        "task_publish_retry": False,
    }
    previous = {key: app.conf.get(key) for key in outage}
    app.conf.update(outage)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            message = outbox.enqueue_email(
                key="test:outage", to=["a@example.org"], subject="S", body="B"
            )
    finally:
        app.conf.update(previous)
    message.refresh_from_db()
    assert message.sent_at is None and mailoutbox == []
    assert outbox.deliver_pending() == 1
    assert len(mailoutbox) == 1
