"""The operations log: who ran which operation on which structure, and how it ended.

Each entry goes to the logger ``qualireseau.ops`` and, as one JSON line, to
``<OPS_LOG_DIR>/operations.jsonl`` (default ``var/ops/``; in containers a volume). Entries
name schemas, slugs, counts and file names, never people or their data.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from pathlib import Path

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("qualireseau.ops")


def ops_log_dir() -> Path:
    return Path(
        getattr(settings, "OPS_LOG_DIR", "")
        or os.environ.get("OPS_LOG_DIR", "")
        or settings.BASE_DIR / "var" / "ops"
    )


def log_operation(operation: str, *, outcome: str = "ok", **details) -> dict:
    """Record one operation (``outcome`` is ``ok`` or ``error``); return the entry."""
    entry = {
        "at": timezone.now().isoformat(),
        "operation": operation,
        "outcome": outcome,
        "host": socket.gethostname(),
        **details,
    }
    line = json.dumps(entry, ensure_ascii=False, default=str, sort_keys=True)
    level = logging.INFO if outcome == "ok" else logging.ERROR
    logger.log(level, line)
    directory = ops_log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "operations.jsonl").open("a", encoding="utf-8") as stream:
        stream.write(line + "\n")
    return entry


def read_operations(operation: str | None = None) -> list[dict]:
    """The logged entries, oldest first (optionally of one operation)."""
    path = ops_log_dir() / "operations.jsonl"
    if not path.exists():
        return []
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [entry for entry in entries if operation is None or entry["operation"] == operation]
