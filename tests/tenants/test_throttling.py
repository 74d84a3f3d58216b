"""Limits (issue 15): password spraying from one address, one account attacked from many
addresses, password-reset e-mails, API throttles, client address behind proxies."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from core.client_ip import client_ip
from tests.conftest import PASSWORD
from tests.factories import UserFactory


def _set_rate(settings, scope: str, rate: str) -> None:
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], scope: rate}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def _login(client, email, password, ip="203.0.113.7"):
    return client.post(
        "/compte/connexion/", {"username": email, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def fifteen_accounts(db):
    return [UserFactory(email=f"cible{i}@example.test", password=PASSWORD) for i in range(16)]


def test_password_spraying_from_one_address_is_blocked(fifteen_accounts, settings):
    client = Client()
    answers = []
    for attempt in range(2):  # two passwords tried on each of 15 accounts
        for user in fifteen_accounts[:15]:
            answers.append(_login(client, user.email, f"Printemps{attempt}!").status_code)
    # axes alone (per account and address) never triggers: 2 failures per account.
    assert answers[: settings.LOGIN_FAILURES_PER_IP] == [200] * settings.LOGIN_FAILURES_PER_IP
    assert set(answers[settings.LOGIN_FAILURES_PER_IP :]) == {429}
    # The address is blocked, even with a right password for a 16th account...
    blocked = _login(client, fifteen_accounts[15].email, PASSWORD)
    assert blocked.status_code == 429 and "Trop de tentatives" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    # ...while the same person from another address signs in.
    assert (
        _login(Client(), fifteen_accounts[15].email, PASSWORD, ip="198.51.100.2").status_code == 302
    )


def test_one_account_attacked_from_many_addresses_is_blocked(fifteen_accounts, settings):
    target = fifteen_accounts[0]
    for i in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        assert (
            _login(Client(), target.email, "Mauvais-mot-de-passe", ip=f"192.0.2.{i}").status_code
            == 200
        )
    assert _login(Client(), target.email, PASSWORD, ip="192.0.2.250").status_code == 429
    assert (
        _login(Client(), fifteen_accounts[1].email, PASSWORD, ip="192.0.2.250").status_code == 302
    )


def test_password_reset_emails_are_limited_per_address_and_per_client(network, settings):
    email = network.user("lecteur").email
    client = Client()
    for _ in range(settings.PASSWORD_RESET_PER_EMAIL + 2):
        answer = client.post(
            "/compte/mot-de-passe/oubli/", {"email": email}, REMOTE_ADDR="192.0.2.1"
        )
        assert answer.status_code == 302  # same answer whatever happens (no oracle)
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_EMAIL
    # One client asking for many addresses.
    mail.outbox.clear()
    for role in [
        "federation",
        "pilote",
        "expert",
        "directeur",
        "referent",
        "contributeur",
        "directeur_autre",
        "expert_autre",
        "pilote_autre",
        "sans_role",
        "lecteur",
    ]:
        client.post(
            "/compte/mot-de-passe/oubli/",
            {"email": network.user(role).email},
            REMOTE_ADDR="192.0.2.9",
        )
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_IP


def test_anonymous_api_calls_are_throttled_per_address(db, settings):
    settings.API_DOCS_PUBLIC = True
    _set_rate(settings, "anon", "3/min")
    client = APIClient()
    statuses = [client.get("/api/schema/", REMOTE_ADDR="192.0.2.5").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/schema/", REMOTE_ADDR="192.0.2.6").status_code == 200
    # A forged X-Forwarded-For does not give a new budget (no trusted proxy).
    forged = client.get("/api/schema/", REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert forged.status_code == 429
    assert b"throttled" in forged.content


def test_api_calls_are_throttled_per_token(network, api_client_for, settings):
    from tenants import accounts

    _set_rate(settings, "token", "3/min")
    client = api_client_for(network.user("directeur"))
    statuses = [client.get("/api/v1/structures/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another token (another script) has its own budget.
    other_key = accounts.create_api_token(user=network.user("directeur"), name="autre")[1]
    other = APIClient().get("/api/v1/structures/", HTTP_AUTHORIZATION=f"Token {other_key}")
    assert other.status_code == 200


def test_token_creation_is_throttled(network, client_for, settings):
    _set_rate(settings, "token_create", "2/hour")
    client = client_for(network.user("referent"))
    statuses = [client.post("/api/v1/me/token/").status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert client.get("/api/v1/me/token/").status_code == 200  # listing is not limited by it


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "10.0.0.1", "192.0.2.1"),  # no trusted proxy: X-Forwarded-For ignored
        (1, "10.0.0.1", "10.0.0.1"),
        (1, "6.6.6.6, 10.0.0.1", "10.0.0.1"),  # the client's own forged entry is ignored
        (2, "6.6.6.6, 10.0.0.1, 172.16.0.1", "10.0.0.1"),
        (1, "", "192.0.2.1"),
    ],
)
def test_client_address_comes_from_the_trusted_proxy_count(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_login_limits_use_the_proxied_client_address(fifteen_accounts, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_IP = 3
    client = Client()
    for user in fifteen_accounts[:3]:
        client.post(
            "/compte/connexion/",
            {"username": user.email, "password": "faux-faux-faux"},
            REMOTE_ADDR="10.0.0.2",  # the proxy
            HTTP_X_FORWARDED_FOR="203.0.113.50",
        )
    blocked = client.post(
        "/compte/connexion/",
        {"username": fifteen_accounts[4].email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert blocked.status_code == 429
    other_client = Client().post(
        "/compte/connexion/",
        {"username": fifteen_accounts[4].email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.51",
    )
    assert other_client.status_code == 302
