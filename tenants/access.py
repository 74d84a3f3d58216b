"""Who may see and do what: the one authorization module.

Views (through ``StructureAccessMiddleware`` and the views' own checks)
and the API (through ``api.permissions``) call these functions; nothing else decides
access. Each rule is stated in its docstring.

Roles
-----
* ``federation``: federation admin — the whole network.
* ``pilote``: pilot of a territory — every structure of their territories.
* ``expert``: expert-réseau — the structures of their working groups and those they
  are directly assigned to (``ExpertAffectation``).
* ``directeur``, ``referent``, ``contributeur``, ``lecteur``: staff of one structure.

A person may hold several roles (an expert may also be a pilot). Anything a person may
not see answers 404, exactly like something that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy

from tenants.models import (
    ExpertAffectation,
    GroupeTravail,
    Membership,
    Structure,
    Territoire,
)

FEDERATION = "federation"
PILOTE = "pilote"
EXPERT = "expert"
DIRECTEUR = Membership.Role.DIRECTEUR.value
REFERENT = Membership.Role.REFERENT.value
CONTRIBUTEUR = Membership.Role.CONTRIBUTEUR.value
LECTEUR = Membership.Role.LECTEUR.value

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

    Besides ``federation``, ``pilote`` and ``expert``: ``staff`` (a role in a structure) and
    ``manager`` (director or référent of a structure).
    """
    if not _active(user):
        return frozenset()
    # getattr/setattr (not __dict__): request.user is a SimpleLazyObject proxying the user.
    cached = getattr(user, "_qr_network_roles", None)
    if cached is not None:
        return cached
    from tenants.models import User

    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            is_pilote=Exists(Territoire.pilotes.through.objects.filter(user_id=OuterRef("pk"))),
            is_group_expert=Exists(
                GroupeTravail.experts.through.objects.filter(user_id=OuterRef("pk"))
            ),
            is_assigned_expert=Exists(ExpertAffectation.objects.filter(expert_id=OuterRef("pk"))),
            is_staff_member=Exists(
                Membership.objects.filter(
                    user_id=OuterRef("pk"), structure__deleted_at__isnull=True
                )
            ),
            is_manager=Exists(
                Membership.objects.filter(
                    user_id=OuterRef("pk"),
                    structure__deleted_at__isnull=True,
                    role__in=STAFF_MANAGE_ROLES,
                )
            ),
        )
        .values(
            "is_pilote", "is_group_expert", "is_assigned_expert", "is_staff_member", "is_manager"
        )
        .first()
    ) or {}
    roles = set()
    if user.is_federation_admin:
        roles.add(FEDERATION)
    if row.get("is_pilote"):
        roles.add(PILOTE)
    if row.get("is_group_expert") or row.get("is_assigned_expert"):
        roles.add(EXPERT)
    if row.get("is_staff_member"):
        roles.add("staff")
    if row.get("is_manager"):
        roles.add("manager")
    user._qr_network_roles = frozenset(roles)
    return user._qr_network_roles


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
    """Federation admins see every group; pilots those of their territories; experts theirs;
    staff the groups their structure belongs to."""
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
    return (
        is_federation_admin(user)
        or groupe.experts.filter(pk=user.pk).exists()
        or groupe.territoire.pilotes.filter(pk=user.pk).exists()
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
    row = (
        Structure.objects.filter(pk=structure.pk)
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
        )
        .values("member_role", "is_pilote", "is_group_expert", "is_assigned_expert")
        .first()
    )
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


# --- People and organisation (issue: network organisation) ----------------------------------


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


# --- Référentiels (issue: reference frames) -----------------------------------------------


def can_manage_referentiels(user) -> bool:
    """Reference frames are created, imported, published and archived by federation admins."""
    return is_federation_admin(user)


def can_browse_referentiels(user) -> bool:
    """Every signed-in person may browse published frames."""
    return _active(user)


def can_view_referentiel_version(user, version) -> bool:
    """Published and archived versions are read by every signed-in person; drafts only by
    those who manage frames."""
    if not can_browse_referentiels(user):
        return False
    return version.statut != version.Statut.BROUILLON or can_manage_referentiels(user)


def can_download_document_outil(user, document) -> bool:
    """A toolbox file is downloaded by whoever may read its frame version."""
    return can_view_referentiel_version(user, document.version)


# --- Self-diagnosis and confirmation (issue: autodiagnostic) -------------------------------


def can_view_autodiagnostic(user, structure: Structure) -> bool:
    """Anyone with a role toward the structure reads its self-diagnoses, scores, evidence
    files and the expert's confirmations."""
    return can_view_structure(user, structure)


def can_answer_autodiagnostic(user, structure: Structure) -> bool:
    """Directors, référents and contributors answer criteria and attach evidence
    (readers, pilots, experts and the federation only read)."""
    return can_contribute(user, structure)


def can_manage_autodiagnostic(user, structure: Structure) -> bool:
    """Directors and référents open a self-diagnosis, submit it to the expert and ask
    to reopen it."""
    return can_manage_structure(user, structure)


def can_confirm_autodiagnostic(user, structure: Structure) -> bool:
    """Only an expert assigned to the structure (through a group or directly) confirms
    criteria and closes the confirmation; staff, pilots and the federation admin don't."""
    return can_act_as_expert(user, structure)


def can_reopen_autodiagnostic(user, structure: Structure) -> bool:
    """A submitted self-diagnosis is reopened by the structure's expert or a federation
    admin (the structure only asks for it)."""
    return can_act_as_expert(user, structure) or FEDERATION in roles_in_structure(user, structure)


def can_propose_actions(user, structure: Structure) -> bool:
    """Actions are proposed from non-conform confirmed criteria by the structure's expert
    or by its directors and référents (who own the action plan)."""
    return can_act_as_expert(user, structure) or can_manage_structure(user, structure)


# --- Deliverables, action plans, collective work (issue: accompagnement) --------------------


def can_upload_livrable(user, structure: Structure) -> bool:
    """Directors, référents and contributors upload deliverable versions (drafts)."""
    return can_contribute(user, structure)


def can_submit_livrable(user, structure: Structure) -> bool:
    """Only the structure's director or référent submits a version to the expert."""
    return can_manage_structure(user, structure)


def can_decide_livrable(user, structure: Structure) -> bool:
    """Only an expert of the structure (its groups' or directly assigned) validates a
    submitted version or sends it back for rework."""
    return can_act_as_expert(user, structure)


def can_manage_types_livrable(user) -> bool:
    """The list of deliverable types is the federation admin's."""
    return is_federation_admin(user)


def can_edit_plan(user, structure: Structure) -> bool:
    """The action plan (actions, statuses, quality policy, XLSX import) is written by the
    structure's director and référent, and by its experts (who set priorities)."""
    return can_manage_structure(user, structure) or can_act_as_expert(user, structure)


def can_view_groupe(user, groupe: GroupeTravail) -> bool:
    """A group's pages (collective plan, meetings, attendance) are open to whoever sees the
    group: federation admin, its territory's pilots, its experts, its structures' staff."""
    return groupes_visible_to(user).filter(pk=groupe.pk).exists()


# --- Registers, reviews, campaigns, consolidation (issue: bilans) ---------------------------


def can_write_registers(user, structure: Structure) -> bool:
    """Quality registers (complaints, adverse events, surveys, clients) are written by
    directors, référents and contributors; every role of the structure reads them."""
    return can_contribute(user, structure)


def can_edit_bilan_structure(user, structure: Structure) -> bool:
    """A structure's review is drafted by its directors, référents and contributors."""
    return can_contribute(user, structure)


def can_submit_bilan_structure(user, structure: Structure) -> bool:
    """Only directors and référents submit the structure's review (it becomes immutable)."""
    return can_manage_structure(user, structure)


def can_open_campagne(user, territoire: Territoire | None) -> bool:
    """The federation admin opens campaigns for the whole network or any territory; a pilot
    opens them for a territory they pilot only."""
    if is_federation_admin(user):
        return True
    return (
        territoire is not None and _active(user) and territoire.pilotes.filter(pk=user.pk).exists()
    )


def territoires_consolidated_for(user) -> QuerySet[Territoire]:
    """Territories whose consolidated figures a person reads: all for the federation admin,
    their own for a pilot; nobody else (structures see only anonymised medians)."""
    if is_federation_admin(user):
        return Territoire.objects.all()
    return territoires_piloted_by(user)


def can_read_consolidation(user) -> bool:
    """Consolidated dashboards are read by the federation admin and territorial pilots."""
    return bool(network_roles(user) & {FEDERATION, PILOTE})


def can_view_consolidation(user, territoire: Territoire | None) -> bool:
    """Network-wide consolidation is the federation admin's; a territory's is also its pilots'."""
    if territoire is None:
        return is_federation_admin(user)
    return territoires_consolidated_for(user).filter(pk=territoire.pk).exists()


def can_edit_bilan_territoire(user, territoire: Territoire) -> bool:
    """The territorial review is written and submitted by the territory's pilots (and the
    federation admin)."""
    return can_view_consolidation(user, territoire)


# --- Operations (issue: deployment) --------------------------------------------------------
