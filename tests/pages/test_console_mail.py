"""Development e-mail: one console line per e-mail, links to the address the site is served
at (SITE_URL defaults to the PORT ``make run`` serves)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.mail import EmailMessage

from core.mail import OneLineConsoleBackend


def test_one_line_per_email_with_its_links():
    stream = io.StringIO()
    backend = OneLineConsoleBackend(stream=stream)
    messages = [
        EmailMessage(
            "Invitation\u00a0sur Qualiréseau",
            "Bonjour,\nActivez votre compte : http://localhost:8123/compte/invitation/abc/\nÀ bientôt",
            to=["a@example.test", "b@example.test"],
        ),
        EmailMessage("Rappel", "Sans lien.", to=["c@example.test"]),
    ]
    assert backend.send_messages(messages) == 2
    lines = stream.getvalue().splitlines()
    assert lines == [
        "[e-mail] à a@example.test, b@example.test — Invitation sur Qualiréseau — "
        "http://localhost:8123/compte/invitation/abc/",
        "[e-mail] à c@example.test — Rappel",
    ]


def test_site_url_follows_the_served_port():
    root = Path(__file__).resolve().parents[2]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update({"PORT": "8123", "DJANGO_SETTINGS_MODULE": "platform.settings"})
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "http://localhost:8123"
