"""Security headers (issue 15): Content-Security-Policy with a nonce, Permissions-Policy
and Referrer-Policy on every route of the isolation matrix, and no inline script without
the nonce in any template."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

from tests.test_isolation_matrix import Ids, api_targets, page_targets

REPO = Path(__file__).resolve().parents[2]
HEADERS = ("Content-Security-Policy", "Permissions-Policy", "Referrer-Policy")


def _problems(response, where: str) -> list[str]:
    problems = [f"{where}: no {name}" for name in HEADERS if name not in response.headers]
    policy = response.headers.get("Content-Security-Policy", "")
    # The scripts' rule: script-src, else default-src (a download may answer "default-src
    # 'none'; sandbox", stricter still).
    rule = re.search(r"script-src ([^;]*)", policy) or re.search(r"default-src ([^;]*)", policy)
    if policy and (not rule or {"'unsafe-inline'", "*"} & set(rule.group(1).split())):
        problems.append(f"{where}: inline scripts allowed ({policy})")
    return problems


def test_every_route_carries_the_security_headers(network):
    alpha = Ids(
        "alpha",
        network.structure.pk,
        network.territoire.pk,
        network.groupe.pk,
        network.user("directeur").pk,
    )
    targets = page_targets(alpha, alpha) + api_targets(alpha, alpha)
    extra = ["/healthz", "/s/inconnue/", "/api/schema/", "/api/docs/", "/static/css/app.css"]
    problems: list[str] = []
    checked = 0
    for role in ("federation", "directeur", None):
        client = Client(raise_request_exception=False)
        if role:
            client.force_login(
                network.user(role), backend="django.contrib.auth.backends.ModelBackend"
            )
        paths = sorted({t.path for t in targets if "get" in t.methods}) + extra
        for path in paths:
            response = client.get(path)
            problems += _problems(
                response, f"{role or 'anonyme'} GET {path} ({response.status_code})"
            )
            checked += 1
    assert checked > 100
    assert not problems, f"{len(problems)} responses without the headers:\n" + "\n".join(
        problems[:40]
    )


def test_permissions_and_referrer_policies_switch_features_off(client, db):
    response = client.get("/compte/connexion/")
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_inline_script_of_the_dashboard_carries_the_header_nonce(network, client_for):
    response = client_for(network.user("federation")).get("/reporting/tableau-de-bord/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "new Chart" in body or "charts-data" in body or "<script" in body
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    for tag in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body):
        if "application/json" in tag:
            continue  # json_script data, not executed
        assert nonce and f'nonce="{nonce.group(1)}"' in tag, tag


def test_no_template_has_an_inline_script_without_nonce_or_an_inline_handler():
    problems = []
    for template in REPO.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "csp_nonce" not in tag and "application/json" not in tag:
                problems.append(f"{template.relative_to(REPO)}: {tag}")
        for handler in re.findall(r"\son[a-z]+\s*=\s*[\"']", text):
            problems.append(f"{template.relative_to(REPO)}: inline handler {handler.strip()}")
        if "javascript:" in text:
            problems.append(f"{template.relative_to(REPO)}: javascript: URL")
    assert not problems, "\n".join(problems)
