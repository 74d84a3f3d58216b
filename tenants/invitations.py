"""Invitations by email: a signed link with an expiry, usable once; account activation.

The link carries ``signing.dumps({"i": id, "n": nonce})``: it cannot be forged from an id,
expires after ``INVITATION_DAYS`` days and is refused once the invitation is accepted.
Accepting creates the account (activation: the person chooses a password) or, for an
existing account, only grants the role. Roles go through ``tenants.services`` (audited).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import outbox
from core.errors import BusinessError
from core.routing import network_url
from tenants import access, audit, services
from tenants.errors import TenantsError
from tenants.models import AuditLog, GroupeTravail, Invitation, Structure, Territoire, User

INVITATION_DAYS = 7
SALT = "tenants.invitation"
STAFF_ROLES = {
    Invitation.Role.DIRECTEUR,
    Invitation.Role.REFERENT,
    Invitation.Role.CONTRIBUTEUR,
    Invitation.Role.LECTEUR,
}


@transaction.atomic
def invite(
    *,
    by: User,
    email: str,
    role: str,
    structure: Structure | None = None,
    territoire: Territoire | None = None,
    groupe: GroupeTravail | None = None,
) -> Invitation:
    """Invite ``email`` with ``role`` (in a structure, a territory or a group); send the link."""
    email = email.strip().lower()
    check_role_scope(role=role, structure=structure, territoire=territoire, groupe=groupe)
    if not access.can_invite(
        by, role=role, structure=structure, territoire=territoire, groupe=groupe
    ):
        raise BusinessError(
            TenantsError.FORBIDDEN, _("Vous ne pouvez pas inviter à ce rôle ici."), status=403
        )
    invitation = Invitation.objects.create(
        email=email,
        role=role,
        structure=structure,
        territoire=territoire,
        groupe=groupe,
        invited_by=by,
        nonce=secrets.token_hex(16),
        expires_at=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    link = settings.SITE_URL.rstrip("/") + network_url(
        "invitation-accept", token=invitation_token(invitation)
    )
    scope = structure or territoire or groupe
    outbox.enqueue_email(
        key=f"invitation:{invitation.pk}",
        to=[email],
        subject=_("Invitation à rejoindre Qualiréseau"),
        body=_(
            "Bonjour,\n\n%(qui)s vous invite à rejoindre Qualiréseau comme %(role)s%(ou)s.\n\n"
            "Pour activer votre compte, ouvrez ce lien (valable %(jours)s jours, une seule fois) :\n"
            "%(lien)s\n\nSi vous n'attendiez pas cette invitation, ignorez ce message."
        )
        % {
            "qui": by.get_full_name() or by.email,
            "role": invitation.get_role_display(),
            "ou": f" ({scope})" if scope else "",
            "jours": INVITATION_DAYS,
            "lien": link,
        },
    )
    audit.record(
        action=AuditLog.Action.INVITATION_SENT,
        actor=by,
        structure=structure,
        identifier=email,
        details={"role": role, "invitation": invitation.pk},
    )
    return invitation


def check_role_scope(*, role, structure, territoire, groupe) -> None:
    """The scope a role needs (a structure for staff, a territory for a pilot, a group or
    a structure for an expert); refused otherwise (invitations and direct grants)."""
    needed = {
        **dict.fromkeys(STAFF_ROLES, ("structure", structure)),
        Invitation.Role.PILOTE: ("territoire", territoire),
        Invitation.Role.EXPERT: ("groupe", groupe or structure),
    }
    if role not in Invitation.Role.values:
        raise BusinessError(TenantsError.INVITATION_SCOPE, _("Rôle inconnu."), field="role")
    if role in needed and needed[role][1] is None:
        field = needed[role][0]
        raise BusinessError(
            TenantsError.INVITATION_SCOPE, _("Précisez le périmètre de ce rôle."), field=field
        )


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT)


def invitation_from_token(token: str, *, for_update: bool = False) -> Invitation:
    """The invitation a link designates, or a BusinessError (invalid, expired, used)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=datetime.timedelta(days=INVITATION_DAYS))
    except signing.SignatureExpired as error:
        raise BusinessError(
            TenantsError.INVITATION_EXPIRED, _("Cette invitation a expiré.")
        ) from error
    except signing.BadSignature as error:
        raise BusinessError(
            TenantsError.INVITATION_INVALID, _("Ce lien d'invitation n'est pas valide."), status=404
        ) from error
    queryset = Invitation.objects.select_related("structure", "territoire", "groupe", "invited_by")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    invitation = queryset.filter(pk=data.get("i"), nonce=data.get("n")).first()
    if invitation is None:
        raise BusinessError(
            TenantsError.INVITATION_INVALID, _("Ce lien d'invitation n'est pas valide."), status=404
        )
    if invitation.accepted_at is not None:
        raise BusinessError(
            TenantsError.INVITATION_USED, _("Cette invitation a déjà été utilisée.")
        )
    if invitation.is_expired:
        raise BusinessError(TenantsError.INVITATION_EXPIRED, _("Cette invitation a expiré."))
    return invitation


def account_exists(invitation: Invitation) -> bool:
    return User.objects.filter(email=invitation.email, is_active=True).exclude(password="").exists()


@transaction.atomic
def accept_invitation(
    *, token: str, password: str | None = None, first_name: str = "", last_name: str = ""
) -> User:
    """Use the invitation once: create/activate the account if needed, grant the role."""
    invitation = invitation_from_token(token, for_update=True)
    user = User.objects.filter(email=invitation.email).first()
    if user is None or not user.has_usable_password() or not user.is_active:
        if not password:
            raise BusinessError(
                TenantsError.MISSING_FIELD, _("Choisissez un mot de passe."), field="password"
            )
        if user is None:
            user = User(email=invitation.email)
        user.first_name = first_name or user.first_name
        user.last_name = last_name or user.last_name
        validate_password(password, user)
        user.set_password(password)
        user.is_active = True
        user.save()
    _grant(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        action=AuditLog.Action.INVITATION_ACCEPTED,
        actor=user,
        target_user=user,
        structure=invitation.structure,
        details={"role": invitation.role, "invitation": invitation.pk},
    )
    return user


def _grant(invitation: Invitation, user: User) -> None:
    services.apply_role(
        user=user,
        role=invitation.role,
        structure=invitation.structure,
        territoire=invitation.territoire,
        groupe=invitation.groupe,
        by=invitation.invited_by,
    )
