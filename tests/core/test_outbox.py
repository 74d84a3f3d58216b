"""The outbox: emails written with the change, sent once, never lost when the broker is down."""

import pytest

from core import outbox
from core.models import OutboxMessage
from tests.conftest import ROLES

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


def test_message_survives_a_broker_outage(
    db, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    """With a real but unreachable broker, the row waits and the periodic task sends it."""
    # Celery prefers CELERY_BROKER_URL from the environment to its configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
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


def _refused_by_smtp(settings):
    """A real SMTP attempt that fails: nothing listens on port 1."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2


def test_every_copy_carries_the_message_id_fixed_when_the_row_was_written(db, mailoutbox):
    message = outbox.enqueue_email(key="test:mid", to=["a@example.org"], subject="S", body="B")
    assert message.message_id.startswith("<") and message.message_id.endswith("@qualireseau.fr>")
    assert outbox.deliver(message.pk) is True
    message.refresh_from_db()
    assert mailoutbox[0].message()["Message-ID"] == message.message_id
    assert message.sent_at is not None and message.attempts == 1


def test_a_message_being_sent_by_another_worker_is_skipped(db, mailoutbox):
    import psycopg
    from django.db import connection

    message = outbox.enqueue_email(key="test:lock", to=["a@example.org"], subject="S", body="B")
    db_settings = connection.settings_dict
    # The row must be committed for another session to lock it: this test's transaction
    # holds it, so the other session locks a row of its own making instead.
    with psycopg.connect(
        dbname=db_settings["NAME"], host=db_settings["HOST"] or None, user=db_settings["USER"]
    ) as other:
        other.execute(
            "INSERT INTO platform_outboxmessage (key, kind, schema_name, payload, message_id,"
            " created_at, attempts, last_error) VALUES ('test:other', 'email', 'public',"
            ' \'{"to": ["b@example.org"], "subject": "S", "body": "B"}\', \'<x@y>\','
            " now(), 0, '') RETURNING id"
        )
        other_id = other.execute("SELECT id FROM platform_outboxmessage WHERE key = 'test:other'")
        other_id = other_id.fetchone()[0]
        other.commit()
        try:
            other.execute(
                "SELECT 1 FROM platform_outboxmessage WHERE id = %s FOR UPDATE", [other_id]
            )
            assert outbox.deliver(other_id) is False  # locked by the other session: skipped
            assert mailoutbox == []
        finally:
            other.rollback()
            other.execute("DELETE FROM platform_outboxmessage WHERE id = %s", [other_id])
            other.commit()
    assert outbox.deliver(message.pk) is True


def test_after_n_failures_a_message_is_dead_and_no_longer_retried(db, settings, mailoutbox):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    _refused_by_smtp(settings)
    message = outbox.enqueue_email(key="test:dead", to=["a@example.org"], subject="S", body="B")
    assert outbox.deliver_pending() == 0
    assert outbox.deliver_pending() == 0
    message.refresh_from_db()
    assert message.attempts == 2 and message.last_error and message.sent_at is None
    assert list(outbox.dead()) == [message] and not outbox.pending().exists()
    outbox.deliver_pending()
    message.refresh_from_db()
    assert message.attempts == 2  # dead: not tried again


@pytest.mark.parametrize("role", [*ROLES, "anonyme"])
def test_dead_messages_page_and_retry_are_the_federation_admins_only(
    network, client_for, settings, role, mailoutbox, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    _refused_by_smtp(settings)
    message = outbox.enqueue_email(
        key="test:page", to=["a@example.org"], subject="Sujet mort", body="B"
    )
    outbox.deliver(message.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = client_for(None if role == "anonyme" else network.user(role))
    url = "/reseau/messages-en-echec/"
    page = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(url, {"message": message.pk})
    message.refresh_from_db()
    if role == "federation":
        html = page.content.decode()
        assert page.status_code == 200 and "Sujet mort" in html and "Renvoyer" in html
        assert retried.status_code == 302 and message.sent_at is not None
        assert mailoutbox[0].message()["Message-ID"] == message.message_id
        assert "Aucun message en échec" in client.get(url).content.decode()
        assert (
            "Ce message n&#x27;est plus en échec"
            in client.post(url, {"message": "x"}, follow=True).content.decode()
        )
    else:
        expected = 302 if role == "anonyme" else 404
        assert page.status_code == expected and retried.status_code == expected
        assert message.sent_at is None and message.attempts == 1 and mailoutbox == []
