"""Account security (issue 15): the second factor cannot be bypassed with the password
alone, recovery codes, tokens revoked with the password or the account."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tenants import accounts
from tenants.models import ApiToken, AuditLog, RecoveryCode
from tests.conftest import PASSWORD

NEW_PASSWORD = "Un-mot-de-passe-solide-2024"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def expert_with_app(network, settings):
    """The expert has enrolled an authenticator app (confirmed device)."""
    settings.OTP_REQUIRED_FOR_NETWORK_ROLES = True
    expert = network.user("expert")
    device = TOTPDevice.objects.create(user=expert, name="telephone", confirmed=True)
    return expert, device


def _password_only_session(client, user):
    response = client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_password_only_session_cannot_enrol_a_new_device(client, expert_with_app):
    expert, device = expert_with_app
    _password_only_session(client, expert)
    page = client.get("/compte/double-authentification/")
    # Sent to the verification step: no new device, no secret shown.
    assert page.status_code == 302
    assert page["Location"].startswith("/compte/double-authentification/verifier/")
    assert list(TOTPDevice.objects.filter(user=expert)) == [device]
    assert "otpauth://" not in client.get(page["Location"]).content.decode()
    # Even posting a code of a device it would have made up changes nothing.
    forged = client.post("/compte/double-authentification/", {"token": "123456"})
    assert forged.status_code == 302 and "verifier" in forged["Location"]
    assert TOTPDevice.objects.filter(user=expert).count() == 1
    # The expert queue (and every network page) stays closed.
    queue = client.get("/mes-structures/")
    assert queue.status_code == 302 and "verifier" in queue["Location"]
    assert client.get("/api/v1/structures/").status_code == 403
    assert not AuditLog.objects.filter(action="otp_enabled", actor=expert).exists()


def test_verified_session_may_replace_its_app_and_gets_no_new_codes(client, expert_with_app):
    expert, old = expert_with_app
    accounts.regenerate_recovery_codes(user=expert)
    _password_only_session(client, expert)
    client.post("/compte/double-authentification/verifier/", {"token": _code(old)})
    assert client.get("/mes-structures/").status_code == 200
    page = client.get("/compte/double-authentification/")
    assert page.status_code == 200 and "otpauth://" in page.content.decode()
    new = TOTPDevice.objects.get(user=expert, confirmed=False)
    answer = client.post("/compte/double-authentification/", {"token": _code(new)})
    assert answer.status_code == 302
    assert list(TOTPDevice.objects.filter(user=expert)) == [new]  # the old phone is replaced
    assert accounts.remaining_recovery_codes(expert) == 10  # kept as they were


def test_first_enrolment_shows_recovery_codes_once_and_they_work_once(
    client, client_for, network, settings
):
    settings.OTP_REQUIRED_FOR_NETWORK_ROLES = True
    expert = network.user("expert")
    _password_only_session(client, expert)
    client.get("/compte/double-authentification/")
    device = TOTPDevice.objects.get(user=expert, confirmed=False)
    done = client.post(
        "/compte/double-authentification/", {"token": _code(device), "next": "/mes-structures/"}
    )
    assert done["Location"].startswith("/compte/double-authentification/codes-de-secours/")
    page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", page)
    assert len(codes) == 10
    assert codes[0] not in client.get(done["Location"]).content.decode()  # shown once
    # Stored hashed only.
    digests = set(RecoveryCode.objects.filter(device__user=expert).values_list("digest", flat=True))
    assert len(digests) == 10 and not digests & set(codes)
    # A lost phone: a recovery code passes the second step, once.
    other = _password_only_session(client_for(None), expert)
    assert other.get("/mes-structures/").status_code == 302
    used = other.post("/compte/double-authentification/verifier/", {"token": codes[0].upper()})
    assert used.status_code == 302
    assert other.get("/mes-structures/").status_code == 200
    assert accounts.remaining_recovery_codes(expert) == 9
    third = _password_only_session(client_for(None), expert)
    again = third.post("/compte/double-authentification/verifier/", {"token": codes[0]})
    assert again.status_code == 200 and "Code incorrect" in again.content.decode()
    assert AuditLog.objects.filter(action="recovery_code_used", actor=expert).count() == 1
    # The recovered session may enrol a new phone.
    assert other.get("/compte/double-authentification/").status_code == 200


def test_recovery_codes_are_regenerated_only_from_a_verified_session(client, expert_with_app):
    expert, device = expert_with_app
    first = accounts.regenerate_recovery_codes(user=expert)
    _password_only_session(client, expert)
    refused = client.post("/compte/double-authentification/codes-de-secours/")
    assert refused.status_code == 302 and "verifier" in refused["Location"]
    assert accounts.use_recovery_code(
        device=RecoveryCode.objects.filter(device__user=expert).first().device, code=first[1]
    )
    client.post("/compte/double-authentification/verifier/", {"token": _code(device)})
    regenerated = client.post("/compte/double-authentification/codes-de-secours/", follow=True)
    page = regenerated.content.decode()
    assert page.count("<code>") == 10 and first[2] not in page
    assert accounts.remaining_recovery_codes(expert) == 10
    # The old codes no longer work.
    assert not accounts.use_recovery_code(
        device=RecoveryCode.objects.filter(device__user=expert).first().device, code=first[2]
    )


def _token_works(key: str) -> bool:
    return (
        APIClient().get("/api/v1/me/token/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    )


def test_password_change_revokes_every_token(network, client_for):
    referent = network.user("referent")
    keys = [accounts.create_api_token(user=referent, name=n)[1] for n in ("a", "b")]
    other_key = accounts.create_api_token(user=network.user("directeur"), name="x")[1]
    assert all(_token_works(key) for key in keys)
    client = client_for(referent)
    answer = client.post(
        "/compte/mot-de-passe/changer/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert answer.status_code == 302
    assert not any(_token_works(key) for key in keys)
    assert not ApiToken.objects.filter(user=referent).exists()
    assert _token_works(other_key)  # only the person's own tokens


def test_password_reset_revokes_every_token(network, client, mailoutbox):
    lecteur = network.user("lecteur")
    key = accounts.create_api_token(user=lecteur, name="a")[1]
    uid_token = __import__("django.contrib.auth.tokens", fromlist=["x"]).default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(lecteur.pk))
    link = client.get(f"/compte/mot-de-passe/nouveau/{uid}/{uid_token.make_token(lecteur)}/")
    done = client.post(
        link["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert not _token_works(key)


def test_deactivation_revokes_every_token(network):
    user = network.user("contributeur")
    key = accounts.create_api_token(user=user, name="a")[1]
    call_command("deactivate_account", user.email, stdout=__import__("io").StringIO())
    user.refresh_from_db()
    assert not user.is_active and not ApiToken.objects.filter(user=user).exists()
    assert not _token_works(key)


def test_expired_token_is_refused(network):
    token, key = accounts.create_api_token(user=network.user("lecteur"), name="a", expires_days=1)
    assert _token_works(key)
    ApiToken.objects.filter(pk=token.pk).update(expiry=token.created)
    assert not _token_works(key)
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_admin_shows_no_key_nor_digest(network, client_for):
    admin = network.user("federation")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    token, key = accounts.create_api_token(user=network.user("lecteur"), name="visible")
    page = client_for(admin).get("/admin/tenants/apitoken/").content.decode()
    assert "visible" in page
    assert key not in page and key[:15] not in page
    assert client_for(admin).get("/admin/knox/authtoken/").status_code == 404
    assert client_for(admin).get("/admin/tenants/apitoken/add/").status_code == 403


def test_a_person_who_enrolled_of_their_own_accord_is_challenged_at_sign_in(network, client):
    """The référent's role does not require a second factor, but they enrolled one: a
    password alone no longer opens their pages (pages redirect, the API answers 403), the
    code does; a person without a second factor signs in as before."""
    referent = network.user("referent")
    device = TOTPDevice.objects.create(user=referent, name="telephone", confirmed=True)
    _password_only_session(client, referent)
    home = client.get("/")
    assert home.status_code == 302 and "verifier" in home["Location"]
    assert client.get("/api/v1/structures/").status_code == 403
    verify = client.post("/compte/double-authentification/verifier/", {"token": _code(device)})
    assert verify.status_code == 302
    assert client.get("/").status_code == 200
    other = network.user("directeur")
    assert _password_only_session(client.__class__(), other).get("/").status_code == 200
