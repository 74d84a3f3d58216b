"""Writes of the network: structures (tenants), people and their roles."""

from __future__ import annotations

from typing import TypeVar

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.errors import BusinessError, forbidden
from tenants import access, audit
from tenants.errors import TenantsError
from tenants.models import (
    AuditLog,
    Domain,
    ExpertAffectation,
    GroupeTravail,
    Membership,
    Structure,
    Territoire,
    User,
)


@transaction.atomic
def create_structure(
    *, nom: str, slug: str | None = None, by: User | None = None, **fields
) -> Structure:
    """Create a structure and provision its schema (tables of every tenant app).

    ``full_clean`` validates FINESS/SIRET and uniqueness first, so nothing is created
    (no row, no schema) when the input is wrong. The schema is a clone of the migrated
    template (``tenants/provisioning.py``). ``by``: who did it, for the audit log.
    """
    slug = slug or slugify(nom)[:63]
    groupes = fields.pop("groupes", None)
    structure = Structure(nom=nom, slug=slug, schema_name=schema_name_for(slug), **fields)
    structure.full_clean()
    structure.save(verbosity=0)  # Structure.create_schema clones the template here
    Domain.objects.create(domain=slug, tenant=structure, is_primary=True)
    if groupes:
        structure.groupes.set(groupes)
    if by is not None:
        audit.record(action=AuditLog.Action.STRUCTURE_CREATED, actor=by, structure=structure)
    return structure


@transaction.atomic
def update_structure(*, structure: Structure, by: User, groupes=None, **fields) -> Structure:
    """Edit a structure's profile (not its slug: it names the schema and the URLs)."""
    fields.pop("slug", None)
    fields.pop("schema_name", None)
    for name, value in fields.items():
        setattr(structure, name, value)
    structure.full_clean()
    structure.save()
    if groupes is not None:
        structure.groupes.set(groupes)
    return structure


def schema_name_for(slug: str) -> str:
    """PostgreSQL schema name for a structure's slug (``s_`` prefix, underscores)."""
    return ("s_" + slug.replace("-", "_"))[:63]


def get_or_create_user(*, email: str, password: str | None = None, **fields) -> tuple[User, bool]:
    email = email.lower()
    user = User.objects.filter(email=email).first()
    if user:
        return user, False
    return User.objects.create_user(email=email, password=password, **fields), True


@transaction.atomic
def set_membership(
    *, user: User, structure: Structure, role: str, by: User | None = None
) -> Membership:
    """Give ``user`` the staff ``role`` in ``structure`` (replacing a previous one); audited
    when something changes (so repeating it, e.g. the demo loader, writes nothing)."""
    previous = (
        Membership.objects.filter(user=user, structure=structure)
        .values_list("role", flat=True)
        .first()
    )
    membership, _created = Membership.objects.update_or_create(
        user=user, structure=structure, defaults={"role": role}
    )
    if previous != role:
        _audit_role(by, user, AuditLog.Action.ROLE_GRANTED, role=role, structure=structure)
    return membership


@transaction.atomic
def remove_membership(*, user: User, structure: Structure, by: User | None = None) -> None:
    deleted, _ = Membership.objects.filter(user=user, structure=structure).delete()
    if deleted:
        _audit_role(by, user, AuditLog.Action.ROLE_REVOKED, role="staff", structure=structure)


@transaction.atomic
def assign_expert(
    *, expert: User, structure: Structure, by: User | None = None
) -> ExpertAffectation:
    affectation, created = ExpertAffectation.objects.get_or_create(
        expert=expert, structure=structure
    )
    if created:
        _audit_role(by, expert, AuditLog.Action.ROLE_GRANTED, role="expert", structure=structure)
    return affectation


@transaction.atomic
def add_pilote(*, territoire: Territoire, user: User, by: User | None = None) -> None:
    if territoire.pilotes.filter(pk=user.pk).exists():
        return
    territoire.pilotes.add(user)
    _audit_role(by, user, AuditLog.Action.ROLE_GRANTED, role="pilote", territoire=territoire.code)


@transaction.atomic
def remove_pilote(*, territoire: Territoire, user: User, by: User | None = None) -> None:
    territoire.pilotes.remove(user)
    _audit_role(by, user, AuditLog.Action.ROLE_REVOKED, role="pilote", territoire=territoire.code)


@transaction.atomic
def add_group_expert(*, groupe: GroupeTravail, user: User, by: User | None = None) -> None:
    if groupe.experts.filter(pk=user.pk).exists():
        return
    groupe.experts.add(user)
    _audit_role(by, user, AuditLog.Action.ROLE_GRANTED, role="expert", groupe=groupe.pk)


@transaction.atomic
def remove_group_expert(*, groupe: GroupeTravail, user: User, by: User | None = None) -> None:
    groupe.experts.remove(user)
    _audit_role(by, user, AuditLog.Action.ROLE_REVOKED, role="expert", groupe=groupe.pk)


@transaction.atomic
def set_federation_admin(*, user: User, value: bool, by: User | None = None) -> User:
    """Make ``user`` a federation admin (with access to the Django admin) or not."""
    user.is_federation_admin = user.is_staff = value
    if not value:
        user.is_superuser = False
    user.save(update_fields=["is_federation_admin", "is_staff", "is_superuser"])
    action = AuditLog.Action.ROLE_GRANTED if value else AuditLog.Action.ROLE_REVOKED
    _audit_role(by, user, action, role="federation")
    return user


def _audit_role(
    by: User | None, user: User, action: str, *, structure: Structure | None = None, **details
) -> None:
    audit.record(action=action, actor=by, target_user=user, structure=structure, details=details)


# --- Roles granted and withdrawn directly (API: no invitation e-mail) ------------------------


@transaction.atomic
def unassign_expert(*, expert: User, structure: Structure, by: User | None = None) -> None:
    deleted, _count = ExpertAffectation.objects.filter(expert=expert, structure=structure).delete()
    if deleted:
        _audit_role(by, expert, AuditLog.Action.ROLE_REVOKED, role="expert", structure=structure)


_Scope = TypeVar("_Scope", Structure, Territoire)


def _scope(value: _Scope | None, field: str) -> _Scope:
    """The structure or territory a role needs (``check_role_scope`` refuses its absence)."""
    if value is None:
        raise BusinessError(
            TenantsError.INVITATION_SCOPE, _("Précisez le périmètre de ce rôle."), field=field
        )
    return value


def apply_role(
    *,
    user: User,
    role: str,
    structure: Structure | None = None,
    territoire: Territoire | None = None,
    groupe: GroupeTravail | None = None,
    by: User | None = None,
) -> None:
    """Give ``user`` the role (federation; pilot of a territory; expert of a group or of a
    structure; staff role in a structure), through the audited services above."""
    if role == "federation":
        set_federation_admin(user=user, value=True, by=by)
    elif role == "pilote":
        add_pilote(territoire=_scope(territoire, "territoire"), user=user, by=by)
    elif role == "expert":
        if groupe is not None:
            add_group_expert(groupe=groupe, user=user, by=by)
        else:
            assign_expert(expert=user, structure=_scope(structure, "structure"), by=by)
    else:
        set_membership(user=user, structure=_scope(structure, "structure"), role=role, by=by)


def _role_scope_checked(role, structure, territoire, groupe) -> None:
    from tenants.invitations import check_role_scope  # invitations import this module

    check_role_scope(role=role, structure=structure, territoire=territoire, groupe=groupe)


def _role_forbidden() -> BusinessError:
    return forbidden(_("Vous ne pouvez pas attribuer ce rôle ici."))


@transaction.atomic
def grant_role(
    *,
    by: User,
    email: str,
    role: str,
    structure: Structure | None = None,
    territoire: Territoire | None = None,
    groupe: GroupeTravail | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Give a role to the person with ``email`` without an invitation round trip (the
    account is created if needed, without a password: the person chooses one with "mot de
    passe oublié"). Same scopes and rule as an invitation (``access.can_grant_role``);
    audited. Granting a role the person already holds changes nothing."""
    _role_scope_checked(role, structure, territoire, groupe)
    if not access.can_grant_role(
        by, role=role, structure=structure, territoire=territoire, groupe=groupe
    ):
        raise _role_forbidden()
    user, _created = get_or_create_user(
        email=email.strip(), first_name=first_name, last_name=last_name
    )
    apply_role(
        user=user, role=role, structure=structure, territoire=territoire, groupe=groupe, by=by
    )
    return user


def _holds_role(user: User, role: str, structure, territoire, groupe) -> bool:
    if role == "federation":
        return user.is_federation_admin
    if role == "pilote":
        return territoire.pilotes.filter(pk=user.pk).exists()
    if role == "expert":
        if groupe is not None:
            return groupe.experts.filter(pk=user.pk).exists()
        return ExpertAffectation.objects.filter(expert=user, structure=structure).exists()
    return Membership.objects.filter(user=user, structure=structure, role=role).exists()


@transaction.atomic
def withdraw_role(
    *,
    by: User,
    user: User,
    role: str,
    structure: Structure | None = None,
    territoire: Territoire | None = None,
    groupe: GroupeTravail | None = None,
) -> None:
    """Withdraw a role the person holds there (``access.can_withdraw_role``: whoever may
    grant it, never one's own); audited. ``role_not_held`` when they do not hold it."""
    _role_scope_checked(role, structure, territoire, groupe)
    if not access.can_withdraw_role(
        by, user, role=role, structure=structure, territoire=territoire, groupe=groupe
    ):
        raise _role_forbidden()
    if not _holds_role(user, role, structure, territoire, groupe):
        raise BusinessError(
            TenantsError.ROLE_NOT_HELD,
            _("Cette personne n'a pas ce rôle ici."),
            field="role",
            status=409,
        )
    if role == "federation":
        set_federation_admin(user=user, value=False, by=by)
    elif role == "pilote":
        remove_pilote(territoire=_scope(territoire, "territoire"), user=user, by=by)
    elif role == "expert" and groupe is not None:
        remove_group_expert(groupe=groupe, user=user, by=by)
    elif role == "expert":
        unassign_expert(expert=user, structure=_scope(structure, "structure"), by=by)
    else:
        remove_membership(user=user, structure=_scope(structure, "structure"), by=by)
