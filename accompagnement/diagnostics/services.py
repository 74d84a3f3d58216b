"""Writes of the self-diagnosis and its confirmation (run in the structure's schema).

Every function checks its access rule (``tenants.access``), validates, writes in one
transaction and raises ``BusinessError`` (codes in ``errors.py``) when it refuses.
Status changes go through ``workflow.apply_transition``.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.diagnostics import workflow
from accompagnement.diagnostics.errors import DiagnosticError
from accompagnement.diagnostics.models import Autodiagnostic, Confirmation, Preuve, Reponse
from accompagnement.diagnostics.scoring import themes_all_satisfied
from accompagnement.diagnostics.scoring_inputs import inputs_of, ladder_on
from accompagnement.plans import services as plans_services
from accompagnement.plans.models import Action, PlanAction
from core import tenancy
from core.actors import SYSTEM
from core.errors import BusinessError, CommonError
from core.files import upload_name, upload_size
from referentiels.models import CorrespondanceCritere, Critere, ReferentielVersion, ValeurEchelle
from tenants import access
from tenants.models import Structure

try:  # the frames' engineer provides it: a version with answers can never be deleted
    from referentiels.services import mark_version_used
except ImportError:  # pragma: no cover - older referentiels

    def mark_version_used(version: ReferentielVersion) -> None:
        return None


Statut = Autodiagnostic.Statut

# Evidence files: extension -> accepted leading bytes (None: any, e.g. plain formats).
EVIDENCE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF8",),
    "webp": (b"RIFF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
    "ods": (b"PK\x03\x04",),
    "odp": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "ppt": (b"\xd0\xcf\x11\xe0",),
}


def _locked_autodiagnostic(autodiagnostic_id: int) -> Autodiagnostic:
    return (
        Autodiagnostic.objects.select_for_update()
        .select_related("version")
        .get(pk=autodiagnostic_id)
    )


# --- Creation -----------------------------------------------------------------------------


def _latest_autodiagnostic() -> Autodiagnostic | None:
    return Autodiagnostic.objects.order_by("-annee", "-created_at").first()


def _criteria_mapping(previous: Autodiagnostic, version: ReferentielVersion) -> dict[int, int]:
    """Old criterion id -> new criterion id (same version: identity; else the version
    mapping, completed by stable urns)."""
    if previous.version_id == version.pk:
        return {
            pk: pk for pk in Critere.objects.filter(version=version).values_list("pk", flat=True)
        }
    mapping = dict(
        CorrespondanceCritere.objects.filter(
            ancien__version_id=previous.version_id, nouveau__version=version
        )
        .order_by("-ancien__ordre")
        .values_list("ancien_id", "nouveau_id")
    )
    new_by_urn = dict(Critere.objects.filter(version=version).values_list("urn", "pk"))
    for old_pk, urn in Critere.objects.filter(version_id=previous.version_id).values_list(
        "pk", "urn"
    ):
        if old_pk not in mapping and urn in new_by_urn:
            mapping[old_pk] = new_by_urn[urn]
    return mapping


@transaction.atomic
def create_autodiagnostic(
    *,
    structure: Structure,
    version: ReferentielVersion,
    annee: int,
    user,
    from_previous: Autodiagnostic | None = None,
    copy_previous: bool = True,
) -> Autodiagnostic:
    """Open a self-diagnosis on a published frame version for a year, with one answer per
    criterion that applies to the structure's type. Answers start from ``from_previous``
    (by default the latest self-diagnosis, unless ``copy_previous`` is false), through the
    version mapping when the frame changed; values are matched by their code."""
    tenancy.require_schema(structure.schema_name, "create_autodiagnostic")
    access.require(access.can_manage_autodiagnostic(user, structure))
    if version.statut != ReferentielVersion.Statut.PUBLIE:
        raise BusinessError(
            DiagnosticError.VERSION_NOT_PUBLISHED,
            _("Choisissez une version publiée du référentiel."),
            field="version",
        )
    if Autodiagnostic.objects.filter(version=version, annee=annee).exists():
        raise BusinessError(
            DiagnosticError.ALREADY_EXISTS,
            _("Un autodiagnostic existe déjà pour %(annee)s sur cette version.") % {"annee": annee},
            field="annee",
            status=409,
        )
    if from_previous is None and copy_previous:
        from_previous = _latest_autodiagnostic()
    autodiagnostic = Autodiagnostic.objects.create(
        version=version,
        annee=annee,
        precedent=from_previous,
        created_by=user,
    )
    criteres = [
        c
        for c in Critere.objects.filter(version=version).only("pk", "applicabilite")
        if c.applies_to(structure.type)
    ]
    previous_answers: dict[int, tuple[int | None, str]] = {}
    if from_previous is not None:
        mapping = _criteria_mapping(from_previous, version)
        new_values = dict(
            ValeurEchelle.objects.filter(echelle__version=version).values_list("code", "pk")
        )
        for old in from_previous.reponses.select_related("valeur"):
            if old.critere_id in mapping:
                valeur_id = new_values.get(old.valeur.code) if old.valeur else None
                previous_answers[mapping[old.critere_id]] = (valeur_id, old.commentaire)
    Reponse.objects.bulk_create(
        [
            Reponse(
                autodiagnostic=autodiagnostic,
                critere_id=critere.pk,
                valeur_id=previous_answers.get(critere.pk, (None, ""))[0],
                commentaire=previous_answers.get(critere.pk, (None, ""))[1],
                updated_by=user if critere.pk in previous_answers else None,
            )
            for critere in criteres
        ]
    )
    mark_version_used(version)
    workflow.log_creation(structure=structure, autodiagnostic=autodiagnostic, user=user)
    return autodiagnostic


# --- Answers ------------------------------------------------------------------------------


def resolve_valeur(
    version_id: int, valeur: ValeurEchelle | str | int | None
) -> ValeurEchelle | None:
    """The scale value of ``version_id`` given as an object, a code or an id; refused when
    it is not on that scale."""
    if valeur is None or valeur == "":
        return None
    if isinstance(valeur, ValeurEchelle):
        candidate = ValeurEchelle.objects.filter(
            pk=valeur.pk, echelle__version_id=version_id
        ).first()
    elif isinstance(valeur, int):
        candidate = ValeurEchelle.objects.filter(pk=valeur, echelle__version_id=version_id).first()
    else:
        candidate = ValeurEchelle.objects.filter(
            code=str(valeur), echelle__version_id=version_id
        ).first()
    if candidate is None:
        raise BusinessError(
            DiagnosticError.VALUE_NOT_ON_SCALE,
            _("Cette cotation ne fait pas partie de l'échelle du référentiel."),
            field="valeur",
        )
    return candidate


def comment_required(version: ReferentielVersion, valeur: ValeurEchelle | None) -> bool:
    """A comment is required by the value itself, or by the frame option
    ``commentaire_obligatoire_non_conforme`` for a non-excluded value of weight 0."""
    if valeur is None:
        return False
    if valeur.commentaire_obligatoire:
        return True
    return (
        bool(version.options.get("commentaire_obligatoire_non_conforme"))
        and not valeur.exclue
        and valeur.poids == 0
    )


def level_one_satisfied_themes(autodiagnostic: Autodiagnostic) -> set:
    """Themes whose level-1 criteria are all confirmed satisfied (level ladder)."""
    return themes_all_satisfied(inputs_of(autodiagnostic), niveau=1, side="confirmed")


def is_level_locked(
    autodiagnostic: Autodiagnostic,
    critere: Critere,
    open_themes: set | None = None,
    *,
    structure: Structure,
) -> bool:
    """With the frame option ``echelle_par_niveau``, a level-2 criterion stays locked until
    every level-1 criterion of its theme is confirmed satisfied."""
    if not ladder_on(autodiagnostic, structure) or (critere.niveau or 1) < 2:
        return False
    if open_themes is None:
        open_themes = level_one_satisfied_themes(autodiagnostic)
    return critere.theme_id not in open_themes


def _level_locked_error() -> BusinessError:
    return BusinessError(
        DiagnosticError.LEVEL_LOCKED,
        _(
            "Ce critère de niveau 2 s'ouvrira quand tous les critères de niveau 1 du thème auront été "
            "confirmés satisfaits par l'expert."
        ),
        status=409,
    )


def answer_snapshot(reponse: Reponse) -> dict:
    """What the other person saved (shown in a conflict)."""
    return {
        "revision": reponse.revision,
        "valeur": reponse.valeur.code if reponse.valeur else None,
        "valeur_libelle": reponse.valeur.libelle if reponse.valeur else "",
        "commentaire": reponse.commentaire,
        "updated_by": (reponse.updated_by.get_full_name() or reponse.updated_by.email)
        if reponse.updated_by
        else "",
        "updated_at": reponse.updated_at.isoformat() if reponse.updated_at else None,
    }


@transaction.atomic
def save_answer(
    *,
    structure: Structure,
    reponse: Reponse,
    valeur: ValeurEchelle | str | int | None,
    commentaire: str,
    expected_revision: int,
    user,
) -> Reponse:
    """Save the structure's answer to one criterion, based on revision ``expected_revision``.

    Refused when someone saved since (``stale_answer``, 409, the other person's answer in
    ``details["current"]``), when the value is not on the frame's scale, when a required
    comment is missing, when the self-diagnosis is locked, or (level ladder) when the
    criterion is not open yet. A changed value drops the expert's earlier confirmation."""
    tenancy.require_schema(structure.schema_name, "save_answer")
    access.require(access.can_answer_autodiagnostic(user, structure))
    current = (
        Reponse.objects.select_for_update(of=("self",))
        .select_related("autodiagnostic__version", "critere", "valeur", "updated_by")
        .get(pk=reponse.pk)
    )
    autodiagnostic = current.autodiagnostic
    if autodiagnostic.is_locked:
        raise BusinessError(
            DiagnosticError.LOCKED,
            _("L'autodiagnostic est soumis : les réponses ne peuvent plus être modifiées."),
            status=409,
        )
    if is_level_locked(autodiagnostic, current.critere, structure=structure):
        raise _level_locked_error()
    if current.revision != expected_revision:
        snapshot = answer_snapshot(current)
        raise BusinessError(
            DiagnosticError.STALE_ANSWER,
            _(
                "%(qui)s a enregistré une autre réponse entre-temps (%(valeur)s). Vérifiez-la avant "
                "d'enregistrer la vôtre."
            )
            % {
                "qui": snapshot["updated_by"] or _("Quelqu'un"),
                "valeur": snapshot["valeur_libelle"] or _("sans cotation"),
            },
            status=409,
            details={"current": snapshot},
        )
    new_valeur = resolve_valeur(autodiagnostic.version_id, valeur)
    commentaire = (commentaire or "").strip()
    if (
        new_valeur is not None
        and comment_required(autodiagnostic.version, new_valeur)
        and not commentaire
    ):
        raise BusinessError(
            DiagnosticError.COMMENT_REQUIRED,
            _("Un commentaire est obligatoire pour la cotation « %(valeur)s ».")
            % {"valeur": new_valeur.libelle},
            field="commentaire",
        )
    if new_valeur != current.valeur:
        Confirmation.objects.filter(reponse=current).delete()
    current.valeur = new_valeur
    current.commentaire = commentaire
    current.revision += 1
    current.updated_by = user
    current.save(update_fields=["valeur", "commentaire", "revision", "updated_by", "updated_at"])
    return current


def _check_evidence_file(fichier: UploadedFile) -> str:
    extension = PurePath(fichier.name or "").suffix.lower().lstrip(".")
    if extension not in EVIDENCE_SIGNATURES:
        raise BusinessError(
            DiagnosticError.FILE_TYPE,
            _(
                "Type de fichier refusé : PDF, images, documents Word/Excel/PowerPoint ou "
                "OpenDocument uniquement."
            ),
            field="fichier",
        )
    if upload_size(fichier) > settings.MAX_UPLOAD_SIZE:
        raise BusinessError(
            DiagnosticError.FILE_TOO_LARGE,
            _("Fichier trop volumineux (%(taille)s Mo au maximum).")
            % {"taille": settings.MAX_UPLOAD_SIZE // (1024 * 1024)},
            field="fichier",
        )
    fichier.seek(0)
    head = fichier.read(8)
    fichier.seek(0)
    if not head.startswith(EVIDENCE_SIGNATURES[extension]):
        raise BusinessError(
            DiagnosticError.FILE_TYPE,
            _("Le contenu du fichier ne correspond pas à son extension « .%(ext)s ».")
            % {"ext": extension},
            field="fichier",
        )
    return extension


@transaction.atomic
def add_preuve(*, structure: Structure, reponse: Reponse, fichier: UploadedFile, user) -> Preuve:
    """Attach an evidence file (type and size checked; stored by the default, tenant-aware
    storage outside the web root under a random name)."""
    tenancy.require_schema(structure.schema_name, "add_preuve")
    access.require(access.can_answer_autodiagnostic(user, structure))
    autodiagnostic = _locked_autodiagnostic(reponse.autodiagnostic_id)
    if autodiagnostic.is_locked:
        raise BusinessError(
            DiagnosticError.LOCKED,
            _("L'autodiagnostic est soumis : les preuves ne peuvent plus être modifiées."),
            status=409,
        )
    extension = _check_evidence_file(fichier)
    preuve = Preuve(
        reponse=reponse,
        nom_original=upload_name(fichier)[:255],
        content_type=(getattr(fichier, "content_type", "") or "")[:100],
        taille=upload_size(fichier),
        uploaded_by=user,
    )
    preuve.fichier.save(f"{uuid.uuid4().hex}.{extension}", fichier, save=False)
    preuve.save()
    return preuve


@transaction.atomic
def delete_preuve(*, structure: Structure, preuve: Preuve, user) -> None:
    tenancy.require_schema(structure.schema_name, "delete_preuve")
    access.require(access.can_answer_autodiagnostic(user, structure))
    autodiagnostic = _locked_autodiagnostic(preuve.reponse.autodiagnostic_id)
    if autodiagnostic.is_locked:
        raise BusinessError(
            DiagnosticError.LOCKED,
            _("L'autodiagnostic est soumis : les preuves ne peuvent plus être modifiées."),
            status=409,
        )
    name, storage = preuve.fichier.name, preuve.fichier.storage
    preuve.delete()
    if name:  # the stored file goes once the row is gone for good
        transaction.on_commit(functools.partial(storage.delete, name))


# --- Workflow -----------------------------------------------------------------------------


def _open_reponses(autodiagnostic: Autodiagnostic, structure: Structure):
    """The answers not locked by the level ladder."""
    reponses = list(
        Reponse.objects.filter(autodiagnostic=autodiagnostic).select_related(
            "critere", "confirmation"
        )
    )
    if not ladder_on(autodiagnostic, structure):
        return reponses
    open_themes = level_one_satisfied_themes(autodiagnostic)
    return [
        r
        for r in reponses
        if not is_level_locked(autodiagnostic, r.critere, open_themes, structure=structure)
    ]


@transaction.atomic
def submit_autodiagnostic(
    *, structure: Structure, autodiagnostic: Autodiagnostic, user, commentaire: str = ""
) -> Autodiagnostic:
    """Submit to the expert once every open criterion is answered; answers are then locked."""
    tenancy.require_schema(structure.schema_name, "submit_autodiagnostic")
    autodiagnostic = _locked_autodiagnostic(autodiagnostic.pk)
    missing = [
        r.critere.code for r in _open_reponses(autodiagnostic, structure) if r.valeur_id is None
    ]
    if missing and access.can_manage_autodiagnostic(user, structure):
        raise BusinessError(
            DiagnosticError.INCOMPLETE,
            ngettext(
                "%(n)s critère sans réponse : %(codes)s.",
                "%(n)s critères sans réponse : %(codes)s.",
                len(missing),
            )
            % {"n": len(missing), "codes": ", ".join(missing[:10])},
            details={"criteres": missing},
        )
    return workflow.apply_transition(
        structure=structure,
        autodiagnostic=autodiagnostic,
        name="submit",
        user=user,
        commentaire=commentaire,
    )


@transaction.atomic
def request_reopen(
    *, structure: Structure, autodiagnostic: Autodiagnostic, user, commentaire: str = ""
) -> Autodiagnostic:
    tenancy.require_schema(structure.schema_name, "request_reopen")
    autodiagnostic = _locked_autodiagnostic(autodiagnostic.pk)
    return workflow.apply_transition(
        structure=structure,
        autodiagnostic=autodiagnostic,
        name="request_reopen",
        user=user,
        commentaire=commentaire,
    )


@transaction.atomic
def refuse_reopen(
    *, structure: Structure, autodiagnostic: Autodiagnostic, user, commentaire: str = ""
) -> Autodiagnostic:
    tenancy.require_schema(structure.schema_name, "refuse_reopen")
    autodiagnostic = _locked_autodiagnostic(autodiagnostic.pk)
    return workflow.apply_transition(
        structure=structure,
        autodiagnostic=autodiagnostic,
        name="refuse_reopen",
        user=user,
        commentaire=commentaire,
    )


@transaction.atomic
def reopen_autodiagnostic(
    *, structure: Structure, autodiagnostic: Autodiagnostic, user, commentaire: str = ""
) -> Autodiagnostic:
    """Back to "in progress" (expert or federation). Confirmations are kept; an answer
    whose value then changes loses its confirmation."""
    tenancy.require_schema(structure.schema_name, "reopen_autodiagnostic")
    autodiagnostic = _locked_autodiagnostic(autodiagnostic.pk)
    return workflow.apply_transition(
        structure=structure,
        autodiagnostic=autodiagnostic,
        name="reopen",
        user=user,
        commentaire=commentaire,
    )


# --- Confirmation -------------------------------------------------------------------------


@transaction.atomic
def confirm_criterion(
    *,
    structure: Structure,
    reponse: Reponse,
    expert,
    valeur: ValeurEchelle | str | int | None = None,
    commentaire: str = "",
    preuves_examinees: list[Preuve] | None = None,
) -> Confirmation:
    """The expert confirms the declared value (``valeur`` None or equal) or sets another
    one, with a comment required when it differs; ``preuves_examinees`` are evidence files
    of this answer the expert reviewed."""
    tenancy.require_schema(structure.schema_name, "confirm_criterion")
    access.require(access.can_confirm_autodiagnostic(expert, structure))
    reponse = Reponse.objects.select_related("critere", "valeur").get(pk=reponse.pk)
    autodiagnostic = _locked_autodiagnostic(reponse.autodiagnostic_id)
    if autodiagnostic.statut != Statut.SOUMIS:
        raise BusinessError(
            DiagnosticError.NOT_UNDER_REVIEW,
            _("Seul un autodiagnostic soumis peut être confirmé."),
            status=409,
        )
    if is_level_locked(autodiagnostic, reponse.critere, structure=structure):
        raise _level_locked_error()
    confirmed = (
        resolve_valeur(autodiagnostic.version_id, valeur)
        if valeur not in (None, "")
        else reponse.valeur
    )
    if confirmed is None:
        raise BusinessError(
            DiagnosticError.VALUE_NOT_ON_SCALE,
            _("Choisissez la cotation confirmée."),
            field="valeur",
        )
    commentaire = (commentaire or "").strip()
    if confirmed != reponse.valeur and not commentaire:
        raise BusinessError(
            DiagnosticError.COMMENT_REQUIRED,
            _(
                "Expliquez en commentaire pourquoi la cotation confirmée diffère de la cotation "
                "déclarée."
            ),
            field="commentaire",
        )
    preuves = list(preuves_examinees or [])
    if any(p.reponse_id != reponse.pk for p in preuves):
        raise BusinessError(
            DiagnosticError.EVIDENCE_NOT_OF_ANSWER,
            _("Ces preuves ne sont pas celles de ce critère."),
            field="preuves_examinees",
        )
    confirmation, created = Confirmation.objects.update_or_create(
        reponse=reponse,
        defaults={"valeur": confirmed, "commentaire": commentaire, "expert": expert},
    )
    if created:
        # the workflow's subscribers (the network's index) count the new confirmation
        workflow.AUTODIAGNOSTIC.notify(autodiagnostic, structure)
    confirmation.preuves_examinees.set(preuves)
    return confirmation


@transaction.atomic
def finish_confirmation(
    *, structure: Structure, autodiagnostic: Autodiagnostic, user, commentaire: str = ""
) -> Autodiagnostic:
    """Close the confirmation once every criterion the structure answered is confirmed.

    Level ladder: the structure submitted level 1 only (level 2 locked); the expert's
    confirmations of a theme's level 1 open its level 2, which the structure has not
    answered yet — so finishing a level-1-only confirmation is allowed. Level 2 is then
    answered after a reopening, and confirmed in the next round (docs/referentiels.md)."""
    tenancy.require_schema(structure.schema_name, "finish_confirmation")
    autodiagnostic = _locked_autodiagnostic(autodiagnostic.pk)
    if access.can_confirm_autodiagnostic(user, structure):
        missing = [
            r.critere.code
            for r in _open_reponses(autodiagnostic, structure)
            if r.valeur_id is not None and not hasattr(r, "confirmation")
        ]
        if missing:
            raise BusinessError(
                DiagnosticError.INCOMPLETE,
                ngettext(
                    "%(n)s critère reste à confirmer : %(codes)s.",
                    "%(n)s critères restent à confirmer : %(codes)s.",
                    len(missing),
                )
                % {"n": len(missing), "codes": ", ".join(missing[:10])},
                details={"criteres": missing},
            )
    return workflow.apply_transition(
        structure=structure,
        autodiagnostic=autodiagnostic,
        name="finish_confirmation",
        user=user,
        commentaire=commentaire,
    )


# --- Action plan --------------------------------------------------------------------------


@transaction.atomic
def propose_actions_from_nonconformities(
    *,
    structure: Structure,
    autodiagnostic: Autodiagnostic,
    user,
    choices: dict[int, dict] | None = None,
) -> list[Action]:
    """Create one action in the structure's action plan for each criterion the expert
    confirmed as not satisfied (weight < 1, not excluded), linked to the criterion.
    Idempotent: a criterion that already has its action for this self-diagnosis is skipped.
    ``choices`` (the review step of the pages): only the criteria it names, each with the
    person's title, owner, deadline and dimension (``{critere_id: {"titre": …,
    "responsable": …, "echeance": …, "dimension": …}}``). Returns the actions created."""
    tenancy.require_schema(structure.schema_name, "propose_actions_from_nonconformities")
    access.require(access.can_propose_actions(user, structure))
    autodiagnostic = _locked_autodiagnostic(autodiagnostic.pk)
    reponses = (
        Reponse.objects.filter(
            autodiagnostic=autodiagnostic,
            confirmation__valeur__exclue=False,
            confirmation__valeur__poids__lt=1,
        )
        .select_related("critere__theme", "confirmation__valeur")
        .order_by("critere__ordre")
    )
    done = {
        ref.get("critere")
        for ref in Action.objects.filter(
            origine=Action.Origine.AUTODIAGNOSTIC,
            origine_ref__autodiagnostic=autodiagnostic.pk,
        ).values_list("origine_ref", flat=True)
    }
    todo = [r for r in reponses if r.critere_id not in done]
    if choices is not None:
        todo = [r for r in todo if r.critere_id in choices]
    if not todo:
        return []
    if not PlanAction.objects.exists():
        PlanAction.objects.create(
            titre=_("Plan d'actions %(annee)s") % {"annee": autodiagnostic.annee}
        )
    created = []
    for reponse in todo:
        critere, confirmation = reponse.critere, reponse.confirmation
        # The plan's own service: its log and the collective plan see the action too.
        # Access was checked above (the expert proposes without editing the plan): the
        # action is written by the system actor.
        fields: dict[str, Any] = {
            "titre": f"{critere.code} — {critere.titre}"[:255],
            "criteres": [critere],
            "description": _(
                "Critère confirmé « %(valeur)s » par l'expert le %(date)s.%(commentaire)s"
            )
            % {
                "valeur": confirmation.valeur.libelle,
                "date": date_format(confirmation.confirmed_at, "SHORT_DATE_FORMAT"),
                "commentaire": f"\n{confirmation.commentaire}" if confirmation.commentaire else "",
            },
            "theme": critere.theme,
            "origine": Action.Origine.AUTODIAGNOSTIC,
            "origine_ref": {"autodiagnostic": autodiagnostic.pk, "critere": critere.pk},
            "priorite": Action.Priorite.HAUTE
            if confirmation.valeur.poids == 0
            else Action.Priorite.MOYENNE,
        }
        fields.update((choices or {}).get(critere.pk, {}))
        created.append(plans_services.create_action(structure=structure, user=SYSTEM, **fields))
    return created


# --- Bulk (API): many criteria in one request, all or nothing -----------------------------


@dataclass(frozen=True)
class AnswerInput:
    """One criterion's answer in a bulk request: its code, the value's code (or ``None``),
    the comment and the revision the caller read."""

    critere: str
    valeur: str | None
    commentaire: str
    revision: int


@dataclass(frozen=True)
class ConfirmationInput:
    """One criterion's confirmation in a bulk request (``valeur`` None: as declared)."""

    critere: str
    valeur: str | None = None
    commentaire: str = ""
    preuves_examinees: tuple[int, ...] = ()


def _item_errors(error: BusinessError, name: str, index: int, critere: str) -> list[dict]:
    """The errors of one item, their field prefixed by the item's place in the request
    (``reponses[3].valeur``, as DRF names the input errors)."""
    return [
        {
            **item,
            "field": f"{name}[{index}].{item.get('field') or 'critere'}",
            "critere": critere,
            **({"current": error.details["current"]} if "current" in error.details else {}),
        }
        for item in error.errors
    ]


def _raise_item_errors(errors: list[dict], statuses: set[int]) -> None:
    if not errors:
        return
    status = 409 if 409 in statuses else 403 if statuses == {403} else 400
    raise BusinessError(
        errors[0]["code"],
        errors[0]["message"],
        field=errors[0]["field"],
        status=status,
        errors=errors,
    )


def _reponses_by_code(autodiagnostic: Autodiagnostic, codes: list[str]) -> dict[str, Reponse]:
    return {
        r.critere.code: r
        for r in Reponse.objects.filter(
            autodiagnostic=autodiagnostic, critere__code__in=codes
        ).select_related("critere")
    }


def _run_items(items, reponses: dict[str, Reponse], save, *, name: str) -> list:
    """Call ``save(reponse, item)`` for every item; collect the refusals of every item
    (unknown or repeated criterion included) and raise them all. ``save`` calls a
    single-item service, itself atomic: a refused item's savepoint is rolled back."""
    errors: list[dict] = []
    statuses: set[int] = set()
    results = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        try:
            if item.critere in seen:
                raise BusinessError(
                    CommonError.INVALID,
                    _("Le critère %(code)s figure deux fois dans la demande.")
                    % {"code": item.critere},
                    field="critere",
                )
            seen.add(item.critere)
            reponse = reponses.get(item.critere)
            if reponse is None:
                raise BusinessError(
                    CommonError.INVALID,
                    _("Critère inconnu : %(code)s.") % {"code": item.critere},
                    field="critere",
                )
            results.append(save(reponse, item))
        except BusinessError as error:
            errors += _item_errors(error, name, index, item.critere)
            statuses.add(error.status)
    _raise_item_errors(errors, statuses)
    return results


@transaction.atomic
def save_answers(
    *,
    structure: Structure,
    autodiagnostic: Autodiagnostic,
    answers: list[AnswerInput],
    user,
    submit: bool = False,
) -> list[Reponse]:
    """Save many answers in one transaction, **all or nothing**: each item goes through
    ``save_answer`` (same rules: revision, scale, required comment, lock, level ladder);
    when any item is refused, nothing is written and every item's refusal is reported,
    its ``field`` prefixed with the item's index (``reponses[3].valeur``), its ``critere`` given
    (409 if one of them is a conflict). ``submit``: then submit the self-diagnosis, in the
    same transaction."""
    tenancy.require_schema(structure.schema_name, "save_answers")
    access.require(access.can_answer_autodiagnostic(user, structure))
    reponses = _reponses_by_code(autodiagnostic, [a.critere for a in answers])
    saved = _run_items(
        answers,
        reponses,
        lambda reponse, item: save_answer(
            structure=structure,
            reponse=reponse,
            valeur=item.valeur,
            commentaire=item.commentaire,
            expected_revision=item.revision,
            user=user,
        ),
        name="reponses",
    )
    if submit:
        submit_autodiagnostic(structure=structure, autodiagnostic=autodiagnostic, user=user)
    return saved


def _unconfirmed_open_reponses(
    autodiagnostic: Autodiagnostic, structure: Structure
) -> list[Reponse]:
    autodiagnostic = Autodiagnostic.objects.select_related("version").get(pk=autodiagnostic.pk)
    return [
        r
        for r in _open_reponses(autodiagnostic, structure)
        if r.valeur_id is not None and not hasattr(r, "confirmation")
    ]


@transaction.atomic
def confirm_criteria(
    *,
    structure: Structure,
    autodiagnostic: Autodiagnostic,
    expert,
    confirmations: list[ConfirmationInput],
    rest_as_declared: bool = False,
    finish: bool = False,
) -> list[Confirmation]:
    """The expert confirms many criteria in one transaction, **all or nothing** (each item
    through ``confirm_criterion``; refusals reported as in ``save_answers``).

    ``rest_as_declared``: then confirm every other answered, open criterion not yet
    confirmed with its declared value (repeated while the level ladder opens level-2
    criteria). ``finish``: then close the confirmation (``finish_confirmation``)."""
    tenancy.require_schema(structure.schema_name, "confirm_criteria")
    access.require(access.can_confirm_autodiagnostic(expert, structure))
    reponses = _reponses_by_code(autodiagnostic, [c.critere for c in confirmations])
    preuves = {
        p.pk: p
        for p in Preuve.objects.filter(
            pk__in=[pk for c in confirmations for pk in c.preuves_examinees]
        )
    }

    def confirm(reponse: Reponse, item: ConfirmationInput) -> Confirmation:
        if any(pk not in preuves for pk in item.preuves_examinees):
            raise BusinessError(
                DiagnosticError.EVIDENCE_NOT_OF_ANSWER,
                _("Ces preuves ne sont pas celles de ce critère."),
                field="preuves_examinees",
            )
        return confirm_criterion(
            structure=structure,
            reponse=reponse,
            expert=expert,
            valeur=item.valeur or None,
            commentaire=item.commentaire,
            preuves_examinees=[preuves[pk] for pk in item.preuves_examinees],
        )

    # the network's index is updated once, at the end
    with workflow.AUTODIAGNOSTIC.batched():
        confirmed = _run_items(confirmations, reponses, confirm, name="confirmations")
        if rest_as_declared:
            while rest := _unconfirmed_open_reponses(autodiagnostic, structure):
                confirmed += [
                    confirm_criterion(structure=structure, reponse=r, expert=expert) for r in rest
                ]
        if finish:
            finish_confirmation(structure=structure, autodiagnostic=autodiagnostic, user=expert)
    return confirmed


# --- Actions proposed from confirmed non-conformities, each with its owner (API) ----------


@dataclass(frozen=True)
class ActionProposal:
    """How the action proposed for one confirmed non-conformity is set: owner (a person
    of the structure), deadline, Shortell dimension; ``None`` keeps the default."""

    critere: str
    responsable: Any = None
    echeance: datetime.date | None = None
    dimension: str | None = None


@transaction.atomic
def propose_actions(
    *, structure: Structure, autodiagnostic: Autodiagnostic, user, proposals: list[ActionProposal]
) -> list[Action]:
    """``propose_actions_from_nonconformities`` (one action per confirmed non-conformity,
    idempotent), then each proposal sets the owner, deadline and dimension of its
    criterion's action — **all or nothing**, every refusal listed (``propositions[2].…``),
    e.g. a criterion that is not a confirmed non-conformity. Returns every action proposed
    for this self-diagnosis."""
    tenancy.require_schema(structure.schema_name, "propose_actions")
    propose_actions_from_nonconformities(
        structure=structure, autodiagnostic=autodiagnostic, user=user
    )
    proposed = {
        action.origine_ref.get("critere"): action
        for action in Action.objects.filter(
            origine=Action.Origine.AUTODIAGNOSTIC,
            origine_ref__autodiagnostic=autodiagnostic.pk,
        )
    }
    codes = dict(
        Critere.objects.filter(
            version_id=autodiagnostic.version_id, code__in=[p.critere for p in proposals]
        ).values_list("code", "pk")
    )
    errors: list[dict] = []
    statuses: set[int] = set()
    for index, item in enumerate(proposals):
        try:
            action = proposed.get(codes.get(item.critere))
            if action is None:
                raise BusinessError(
                    DiagnosticError.NOT_A_NONCONFORMITY,
                    _("Le critère %(code)s n'est pas une non-conformité confirmée.")
                    % {"code": item.critere},
                    field="critere",
                )
            fields = {
                name: value
                for name in ("responsable", "echeance", "dimension")
                if (value := getattr(item, name)) is not None
            }
            # The plan's own service; the expert proposes without editing the plan.
            plans_services.update_action(structure=structure, user=SYSTEM, action=action, **fields)
        except BusinessError as error:
            errors += _item_errors(error, "propositions", index, item.critere)
            statuses.add(error.status)
    _raise_item_errors(errors, statuses)
    return sorted(proposed.values(), key=lambda a: a.pk)
