"""Sending a Celery message without making a request wait for a broker that is down.

Background work is recorded in the database (``core.jobs``, ``core.outbox``): the message
is only a wake-up call, and the periodic sweeper (jobs) or delivery (e-mails) sends it
again later. So a request must not wait for the broker. A broker that *refuses* the
connection fails at once; one that does not answer (host unreachable, a frozen Redis, a
full accept queue) makes each publication wait for the socket timeouts, once per retry
(about 6 s per request with a 3 s connect timeout and one retry).

``send`` therefore remembers, per process, that the broker failed: for
``BROKER_DOWN_BACKOFF_SECONDS`` after a broker error, publications are skipped at once
(the rows wait for the sweeper) instead of each request paying the timeouts again. The
first request after the outage pays at most the short timeouts of the Celery settings
(``CELERY_BROKER_TRANSPORT_OPTIONS``, ``CELERY_TASK_PUBLISH_RETRY_POLICY``). In eager
mode (no broker) nothing is skipped and a task's own error is not a broker error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from celery import current_app
from django.conf import settings
from kombu.exceptions import OperationalError

logger = logging.getLogger("qualireseau.broker")

# What a publication raises when the broker is unreachable or does not answer.
BROKER_ERRORS: tuple[type[BaseException], ...] = (OperationalError, OSError, TimeoutError)

_lock = threading.Lock()
_down: dict[str, float] = {}  # broker URL -> monotonic time until which it is skipped


def backoff() -> float:
    return float(getattr(settings, "BROKER_DOWN_BACKOFF_SECONDS", 5))


def _broker_url() -> str:
    return str(current_app.conf.broker_url or "")


def _eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def is_down() -> bool:
    """True while publications to the current broker are skipped (it failed a moment ago)."""
    if _eager():
        return False
    with _lock:
        return _down.get(_broker_url(), 0.0) > time.monotonic()


def reset() -> None:
    """Forget the failures (the broker is known to be back; tests)."""
    with _lock:
        _down.clear()


def send(publish: Callable[[], Any], *, what: str) -> bool:
    """Call ``publish`` (an ``apply_async``/``delay``) unless the broker failed a moment
    ago. Returns True when the message was handed to the broker; never raises: the
    durable row waits for the sweeper or the periodic delivery."""
    if is_down():
        logger.info("broker: %s not published (broker down a moment ago)", what)
        return False
    try:
        publish()
    except BROKER_ERRORS as error:
        if not _eager():
            with _lock:
                _down[_broker_url()] = time.monotonic() + backoff()
        logger.warning(
            "broker: %s not published (%s: %s), left for the sweeper",
            what,
            type(error).__name__,
            error,
        )
        return False
    except Exception as error:  # noqa: BLE001 - not the broker's fault: the row waits
        logger.warning(
            "broker: %s not published (%s: %s)", what, type(error).__name__, error, exc_info=True
        )
        return False
    return True
