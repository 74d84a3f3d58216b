"""Collective work writes: deliverable types, collective actions (synced into each member
structure's plan), planning by theme, meetings, minutes, attendance."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from accompagnement.groupes.errors import GroupeError
from accompagnement.groupes.models import (
    ActionCollective,
    Emargement,
    IdeeReunion,
    PieceJointeReunion,
    PlanningTheme,
    PropositionReunion,
    QuestionReunion,
    ReunionCollective,
    TypeLivrable,
)
from core.actors import SYSTEM
from core.errors import BusinessError
from core.files import check_document, upload_name, upload_size
from tenants import access
from tenants.models import GroupeTravail, Structure, User

TYPES_FILE = Path(__file__).parent / "data" / "types_livrable.yaml"


def _require_lead(user: User, groupe: GroupeTravail) -> None:
    access.require(access.can_lead_groupe(user, groupe))


# --- Deliverable types -----------------------------------------------------------------------


@transaction.atomic
def load_types_livrable() -> int:
    """Load the deck's deliverable types (idempotent; returns how many were created)."""
    created = 0
    for ordre, item in enumerate(yaml.safe_load(TYPES_FILE.read_text(encoding="utf-8")), start=1):
        _type, was_created = TypeLivrable.objects.get_or_create(
            code=item["code"],
            defaults={
                "libelle": item["libelle"],
                "critere_code": item.get("critere_code", ""),
                "ordre": ordre * 10,
            },
        )
        created += was_created
    return created


@transaction.atomic
def create_type_livrable(
    *, user: User, code: str, libelle: str, critere_code: str = "", description: str = ""
) -> TypeLivrable:
    access.require(access.can_manage_types_livrable(user))
    code, libelle = (code or "").strip().lower(), (libelle or "").strip()
    if not code or not libelle:
        raise BusinessError(
            GroupeError.INVALID,
            _("Le code et le libellé sont obligatoires."),
            field="code" if not code else "libelle",
        )
    if TypeLivrable.objects.filter(code=code).exists():
        raise BusinessError(
            GroupeError.TYPE_CODE_TAKEN, _("Ce code est déjà utilisé."), field="code"
        )
    ordre = (
        TypeLivrable.objects.order_by("-ordre").values_list("ordre", flat=True).first() or 0
    ) + 10
    return TypeLivrable.objects.create(
        code=code,
        libelle=libelle,
        critere_code=(critere_code or "").strip(),
        description=description,
        ordre=ordre,
    )


# --- Collective actions ------------------------------------------------------------------------


def _structure_action_fields(action: ActionCollective) -> dict[str, Any]:
    return {
        "titre": action.titre,
        "description": action.description,
        "dimension": action.dimension,
        "priorite": action.priorite,
        "echeance": action.echeance,
    }


def sync_collective_action(*, action_collective: ActionCollective) -> int:
    """Create or update the copy of a collective action in each member structure's plan
    (``Action`` with origine ``plan_collectif``), and its follow-up row. Returns the number
    of structures synced. The caller checked ``can_lead_groupe``; the copies are written
    by the system actor (the group's lead may not edit the structures' plans)."""
    from accompagnement.plans import services as plan_services
    from accompagnement.plans.models import Action

    structures = list(Structure.objects.reelles().filter(groupes=action_collective.groupe))
    for structure in structures:
        with schema_context(structure.schema_name):
            copy = Action.objects.filter(
                origine=Action.Origine.PLAN_COLLECTIF,
                origine_ref__action_collective=action_collective.pk,
            ).first()
            fields = _structure_action_fields(action_collective)
            if copy is None:
                plan_services.create_action(
                    structure=structure,
                    user=SYSTEM,
                    origine=Action.Origine.PLAN_COLLECTIF,
                    origine_ref={"action_collective": action_collective.pk},
                    **fields,
                )
            else:
                plan_services.update_action(structure=structure, user=SYSTEM, action=copy, **fields)
    return len(structures)


@transaction.atomic
def create_action_collective(
    *, user: User, groupe: GroupeTravail, titre: str, **fields: Any
) -> ActionCollective:
    """The expert writes a collective action; it appears at once in every member's plan."""
    _require_lead(user, groupe)
    if not (titre or "").strip():
        raise BusinessError(GroupeError.INVALID, _("Le titre est obligatoire."), field="titre")
    action = ActionCollective.objects.create(
        groupe=groupe, titre=titre.strip(), created_by=user, **fields
    )
    sync_collective_action(action_collective=action)
    return action


@transaction.atomic
def update_action_collective(
    *, user: User, action: ActionCollective, **fields: Any
) -> ActionCollective:
    _require_lead(user, action.groupe)
    for name, value in fields.items():
        setattr(action, name, value)
    action.save()
    sync_collective_action(action_collective=action)
    return action


# --- Planning by theme ---------------------------------------------------------------------------


@transaction.atomic
def plan_theme(
    *,
    user: User,
    groupe: GroupeTravail,
    theme_code: str,
    theme_titre: str,
    date_debut: datetime.date,
    date_fin: datetime.date,
) -> PlanningTheme:
    """A theme worked over 3 to 4 months (the deck's rhythm)."""
    _require_lead(user, groupe)
    if not date_debut + relativedelta(months=3) <= date_fin <= date_debut + relativedelta(months=4):
        raise BusinessError(
            GroupeError.PLANNING_DURATION,
            _("Un thème se travaille sur 3 à 4 mois."),
            field="date_fin",
        )
    return PlanningTheme.objects.create(
        groupe=groupe,
        theme_code=theme_code,
        theme_titre=theme_titre,
        date_debut=date_debut,
        date_fin=date_fin,
    )


# --- Meetings, minutes, attendance -----------------------------------------------------------------


@transaction.atomic
def create_reunion(
    *,
    user: User,
    groupe: GroupeTravail,
    date: datetime.datetime,
    lieu: str,
    theme: str = "",
    ordre_du_jour: str = "",
    duree_minutes: int = 180,
) -> ReunionCollective:
    _require_lead(user, groupe)
    if not (lieu or "").strip():
        raise BusinessError(GroupeError.INVALID, _("Le lieu est obligatoire."), field="lieu")
    return ReunionCollective.objects.create(
        groupe=groupe,
        date=date,
        lieu=lieu.strip(),
        theme=theme,
        ordre_du_jour=ordre_du_jour,
        duree_minutes=duree_minutes,
        created_by=user,
    )


@transaction.atomic
def add_piece_jointe(
    *, user: User, reunion: ReunionCollective, fichier: UploadedFile
) -> PieceJointeReunion:
    _require_lead(user, reunion.groupe)
    content_type = check_document(fichier)
    piece = PieceJointeReunion(
        reunion=reunion,
        nom_original=upload_name(fichier)[:255],
        content_type=content_type,
        taille=upload_size(fichier),
        uploaded_by=user,
    )
    piece.fichier.save(upload_name(fichier), fichier, save=False)
    piece.save()
    return piece


@transaction.atomic
def save_compte_rendu(
    *,
    user: User,
    reunion: ReunionCollective,
    compte_rendu: str,
    questions: list[str] | None = None,
    idees: list[dict[str, Any]] | None = None,
    propositions: list[dict[str, Any]] | None = None,
) -> ReunionCollective:
    """The expert's minutes, with the workshop structure: questions of the day, ideas with
    how many times each was expressed, proposals (priority, feasibility, horizon).
    Lists given replace the previous ones (proposals already turned into actions stay)."""
    _require_lead(user, reunion.groupe)
    reunion.compte_rendu = compte_rendu
    reunion.compte_rendu_par = user
    reunion.compte_rendu_at = timezone.now()
    reunion.save(update_fields=["compte_rendu", "compte_rendu_par", "compte_rendu_at"])
    if questions is not None:
        reunion.questions.all().delete()
        QuestionReunion.objects.bulk_create(
            QuestionReunion(reunion=reunion, texte=t.strip(), ordre=i)
            for i, t in enumerate(questions)
            if t.strip()
        )
    if idees is not None:
        reunion.idees.all().delete()
        for idee in idees:
            occurrences = int(idee.get("occurrences") or 1)
            if occurrences < 1:
                raise BusinessError(
                    GroupeError.INVALID,
                    _("Une idée est exprimée au moins une fois."),
                    field="idees",
                )
            if (idee.get("texte") or "").strip():
                IdeeReunion.objects.create(
                    reunion=reunion, texte=idee["texte"].strip(), occurrences=occurrences
                )
    if propositions is not None:
        reunion.propositions.filter(action_collective__isnull=True).delete()
        for item in propositions:
            if (item.get("texte") or "").strip():
                PropositionReunion.objects.create(
                    reunion=reunion,
                    texte=item["texte"].strip(),
                    priorite=item.get("priorite") or "moyenne",
                    faisabilite=item.get("faisabilite", ""),
                    horizon=item.get("horizon") or "moyen",
                )
    return reunion


HORIZON_MONTHS = {"court": 6, "moyen": 12, "long": 24}


@transaction.atomic
def convert_proposition(*, user: User, proposition: PropositionReunion) -> ActionCollective:
    """A workshop proposal becomes a collective action (deadline from its horizon)."""
    reunion = proposition.reunion
    _require_lead(user, reunion.groupe)
    if proposition.action_collective_id:
        raise BusinessError(
            GroupeError.ALREADY_CONVERTED,
            _("Cette proposition est déjà une action collective."),
            status=409,
        )
    action = create_action_collective(
        user=user,
        groupe=reunion.groupe,
        titre=proposition.texte[:255],
        description=proposition.texte,
        priorite=proposition.priorite,
        faisabilite=proposition.faisabilite,
        horizon=proposition.horizon,
        echeance=reunion.date.date()
        + relativedelta(months=HORIZON_MONTHS.get(proposition.horizon, 12)),
    )
    proposition.action_collective = action
    proposition.save(update_fields=["action_collective"])
    return action


@transaction.atomic
def record_emargement(
    *,
    user: User,
    reunion: ReunionCollective,
    structure: Structure,
    personnes: list[User] | None = None,
    participants: str = "",
) -> Emargement:
    """A structure signed the attendance sheet (with the people who came)."""
    _require_lead(user, reunion.groupe)
    if not reunion.groupe.structures.filter(pk=structure.pk).exists():
        raise BusinessError(
            GroupeError.NOT_MEMBER,
            _("Cette structure n'est pas membre du groupe."),
            field="structure",
        )
    emargement, _created = Emargement.objects.update_or_create(
        reunion=reunion, structure=structure, defaults={"participants": participants}
    )
    if personnes is not None:
        emargement.personnes.set(personnes)
    return emargement


@transaction.atomic
def remove_emargement(*, user: User, reunion: ReunionCollective, structure: Structure) -> None:
    _require_lead(user, reunion.groupe)
    Emargement.objects.filter(reunion=reunion, structure=structure).delete()
