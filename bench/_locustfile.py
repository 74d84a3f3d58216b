"""Locust users of ``make loadtest`` (bench/_loadtest.py): one user class per role, each
logging in through the login form then reading its main pages. The pages come from the
runner (``LOADTEST_PAGES``: JSON {role: [[name, path], …]}); the password is the demo's."""

from __future__ import annotations

import json
import os
import re

from locust import HttpUser, between, task

PAGES: dict[str, list[list[str]]] = json.loads(os.environ.get("LOADTEST_PAGES", "{}"))
PASSWORD = os.environ.get("DEMO_PASSWORD", "demo")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _Role(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    email = ""
    role = ""

    def on_start(self) -> None:
        page = self.client.get("/compte/connexion/", name="login (form)")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/compte/connexion/",
            {"username": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": page.url},
            name="login (post)",
        )
        if "compte/connexion" in response.url:
            raise RuntimeError(f"login refused for {self.email}")

    @task
    def main_pages(self) -> None:
        for name, path in PAGES.get(self.role, []):
            self.client.get(path, name=f"{self.role}: {name}")


class Federation(_Role):
    email, role = "federation@demo.test", "federation"


class Pilote(_Role):
    email, role = "pilote@demo.test", "pilote"


class Expert(_Role):
    email, role = "expert@demo.test", "expert"


class Referent(_Role):
    email, role = "referent@demo.test", "referent"
