"""Account security services: second factor (TOTP enrolment, recovery codes) and personal
API tokens (several per person, named, expiring, hashed at rest; revoked together when the
password changes or the account is deactivated).

Views and API endpoints stay thin and call these functions; every change is audited.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import BusinessError
from tenants import audit
from tenants.errors import TenantsError
from tenants.models import ApiToken, AuditLog, RecoveryCode, RecoveryCodeDevice, User

# --- Second factor ---------------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10
# 16 base-32 characters: 80 random bits, so a plain SHA-256 digest cannot be brute-forced.
_RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def has_confirmed_device(user: User) -> bool:
    """Whether the person already has a second factor (an app or recovery codes)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or RecoveryCode.objects.filter(device__user=user).exists()
    )


# Set at sign-in when the person has a second factor, whether their role requires one or
# they enrolled of their own accord: the session is then challenged like a required one.
SECOND_FACTOR_SESSION_KEY = "qr_second_factor_enrolled"


def mark_session_second_factor(request, user: User) -> None:
    """At sign-in: remember in the session whether this person must pass their second factor
    (one query at login, none per request afterwards)."""
    if has_confirmed_device(user):
        request.session[SECOND_FACTOR_SESSION_KEY] = True


def may_enrol(user: User, *, verified: bool) -> bool:
    """A new authenticator may be registered by a session that passed the second step, or
    by anyone who has no second factor yet (first enrolment). A session that only knows
    the password never adds nor replaces a device."""
    return verified or not has_confirmed_device(user)


def pending_totp_device(user: User, *, verified: bool) -> TOTPDevice:
    """The unconfirmed device being enrolled (created on first use)."""
    if not may_enrol(user, verified=verified):
        raise BusinessError(
            TenantsError.OTP_NOT_VERIFIED,
            _("Validez d'abord la connexion avec votre second facteur."),
            status=403,
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


@transaction.atomic
def confirm_totp_device(
    *, user: User, device: TOTPDevice, token: str, verified: bool, request=None
) -> list[str] | None:
    """Confirm the device being enrolled with a code of the app. On success the device
    replaces the person's previous apps; returns the new recovery codes when the person had
    none (shown once), else an empty list. ``None``: wrong code."""
    if not may_enrol(user, verified=verified) or device.user_id != user.pk or device.confirmed:
        raise BusinessError(
            TenantsError.OTP_NOT_VERIFIED,
            _("Validez d'abord la connexion avec votre second facteur."),
            status=403,
        )
    if not device.verify_token(token.strip()):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(action=AuditLog.Action.OTP_ENABLED, actor=user, target_user=user, request=request)
    if RecoveryCode.objects.filter(device__user=user).exists():
        return []
    return regenerate_recovery_codes(user=user, request=request)


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


@transaction.atomic
def regenerate_recovery_codes(*, user: User, request=None) -> list[str]:
    """Replace the person's recovery codes with new ones; the codes are returned once (only
    their digests are kept). Callers check that the session passed the second step."""
    device, _created = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": "recovery", "confirmed": True}
    )
    device.codes.all().delete()
    codes = []
    for _index in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, digest=_digest(c)) for c in codes)
    audit.record(
        action=AuditLog.Action.RECOVERY_CODES_CREATED,
        actor=user,
        target_user=user,
        request=request,
    )
    return codes


def remaining_recovery_codes(user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user).count()


@transaction.atomic
def use_recovery_code(*, device: RecoveryCodeDevice, code: str) -> bool:
    """Consume one recovery code (single use); throttled like the other devices."""
    allowed, _details = device.verify_is_allowed()
    if not allowed or len(_normalise(code)) != 16:
        if allowed:
            device.throttle_increment()
        return False
    deleted, _rows = RecoveryCode.objects.filter(device=device, digest=_digest(code)).delete()
    if not deleted:
        device.throttle_increment()
        return False
    device.throttle_reset()
    audit.record(
        action=AuditLog.Action.RECOVERY_CODE_USED, actor=device.user, target_user=device.user
    )
    return True


# --- Personal API tokens ---------------------------------------------------------------------


def _expiry(days: int | None) -> datetime.timedelta | None:
    if days is None:
        days = settings.API_TOKEN_DEFAULT_DAYS
    if days < 0:
        raise BusinessError(
            TenantsError.TOKEN_INVALID,
            _("La durée de validité doit être positive."),
            field="expires_days",
        )
    return datetime.timedelta(days=days) if days else None


@transaction.atomic
def create_api_token(
    *, user: User, name: str = "", expires_days: int | None = None, request=None
) -> tuple[ApiToken, str]:
    """Create an ADDITIONAL named token (the others keep working). Returns the token and
    its key: the key is shown once and never stored (only its digest)."""
    if not user.is_active:
        raise BusinessError(TenantsError.ACCOUNT_INACTIVE, _("Ce compte est désactivé."))
    name = (name or "").strip() or timezone.localtime().strftime(_("Jeton du %d/%m/%Y %H:%M"))
    if len(name) > 100:
        raise BusinessError(
            TenantsError.TOKEN_INVALID,
            _("Le nom du jeton est trop long (100 caractères au plus)."),
            field="name",
        )
    token, key = ApiToken.objects.create(user=user, expiry=_expiry(expires_days), name=name)
    audit.record(
        action=AuditLog.Action.TOKEN_CREATED,
        actor=user,
        target_user=user,
        request=request,
        details={"name": name},
    )
    return token, key


def tokens_of(user: User):
    """The person's tokens still valid (expired ones are listed nowhere)."""
    now = timezone.now()
    return (
        ApiToken.objects.filter(user=user)
        .exclude(expiry__lt=now)
        .only("pk", "name", "created", "expiry", "last_used_at", "user_id")
        .order_by("-created")
    )


@transaction.atomic
def revoke_api_token(*, user: User, token_id: str, request=None) -> bool:
    """Revoke one of the person's own tokens (``token_id``: its public id). Another
    person's token answers like an unknown one."""
    if len(token_id) != ApiToken.PUBLIC_ID_LENGTH:
        return False
    tokens = ApiToken.objects.filter(user=user, digest__startswith=token_id)
    deleted, _rows = tokens.delete()
    if deleted:
        audit.record(
            action=AuditLog.Action.TOKEN_REVOKED, actor=user, target_user=user, request=request
        )
    return bool(deleted)


@transaction.atomic
def revoke_all_api_tokens(*, user: User, reason: str, by: User | None = None) -> int:
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    if deleted:
        audit.record(
            action=AuditLog.Action.TOKEN_REVOKED,
            actor=by or user,
            target_user=user,
            details={"reason": reason, "count": deleted},
        )
    return deleted


@transaction.atomic
def deactivate_account(*, user: User, by: User | None = None) -> User:
    """Deactivate a person: no login, and every API token revoked."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    revoke_all_api_tokens(user=user, reason="deactivated", by=by)
    return user
