"""Roles: the network-level roles of a person, and the structures each person sees."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy

from core.compiled import first_row
from tenants.models import ExpertAffectation, GroupeTravail, Membership, Structure, Territoire

FEDERATION = "federation"
PILOTE = "pilote"
EXPERT = "expert"
DIRECTEUR = Membership.Role.DIRECTEUR.value
REFERENT = Membership.Role.REFERENT.value
CONTRIBUTEUR = Membership.Role.CONTRIBUTEUR.value
LECTEUR = Membership.Role.LECTEUR.value
# Pseudo-roles of ``network_roles`` read for every page's menu (never shown as roles).
SEES_GROUPES = "groupes"
DIRECTS_A_STRUCTURE = "dirige"

STAFF_WRITE_ROLES = frozenset({DIRECTEUR, REFERENT, CONTRIBUTEUR})
STAFF_MANAGE_ROLES = frozenset({DIRECTEUR, REFERENT})
ROLE_LABELS = {
    FEDERATION: gettext_lazy("Administration fédération"),
    PILOTE: gettext_lazy("Pilote territorial"),
    EXPERT: gettext_lazy("Expert-réseau"),
    **{role.value: role.label for role in Membership.Role},
}


@dataclass(frozen=True)
class StructureRoles:
    """The roles one person holds toward one structure."""

    roles: frozenset[str] = field(default_factory=frozenset)

    def __contains__(self, role: str) -> bool:
        return role in self.roles

    def __bool__(self) -> bool:
        return bool(self.roles)

    @property
    def staff_role(self) -> str | None:
        for role in (DIRECTEUR, REFERENT, CONTRIBUTEUR, LECTEUR):
            if role in self.roles:
                return role
        return None


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- Network-level roles -------------------------------------------------------------------


def is_federation_admin(user) -> bool:
    """A federation admin is an active user flagged ``is_federation_admin``."""
    return _active(user) and bool(user.is_federation_admin)


def is_pilote(user) -> bool:
    """A pilot pilots at least one territory."""
    return PILOTE in network_roles(user)


def is_expert(user) -> bool:
    """An expert leads at least one working group or has a direct assignment."""
    return EXPERT in network_roles(user)


def network_roles(user) -> frozenset[str]:
    """The network-level roles of a person, in one query, cached on the user object
    (``request.user`` lives for one request).

    Besides ``federation``, ``pilote`` and ``expert``: ``staff`` (a role in a structure),
    ``manager`` (director or référent of a structure), ``dirige`` (director of a
    structure, even a deleted one) and ``groupes`` (sees at least one working group:
    ``groupes_visible_to`` is not empty).
    """
    if not _active(user):
        return frozenset()
    # getattr/setattr (not __dict__): request.user is a SimpleLazyObject proxying the user.
    cached = getattr(user, "_qr_network_roles", None)
    if cached is not None:
        return cached
    admin = bool(user.is_federation_admin)
    row: Mapping[str, object] = (
        first_row(  # the SQL is built once per process (a dozen subqueries: milliseconds)
            ("network_roles", admin),
            lambda user_id: _network_roles_query(_stand_in(user_id, admin)),
            user_id=user.pk,
        )
        or {}
    )
    user._qr_network_roles = _network_roles_from(user, row)
    return user._qr_network_roles


def _stand_in(user_id: int, admin: bool):
    """The person as a compiled role query sees them: their id (a parameter) and whether they
    administer the federation (it changes the query's shape, so it is part of its key)."""
    from tenants.models import User

    return User(pk=user_id, is_active=True, is_federation_admin=admin)


def _network_roles_query(user) -> QuerySet:
    from tenants.models import User

    flags = _network_role_flags(user)
    return User.objects.filter(pk=user.pk).annotate(**flags).values(*flags)


def _network_role_flags(user) -> dict[str, Exists]:
    """The subqueries behind ``network_roles`` (read alone, or with a structure's roles by
    ``roles_in_structure``: one query for both on a structure's pages)."""
    return {
        "net_pilote": Exists(Territoire.pilotes.through.objects.filter(user_id=user.pk)),
        "net_group_expert": Exists(GroupeTravail.experts.through.objects.filter(user_id=user.pk)),
        "net_assigned_expert": Exists(ExpertAffectation.objects.filter(expert_id=user.pk)),
        "net_staff_member": Exists(
            Membership.objects.filter(user_id=user.pk, structure__deleted_at__isnull=True)
        ),
        "net_manager": Exists(
            Membership.objects.filter(
                user_id=user.pk,
                structure__deleted_at__isnull=True,
                role__in=STAFF_MANAGE_ROLES,
            )
        ),
        # What every page's menu asks (one query for the whole menu): a director's role
        # (the processing register) and at least one group in view.
        "net_director": Exists(Membership.objects.filter(user_id=user.pk, role=DIRECTEUR)),
        "net_sees_groupes": Exists(groupes_visible_to(user)),
    }


def _network_roles_from(user, row: Mapping[str, object]) -> frozenset[str]:
    roles = set()
    if user.is_federation_admin:
        roles.add(FEDERATION)
    if row.get("net_pilote"):
        roles.add(PILOTE)
    if row.get("net_group_expert") or row.get("net_assigned_expert"):
        roles.add(EXPERT)
    if row.get("net_staff_member"):
        roles.add("staff")
    if row.get("net_manager"):
        roles.add("manager")
    if row.get("net_director"):
        roles.add(DIRECTS_A_STRUCTURE)
    if row.get("net_sees_groupes"):
        roles.add(SEES_GROUPES)
    return frozenset(roles)


def sees_some_groupe(user) -> bool:
    """Whether ``groupes_visible_to(user)`` holds at least one group (read with the roles)."""
    return SEES_GROUPES in network_roles(user)


def territoires_piloted_by(user) -> QuerySet[Territoire]:
    if not _active(user):
        return Territoire.objects.none()
    return Territoire.objects.filter(pilotes=user)


def territoires_visible_to(user) -> QuerySet[Territoire]:
    """Federation admins see every territory; pilots theirs; experts those of their groups."""
    if not _active(user):
        return Territoire.objects.none()
    if is_federation_admin(user):
        return Territoire.objects.all()
    return Territoire.objects.filter(
        Exists(
            Territoire.pilotes.through.objects.filter(territoire_id=OuterRef("pk"), user_id=user.pk)
        )
        | Exists(GroupeTravail.objects.filter(territoire_id=OuterRef("pk"), experts=user))
    )


def groupes_visible_to(user) -> QuerySet[GroupeTravail]:
    """Federation admins see every group; pilots those of their territories and those
    gathering a structure of their territories (a group may span territories); experts
    theirs; staff the groups their structure belongs to."""
    if not _active(user):
        return GroupeTravail.objects.none()
    if is_federation_admin(user):
        return GroupeTravail.objects.all()
    return GroupeTravail.objects.filter(
        Exists(
            Territoire.pilotes.through.objects.filter(
                territoire_id=OuterRef("territoire_id"), user_id=user.pk
            )
        )
        | Exists(
            GroupeTravail.experts.through.objects.filter(
                groupetravail_id=OuterRef("pk"), user_id=user.pk
            )
        )
        | Exists(
            GroupeTravail.structures.through.objects.filter(
                groupetravail_id=OuterRef("pk"),
                structure__memberships__user_id=user.pk,
            )
        )
        | Exists(
            GroupeTravail.structures.through.objects.filter(
                groupetravail_id=OuterRef("pk"),
                structure__territoire__pilotes=user,
            )
        )
    )


def can_manage_network(user) -> bool:
    """Territories, groups, frames, campaigns and accounts are the federation admin's."""
    return is_federation_admin(user)


def can_manage_territoire(user, territoire: Territoire) -> bool:
    """A territory (its groups and structures) is edited by the federation admin or its pilots."""
    if is_federation_admin(user):
        return True
    return _active(user) and territoire.pilotes.filter(pk=user.pk).exists()


def can_lead_groupe(user, groupe: GroupeTravail) -> bool:
    """A group's meetings, minutes and collective plan are written by its experts
    (and by the federation admin and the territory's pilots)."""
    if not _active(user):
        return False
    # Only an expert or a pilot can be one of them: their network roles (read once a
    # request, for the menu) spare the two lookups for everybody else.
    roles = network_roles(user)
    return (
        is_federation_admin(user)
        or (EXPERT in roles and groupe.experts.filter(pk=user.pk).exists())
        or (PILOTE in roles and groupe.territoire.pilotes.filter(pk=user.pk).exists())
    )


# --- Structures ----------------------------------------------------------------------------


def structures_visible_to(user) -> QuerySet[Structure]:
    """The structures a person may open.

    Federation admin: all; pilot: the structures of their territories; expert: those of
    their groups and their direct assignments; staff: their own structure(s).
    """
    structures = Structure.objects.reelles()
    if not _active(user):
        return structures.none()
    if is_federation_admin(user):
        return structures
    return structures.filter(
        Exists(Membership.objects.filter(structure_id=OuterRef("pk"), user_id=user.pk))
        | Exists(
            Territoire.pilotes.through.objects.filter(
                territoire_id=OuterRef("territoire_id"), user_id=user.pk
            )
        )
        | Exists(
            GroupeTravail.structures.through.objects.filter(
                structure_id=OuterRef("pk"), groupetravail__experts=user
            )
        )
        | Exists(ExpertAffectation.objects.filter(structure_id=OuterRef("pk"), expert_id=user.pk))
    )


def structures_of_expert(user) -> QuerySet[Structure]:
    """The structures an expert reviews: their groups' and their direct assignments."""
    if not _active(user):
        return Structure.objects.none()
    return Structure.objects.reelles().filter(
        Exists(
            GroupeTravail.structures.through.objects.filter(
                structure_id=OuterRef("pk"), groupetravail__experts=user
            )
        )
        | Exists(ExpertAffectation.objects.filter(structure_id=OuterRef("pk"), expert_id=user.pk))
    )


def _structure_roles_query(user, structure_id: int, *, with_network: bool) -> QuerySet:
    """The roles of ``roles_in_structure`` (and the network-level ones when not read yet:
    every page's menu needs them)."""
    network_flags = _network_role_flags(user) if with_network else {}
    return (
        Structure.objects.filter(pk=structure_id)
        .annotate(
            member_role=Subquery(
                Membership.objects.filter(structure_id=OuterRef("pk"), user_id=user.pk).values(
                    "role"
                )[:1]
            ),
            is_pilote=Exists(
                Territoire.pilotes.through.objects.filter(
                    territoire_id=OuterRef("territoire_id"), user_id=user.pk
                )
            ),
            is_group_expert=Exists(
                GroupeTravail.structures.through.objects.filter(
                    structure_id=OuterRef("pk"), groupetravail__experts=user
                )
            ),
            is_assigned_expert=Exists(
                ExpertAffectation.objects.filter(structure_id=OuterRef("pk"), expert_id=user.pk)
            ),
            # The network-level roles too, when not read yet (every page's menu needs them).
            **network_flags,
        )
        .values("member_role", "is_pilote", "is_group_expert", "is_assigned_expert", *network_flags)
    )


def roles_in_structure(user, structure: Structure) -> StructureRoles:
    """Every role a person holds toward a structure, in one query, cached per request."""
    if not _active(user) or structure is None or structure.is_public or structure.deleted_at:
        return StructureRoles()
    cache = getattr(user, "_qr_structure_roles", None)
    if cache is None:
        cache = {}
        user._qr_structure_roles = cache
    if structure.pk in cache:
        return cache[structure.pk]
    known = getattr(user, "_qr_network_roles", None) is not None
    admin = bool(user.is_federation_admin)
    row = first_row(  # the SQL is built once per process (up to a dozen subqueries)
        ("roles_in_structure", known, admin),
        lambda user_id, structure_id: _structure_roles_query(
            _stand_in(user_id, admin), structure_id, with_network=not known
        ),
        user_id=user.pk,
        structure_id=structure.pk,
    )
    network_flags = not known
    if row and network_flags:
        user._qr_network_roles = _network_roles_from(user, row)
    roles: set[str] = set()
    if user.is_federation_admin:
        roles.add(FEDERATION)
    if row:
        if row["member_role"]:
            roles.add(row["member_role"])
        if row["is_pilote"]:
            roles.add(PILOTE)
        if row["is_group_expert"] or row["is_assigned_expert"]:
            roles.add(EXPERT)
    result = StructureRoles(frozenset(roles))
    cache[structure.pk] = result
    return result


def can_view_structure(user, structure: Structure) -> bool:
    """Anyone with a role toward the structure may read its pages."""
    return bool(roles_in_structure(user, structure))


def can_contribute(user, structure: Structure) -> bool:
    """Directors, référents and contributors write the structure's quality data
    (answers, evidence, registers, deliverable drafts). Readers only read."""
    return bool(roles_in_structure(user, structure).roles & STAFF_WRITE_ROLES)


def can_manage_structure(user, structure: Structure) -> bool:
    """Directors and référents submit (self-diagnosis, deliverables, reviews) and manage
    the action plan and the structure's accounts."""
    return bool(roles_in_structure(user, structure).roles & STAFF_MANAGE_ROLES)


def can_act_as_expert(user, structure: Structure) -> bool:
    """Only an expert assigned to the structure (group or direct) confirms its
    self-diagnosis and decides on its deliverables."""
    return EXPERT in roles_in_structure(user, structure)


def can_pilot_structure(user, structure: Structure) -> bool:
    """The federation admin and the structure's territorial pilots follow it as pilots."""
    roles = roles_in_structure(user, structure)
    return FEDERATION in roles or PILOTE in roles


def can_edit_structure_profile(user, structure: Structure) -> bool:
    """A structure's profile (contacts, territory, groups) is edited by the federation admin
    or the pilot of its territory."""
    return can_pilot_structure(user, structure)
