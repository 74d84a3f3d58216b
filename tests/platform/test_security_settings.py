"""Security settings (issue 15): password policy, production refusals, API docs access."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from tenants import services
from tenants.models import User

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "password",
    [
        "qualireseau",  # the sample password of the documents
        "Qualireseau2",  # 12 characters, but the platform's own name
        "qwerty123456",  # a common password (12 characters)
        "Printemps-Martin-2024",  # the person's own name
        "123456789012345",  # digits only
        "Court-1a",  # too short
    ],
)
def test_weak_passwords_are_refused(password):
    person = User(email="nadia.martin@example.test", first_name="Nadia", last_name="Martin")
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, person)


def test_a_long_unrelated_password_is_accepted():
    person = User(email="nadia.martin@example.test", first_name="Nadia", last_name="Martin")
    password_validation.validate_password("Peniche-Vanille-Torrent-7", person)


def test_activation_form_refuses_the_sample_password_with_a_french_message(db):
    from tenants.forms import ActivationForm

    form = ActivationForm(
        {
            "first_name": "Nadia",
            "last_name": "Martin",
            "password1": "qualireseau",
            "password2": "qualireseau",
        },
        email="nadia@example.test",
    )
    assert not form.is_valid()
    assert "12 caractères" in " ".join(form.errors["password1"])


def test_demo_accounts_keep_their_short_password(db, client):
    """The demo loader creates people directly (no validators): `demo` still signs in."""
    user, _created = services.get_or_create_user(email="demo-person@example.test", password="demo")
    answer = client.post("/compte/connexion/", {"username": user.email, "password": "demo"})
    assert answer.status_code == 302


def _import_settings(**environ) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")},
        "PRODUCTION": "1",
        "ALLOWED_HOSTS": "qualite.example.org",
        "DJANGO_SETTINGS_MODULE": "platform.settings",
        **environ,
    }
    code = "from django.conf import settings; settings.INSTALLED_APPS; print('ok')"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def _env_example_secret_key() -> str:
    for line in (REPO / "deploy" / "env.example").read_text().splitlines():
        if line.startswith("SECRET_KEY="):
            return line.split("=", 1)[1]
    raise AssertionError("SECRET_KEY missing from deploy/env.example")


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"SECRET_KEY": "__example__"}, "valeur d'exemple"),
        ({"SECRET_KEY": "change-me"}, "valeur d'exemple"),
        ({"SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "1"}, "DEBUG=1"),
        ({"SECRET_KEY": ""}, "SECRET_KEY doit être défini"),
    ],
)
def test_production_settings_refuse_to_start(environ, message):
    if environ.get("SECRET_KEY") == "__example__":
        environ = {**environ, "SECRET_KEY": _env_example_secret_key()}
    result = _import_settings(**environ)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_production_settings_start_with_a_real_key():
    result = _import_settings(SECRET_KEY=secrets.token_urlsafe(50), DEBUG="0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_api_docs_need_a_signed_in_person_unless_public(
    network, client, client_for, settings, path
):
    settings.API_DOCS_PUBLIC = False
    anonymous = client.get(path)
    assert anonymous.status_code in (401, 403)
    assert b"openapi" not in anonymous.content.lower()
    assert client_for(network.user("lecteur")).get(path).status_code == 200
    settings.API_DOCS_PUBLIC = True
    assert client.get(path).status_code == 200


def test_production_compiles_each_template_once():
    """The cached template loader (issue 18: rendering cost): Django's default when the
    settings name no loaders."""
    code = (
        "import django; django.setup(); from django.template import engines; "
        "print(engines['django'].engine.loaders[0][0])"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "DEBUG"},
        "PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "qualite.example.org",
        "DJANGO_SETTINGS_MODULE": "platform.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "django.template.loaders.cached.Loader", result.stderr


def test_api_docs_are_private_by_default_in_production():
    code = "from django.conf import settings; print(settings.API_DOCS_PUBLIC)"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "API_DOCS_PUBLIC")},
        "PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "platform.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "False", result.stderr
