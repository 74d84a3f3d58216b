"""People and organisation: structures, groups, invitations, audit log."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from tenants.access.roles import (
    DIRECTEUR,
    EXPERT,
    FEDERATION,
    PILOTE,
    STAFF_MANAGE_ROLES,
    _active,
    can_manage_structure,
    can_manage_territoire,
    can_pilot_structure,
    is_expert,
    is_federation_admin,
    is_pilote,
    network_roles,
)
from tenants.models import GroupeTravail, Membership, Structure, Territoire


def can_create_structure(user, territoire: Territoire | None) -> bool:
    """The federation admin creates structures anywhere; a pilot only in a territory they pilot."""
    if is_federation_admin(user):
        return True
    return territoire is not None and can_manage_territoire(user, territoire)


def can_import_structures(user) -> bool:
    """Bulk imports are for the federation admin and pilots (each row must then be in one
    of the pilot's territories)."""
    return is_federation_admin(user) or is_pilote(user)


def can_edit_groupe(user, groupe: GroupeTravail) -> bool:
    """A working group is edited by the federation admin or the pilots of its territory."""
    return can_manage_territoire(user, groupe.territoire)


def users_visible_to(user) -> QuerySet:
    """People a person may list: the federation admin everyone; a pilot the staff of their
    territories' structures, the experts of their territories' groups and themselves;
    a director or référent the staff of their structures; anyone else themselves."""
    from tenants.models import User

    if not _active(user):
        return User.objects.none()
    if is_federation_admin(user):
        return User.objects.all()
    managed = Membership.objects.filter(user=user, role__in=STAFF_MANAGE_ROLES).values(
        "structure_id"
    )
    piloted = Territoire.pilotes.through.objects.filter(user_id=user.pk).values("territoire_id")
    return User.objects.filter(
        Q(pk=user.pk)
        | Exists(
            Membership.objects.filter(
                user_id=OuterRef("pk"),
                structure__deleted_at__isnull=True,
            ).filter(Q(structure__territoire_id__in=piloted) | Q(structure_id__in=managed))
        )
        | Exists(
            GroupeTravail.experts.through.objects.filter(
                user_id=OuterRef("pk"),
                groupetravail__territoire_id__in=piloted,
            )
        )
    )


def can_invite(
    user,
    *,
    role: str,
    structure: Structure | None = None,
    territoire: Territoire | None = None,
    groupe: GroupeTravail | None = None,
) -> bool:
    """Who may invite whom:

    * the federation admin: anyone, any role;
    * a pilot: staff of a structure of their territory, an expert to a group or a
      structure of their territory, a co-pilot of their territory;
    * a director or référent: staff (director excepted) of their own structure.
    """
    if not _active(user):
        return False
    if is_federation_admin(user):
        return True
    if role == FEDERATION:
        return False
    if role == PILOTE:
        return territoire is not None and can_manage_territoire(user, territoire)
    if role == EXPERT:
        if groupe is not None:
            return can_edit_groupe(user, groupe)
        return structure is not None and can_pilot_structure(user, structure)
    if structure is None:
        return False
    if can_pilot_structure(user, structure):
        return True
    return role != DIRECTEUR and can_manage_structure(user, structure)


def can_invite_someone(user) -> bool:
    """The federation admin, pilots and the directors/référents of a structure invite people."""
    return bool(network_roles(user) & {FEDERATION, PILOTE, "manager"})


def must_use_two_factor(user) -> bool:
    """With ``OTP_REQUIRED_FOR_NETWORK_ROLES`` (production), federation admins and experts
    must sign in with a second factor; for everyone else it is optional."""
    from django.conf import settings

    if not getattr(settings, "OTP_REQUIRED_FOR_NETWORK_ROLES", False) or not _active(user):
        return False
    return is_federation_admin(user) or is_expert(user)


def can_view_audit_log(user) -> bool:
    """The audit log (logins, lockouts, roles, invitations) is the federation admin's."""
    return is_federation_admin(user)


def can_grant_role(
    user,
    *,
    role: str,
    structure: Structure | None = None,
    territoire: Territoire | None = None,
    groupe: GroupeTravail | None = None,
) -> bool:
    """Who may give a role directly (through the API, no invitation e-mail): exactly whom
    they may invite (``can_invite``) — the federation admin any role anywhere; a pilot
    the staff of their territories' structures, experts to their groups and structures and
    co-pilots; a director or référent the staff of their own structure, director excepted."""
    return can_invite(user, role=role, structure=structure, territoire=territoire, groupe=groupe)


def can_withdraw_role(
    user,
    target,
    *,
    role: str,
    structure: Structure | None = None,
    territoire: Territoire | None = None,
    groupe: GroupeTravail | None = None,
) -> bool:
    """Withdrawing a role is for whoever may grant that role there (``role`` is the role
    the person holds), except one's own role: ask someone else (so a structure, a
    territory or the federation is never left without the person who manages it by
    mistake)."""
    if target is not None and user is not None and target.pk == user.pk:
        return False
    return can_grant_role(
        user, role=role, structure=structure, territoire=territoire, groupe=groupe
    )
