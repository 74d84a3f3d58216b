"""Under the Content-Security-Policy, the pages still work in a browser: no violation
reported on the home, the dashboard (inline script with nonce, Chart.js) and the Swagger
page (drf-spectacular's split view), whose interface is drawn."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_pages_run_under_the_content_security_policy(page, live_url, browser_world, login):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login(page, browser_world.user("federation"))
    for path in ("/", "/reporting/tableau-de-bord/", "/compte/profil/"):
        response = page.goto(f"{live_url}{path}")
        assert response.status == 200, path
        script_src = re.search(r"script-src ([^;]*)", response.headers["content-security-policy"])
        assert script_src and "'unsafe-inline'" not in script_src.group(1), path
        page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object"  # htmx loaded from our origin
    page.goto(f"{live_url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Qualiréseau API")
    assert violations == []
