"""People: invitations, activation, password reset, profile and token, lockout, 2FA, audit."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core import mail, signing
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import BusinessError
from tenants import invitations, services
from tenants.models import (
    ApiToken,
    AuditLog,
    ExpertAffectation,
    Invitation,
    Membership,
    User,
)
from tests.conftest import PASSWORD

NEW_PASSWORD = "Un-mot-de-passe-solide-2024"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


def _invite(network, django_capture_on_commit_callbacks, **kwargs) -> tuple[Invitation, str]:
    kwargs.setdefault("by", network.user("directeur"))
    kwargs.setdefault("email", "nouvelle@example.test")
    kwargs.setdefault("role", "contributeur")
    kwargs.setdefault("structure", network.structure)
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitations.invite(**kwargs)
    link = re.search(r"https?://\S+/compte/invitation/\S+/", mail.outbox[-1].body).group(0)
    return invitation, link.split("://", 1)[1].split("/", 1)[1]


def test_invitation_email_activation_and_role(network, django_capture_on_commit_callbacks, client):
    invitation, path = _invite(network, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == ["nouvelle@example.test"]
    assert "Invitation" in mail.outbox[-1].subject
    page = client.get("/" + path)
    assert page.status_code == 200 and "Rejoindre Qualiréseau" in page.content.decode()
    response = client.post(
        "/" + path,
        {
            "first_name": "Nina",
            "last_name": "Nouvelle",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.test")
    assert user.check_password(NEW_PASSWORD) and user.first_name == "Nina"
    assert Membership.objects.get(user=user, structure=network.structure).role == "contributeur"
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert client.get("/s/alpha/").status_code == 200  # logged in after activation
    actions = set(AuditLog.objects.filter(target_user=user).values_list("action", flat=True))
    assert {"role_granted", "invitation_accepted"} <= actions
    assert AuditLog.objects.filter(
        action="invitation_sent", identifier="nouvelle@example.test"
    ).exists()


def test_invitation_link_works_only_once(network, django_capture_on_commit_callbacks, client):
    _invitation, path = _invite(network, django_capture_on_commit_callbacks)
    data = {
        "first_name": "A",
        "last_name": "B",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    assert client.post("/" + path, data).status_code == 302
    again = Client().post("/" + path, data)
    assert again.status_code == 400
    assert "déjà été utilisée" in again.content.decode()


def test_expired_invitation_is_refused(network, django_capture_on_commit_callbacks, client):
    invitation, path = _invite(network, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.get("/" + path)
    assert response.status_code == 400 and "expiré" in response.content.decode()
    assert not User.objects.filter(email="nouvelle@example.test").exists()


def test_forged_or_tampered_link_is_refused(network, django_capture_on_commit_callbacks, client):
    invitation, path = _invite(network, django_capture_on_commit_callbacks)
    _payload, rest = path.split("compte/invitation/")[1].split(":", 1)
    tampered = signing.b64_encode(b'{"i":%d,"n":"x"}' % invitation.pk).decode()
    assert client.get(f"/compte/invitation/{tampered}:{rest}").status_code == 400
    # Properly signed but with a guessed nonce: refused too.
    guessed = signing.dumps({"i": invitation.pk, "n": "devine"}, salt=invitations.SALT)
    assert client.get(f"/compte/invitation/{guessed}/").status_code == 400
    assert client.get("/" + path).status_code == 200


def test_existing_account_accepts_without_new_password(
    network, django_capture_on_commit_callbacks, client
):
    expert = network.user("expert")
    _invitation, path = _invite(
        network,
        django_capture_on_commit_callbacks,
        by=network.user("pilote"),
        email=expert.email,
        role="expert",
        structure=network.structure,
    )
    response = client.post("/" + path)
    assert response.status_code == 302
    assert ExpertAffectation.objects.filter(expert=expert, structure=network.structure).exists()
    expert.refresh_from_db()
    assert expert.check_password(PASSWORD)


@pytest.mark.parametrize(
    "inviter, role, target, allowed",
    [
        ("directeur", "contributeur", "structure", True),
        ("directeur", "directeur", "structure", False),
        ("lecteur", "lecteur", "structure", False),
        ("directeur", "lecteur", "other_structure", False),
        ("pilote", "directeur", "structure", True),
        ("pilote", "directeur", "other_structure", False),
        ("pilote", "pilote", "territoire", True),
        ("pilote", "pilote", "other_territoire", False),
        ("pilote", "federation", None, False),
        ("federation", "federation", None, True),
        ("expert", "lecteur", "structure", False),
    ],
)
def test_who_may_invite_whom(network, inviter, role, target, allowed):
    scope = {}
    if target:
        value = getattr(network, target)
        scope["territoire" if "territoire" in target else "structure"] = value

    def call():
        return invitations.invite(
            by=network.user(inviter), email="z@example.test", role=role, **scope
        )

    if allowed:
        assert call().pk
    else:
        with pytest.raises(BusinessError):
            call()


def test_password_reset_sends_an_email_with_a_working_link(network, client):
    response = client.post("/compte/mot-de-passe/oubli/", {"email": network.user("lecteur").email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "réinitialisation" in mail.outbox[0].subject
    path = re.search(r"/compte/mot-de-passe/nouveau/\S+/", mail.outbox[0].body).group(0)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and "Nouveau mot de passe" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert User.objects.get(pk=network.user("lecteur").pk).check_password(NEW_PASSWORD)
    assert AuditLog.objects.filter(
        action="password_reset", identifier=network.user("lecteur").email
    ).exists()


def test_password_reset_for_unknown_address_sends_nothing(db, client):
    assert (
        client.post("/compte/mot-de-passe/oubli/", {"email": "personne@example.test"}).status_code
        == 302
    )
    assert mail.outbox == []


def test_new_passwords_are_hashed_with_argon2(network, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(email="argon@example.test", password=NEW_PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"


def test_login_success_and_failure_are_audited(network, client):
    email = network.user("lecteur").email
    assert (
        client.post("/compte/connexion/", {"username": email, "password": "faux"}).status_code
        == 200
    )
    assert AuditLog.objects.filter(action="login_failure", identifier=email).count() == 1
    assert (
        client.post("/compte/connexion/", {"username": email, "password": PASSWORD}).status_code
        == 302
    )
    assert AuditLog.objects.filter(action="login_success", actor=network.user("lecteur")).exists()


def test_lockout_after_repeated_failures_with_a_french_message(network, client, settings):
    email = network.user("lecteur").email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/compte/connexion/", {"username": email, "password": "faux"})
    locked = client.post("/compte/connexion/", {"username": email, "password": PASSWORD})
    assert locked.status_code == 429  # django-axes: Too Many Requests
    assert "Trop de tentatives" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="lockout", identifier=email).exists()


def test_profile_page_edits_the_person_and_manages_the_tokens(network, client_for):
    referent = network.user("referent")
    client = client_for(referent)
    assert client.get("/compte/profil/").status_code == 200
    client.post(
        "/compte/profil/",
        {"first_name": "Rita", "last_name": "Référente", "phone": "", "function": "Qualité"},
    )
    assert User.objects.get(pk=referent.pk).function == "Qualité"
    client.post(
        "/compte/profil/jeton/", {"action": "create", "name": "tableur", "expires_days": 30}
    )
    client.post("/compte/profil/jeton/", {"action": "create", "name": "script", "expires_days": 0})
    shown = client.get("/compte/profil/").content.decode()
    key = re.search(r"<code>([0-9a-f]{64})</code>", shown).group(1)  # shown once
    assert "script" in shown and "tableur" in shown and "jamais utilisé" in shown
    again = client.get("/compte/profil/").content.decode()
    assert key not in again and "Révoquer" in again
    assert ApiToken.objects.filter(user=referent).count() == 2
    assert ApiToken.objects.get(name="script").expiry is None
    tableur = ApiToken.objects.get(name="tableur")
    # Someone else's token id is refused like an unknown one.
    other = client_for(network.user("directeur"))
    other.post("/compte/profil/jeton/", {"action": "revoke", "token": tableur.public_id})
    assert ApiToken.objects.filter(pk=tableur.pk).exists()
    client.post("/compte/profil/jeton/", {"action": "revoke", "token": tableur.public_id})
    assert list(ApiToken.objects.filter(user=referent).values_list("name", flat=True)) == ["script"]


def test_role_changes_are_audited(network):
    admin = network.user("federation")
    services.add_pilote(territoire=network.other_territoire, user=network.user("expert"), by=admin)
    services.remove_membership(user=network.user("lecteur"), structure=network.structure, by=admin)
    services.set_federation_admin(user=network.user("pilote"), value=True, by=admin)
    entries = AuditLog.objects.filter(actor=admin).values_list("action", "target_user__email")
    assert ("role_granted", "expert@test.example") in entries
    assert ("role_revoked", "lecteur@test.example") in entries
    assert ("role_granted", "pilote@test.example") in entries


@pytest.mark.parametrize("role, status", [("federation", 200), ("pilote", 404), ("directeur", 404)])
def test_audit_log_page_is_for_the_federation_admin(network, client_for, role, status):
    AuditLog.objects.create(action="login_failure", identifier="trace@example.test")
    response = client_for(network.user(role)).get("/reseau/journal/")
    assert response.status_code == status
    if status == 200:
        assert "trace@example.test" in response.content.decode()


# --- Two-factor authentication ------------------------------------------------------------


@pytest.mark.parametrize("role", ["federation", "expert"])
def test_network_roles_must_set_up_two_factor_when_required(network, client_for, settings, role):
    settings.OTP_REQUIRED_FOR_NETWORK_ROLES = True
    client = client_for(network.user(role))
    response = client.get("/mes-structures/")
    assert response.status_code == 302 and response["Location"].startswith(
        "/compte/double-authentification/"
    )
    assert client.get("/api/v1/structures/").status_code == 403
    assert client.get("/compte/double-authentification/").status_code == 200


def test_two_factor_is_optional_for_staff_and_when_not_required(network, client_for, settings):
    settings.OTP_REQUIRED_FOR_NETWORK_ROLES = True
    assert client_for(network.user("directeur")).get("/mes-structures/").status_code == 200
    settings.OTP_REQUIRED_FOR_NETWORK_ROLES = False
    assert client_for(network.user("expert")).get("/mes-structures/").status_code == 200


def test_two_factor_setup_then_verification_at_login(network, client_for, settings):
    settings.OTP_REQUIRED_FOR_NETWORK_ROLES = True
    expert = network.user("expert")
    client = client_for(expert)
    page = client.get("/compte/double-authentification/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=expert, confirmed=False)
    wrong = client.post(
        "/compte/double-authentification/",
        {"token": "000000" if totp(device.bin_key) else "111111"},
    )
    assert wrong.status_code == 200 and "Code incorrect" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a failure throttles the next attempt for a second
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/compte/double-authentification/", {"token": code}).status_code == 302
    assert client.get("/mes-structures/").status_code == 200
    assert AuditLog.objects.filter(action="otp_enabled", actor=expert).exists()
    # A new session must verify a code.
    fresh = client_for(expert)
    redirected = fresh.get("/mes-structures/")
    assert redirected["Location"].startswith("/compte/double-authentification/verifier/")
    device.refresh_from_db()
    device.last_t = -1  # the same code may be reused in this test (a new time step otherwise)
    device.save()
    assert (
        fresh.post(
            "/compte/double-authentification/verifier/", {"token": code, "next": "/mes-structures/"}
        )["Location"]
        == "/mes-structures/"
    )
    assert fresh.get("/mes-structures/").status_code == 200


def test_token_api_clients_are_not_sent_to_two_factor(network, api_client_for, settings):
    settings.OTP_REQUIRED_FOR_NETWORK_ROLES = True
    assert api_client_for(network.user("federation")).get("/api/v1/structures/").status_code == 200
