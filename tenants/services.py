"""Writes of the network: structures (tenants), people and their roles."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from tenants.models import (
    Domain,
    ExpertAffectation,
    GroupeTravail,
    Membership,
    Structure,
    Territoire,
    User,
)


@transaction.atomic
def create_structure(*, nom: str, slug: str | None = None, **fields) -> Structure:
    """Create a structure and provision its schema (tables of every tenant app).

    ``full_clean`` validates FINESS/SIRET and uniqueness first, so nothing is created
    (no row, no schema) when the input is wrong.
    """
    slug = slug or slugify(nom)[:63]
    groupes = fields.pop("groupes", None)
    structure = Structure(nom=nom, slug=slug, schema_name=schema_name_for(slug), **fields)
    structure.full_clean()
    structure.save(verbosity=0)  # django-tenants creates and migrates the schema here
    Domain.objects.create(domain=slug, tenant=structure, is_primary=True)
    if groupes:
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


def set_membership(*, user: User, structure: Structure, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, structure=structure, defaults={"role": role}
    )
    return membership


def assign_expert(*, expert: User, structure: Structure) -> ExpertAffectation:
    affectation, _ = ExpertAffectation.objects.get_or_create(expert=expert, structure=structure)
    return affectation


def add_pilote(*, territoire: Territoire, user: User) -> None:
    territoire.pilotes.add(user)


def add_group_expert(*, groupe: GroupeTravail, user: User) -> None:
    groupe.experts.add(user)
