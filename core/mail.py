"""The development console's e-mail backend: one line per e-mail (recipients, subject and
the links it carries, so an invitation can be followed from the terminal), not whole MIME
bodies. Settings: ``EMAIL_BACKEND = "core.mail.OneLineConsoleBackend"`` (the development
default)."""

from __future__ import annotations

import re
import sys
import threading
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend

LINK = re.compile(r"https?://[^\s<>\"']+")


def summary(message: Any) -> str:
    """``[e-mail] à a@x, b@y — Sujet — https://lien…``."""
    links = list(dict.fromkeys(LINK.findall(str(message.body or ""))))
    parts = [
        "[e-mail] à " + ", ".join(message.recipients()),
        " ".join(str(message.subject or "").split()),
    ]
    if links:
        parts.append(" ".join(links))
    return " — ".join(parts)


class OneLineConsoleBackend(BaseEmailBackend):
    def __init__(self, *args: Any, stream: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    def send_messages(self, email_messages: Any) -> int:
        sent = 0
        with self._lock:
            for message in email_messages or []:
                if not message.recipients():
                    continue
                self.stream.write(summary(message) + "\n")
                self.stream.flush()
                sent += 1
        return sent
