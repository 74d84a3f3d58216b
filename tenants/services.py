"""Writes of the network: structures (tenants), people and their roles."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from tenants import audit
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
