"""A broker that does not answer never makes every request wait (core.broker).

The broker here is a real TCP server that accepts connections and never answers (a frozen
Redis): each publication attempt opens a connection, which the server counts.
"""

from __future__ import annotations

import socket
import threading

import pytest

from core import broker, jobs
from core.models import Job

from platform.celery import app


class SilentBroker:
    """Accepts TCP connections, reads nothing, answers nothing."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(50)
        self.port = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.server.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.accepted:
            connection.close()


def _forget_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def silent_broker(settings, monkeypatch):
    # Celery prefers CELERY_BROKER_URL from the environment to its configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    server = SilentBroker()
    settings.BROKER_DOWN_BACKOFF_SECONDS = 600
    outage = {
        "task_always_eager": False,
        "broker_url": f"redis://127.0.0.1:{server.port}/0",
        "broker_transport_options": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    previous = {key: app.conf.get(key) for key in outage}
    app.conf.update(outage)
    _forget_connections()
    broker.reset()
    yield server
    app.conf.update(previous)
    _forget_connections()
    broker.reset()
    server.close()


def _job(key: str) -> Job:
    return Job.objects.create(kind="test", key=key, task_name="core.tasks.deliver_outbox_message")


def test_after_one_failure_publications_are_skipped_without_touching_the_broker(
    db, silent_broker, settings
):
    first, second = _job("test:silent-1"), _job("test:silent-2")
    assert jobs.publish(first.pk) is False  # the broker did not answer
    tried = len(silent_broker.accepted)
    assert tried >= 1 and broker.is_down()
    assert jobs.publish(second.pk) is False  # skipped at once: no new connection
    assert len(silent_broker.accepted) == tried
    for job in (first, second):
        job.refresh_from_db()
        assert (job.etat, job.publications, job.enqueued_at) == (Job.Etat.EN_ATTENTE, 0, None)
    # Once the back-off has passed, the next publication tries the broker again.
    settings.BROKER_DOWN_BACKOFF_SECONDS = 0
    broker.reset()
    assert jobs.publish(second.pk) is False
    assert len(silent_broker.accepted) > tried


def test_eager_mode_and_another_broker_are_not_skipped(db, silent_broker):
    job = _job("test:silent-eager")
    assert jobs.publish(job.pk) is False and broker.is_down()
    app.conf.update(broker_url="redis://127.0.0.1:1/0")  # another broker: not known down
    assert not broker.is_down()
    app.conf.update(task_always_eager=True)  # no broker: the task runs in-process
    assert not broker.is_down()
    assert jobs.publish(job.pk) is True
    job.refresh_from_db()
    assert job.publications == 1
