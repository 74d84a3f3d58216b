"""Writes of the quality-management tools (seed 001). Every service runs in the
structure's schema, takes the structure and the acting person, and checks its rule in
``tenants.access``; nothing is written when a ``BusinessError`` is raised."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from accompagnement.plans import services as plans_services
from accompagnement.plans.models import Action
from accompagnement.qualite import selectors
from accompagnement.qualite.errors import QualiteError
from accompagnement.qualite.models import (
    AuditDossier,
    CritereEvaluation,
    DecisionComite,
    DocumentQualite,
    EvaluationPratique,
    MembreComite,
    ResultatCritere,
    ReunionComite,
    VersionDocument,
)
from core.errors import BusinessError
from core.outbox import enqueue_email
from tenants import access
from tenants.models import Membership, Structure, User

# A file is named by a code (« D-07 », « 2026/014 »), never by a person's name.
PSEUDONYMOUS_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,29}$")


def _require(allowed: bool) -> None:
    access.require(allowed)


def _required_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise BusinessError(QualiteError.INVALID, _("Ce champ est obligatoire."), field=field)
    return value


# --- Steering committee ---------------------------------------------------------------------


@transaction.atomic
def add_committee_member(
    *, structure: Structure, user: User, member: User, fonction: str, depuis=None
) -> MembreComite:
    """Only people of the structure's staff sit on its committee."""
    _require(access.can_manage_qualite(user, structure))
    fonction = _required_text(fonction, "fonction")
    if not Membership.objects.filter(structure=structure, user=member).exists():
        raise BusinessError(
            QualiteError.NOT_STAFF,
            _("Seules les personnes de la structure peuvent siéger au comité."),
            field="user",
        )
    if MembreComite.objects.filter(user=member).exists():
        raise BusinessError(
            QualiteError.DUPLICATE, _("Cette personne siège déjà au comité."), field="user"
        )
    return MembreComite.objects.create(user=member, fonction=fonction, depuis=depuis)


@transaction.atomic
def remove_committee_member(*, structure: Structure, user: User, membre: MembreComite) -> None:
    _require(access.can_manage_qualite(user, structure))
    membre.delete()


@transaction.atomic
def save_committee_meeting(
    *,
    structure: Structure,
    user: User,
    date: datetime.datetime,
    ordre_du_jour: str = "",
    compte_rendu: str = "",
    presents: Iterable[MembreComite] = (),
    reunion: ReunionComite | None = None,
) -> ReunionComite:
    """Create or update a meeting, its minutes and who attended."""
    _require(access.can_manage_qualite(user, structure))
    if date is None:
        raise BusinessError(QualiteError.INVALID, _("La date est obligatoire."), field="date")
    reunion = reunion or ReunionComite()
    reunion.date = date
    reunion.ordre_du_jour = (ordre_du_jour or "").strip()
    reunion.compte_rendu = (compte_rendu or "").strip()
    reunion.save()
    reunion.presents.set(list(presents))
    return reunion


@transaction.atomic
def record_decision(
    *,
    structure: Structure,
    user: User,
    reunion: ReunionComite,
    texte: str,
    create_action: bool = False,
    responsable: User | None = None,
    echeance: datetime.date | None = None,
    dimension: str = Action.Dimension.STRUCTURELLE,
) -> DecisionComite:
    """A decision of the meeting; with ``create_action`` it becomes an action of the plan
    (origin: the committee's decision), linked both ways."""
    _require(access.can_manage_qualite(user, structure))
    texte = _required_text(texte, "texte")
    decision = DecisionComite.objects.create(reunion=reunion, texte=texte)
    if create_action:
        decision.action = plans_services.create_action(
            structure=structure,
            user=user,
            titre=texte[:255],
            description=_("Décision du comité de pilotage du %(date)s.")
            % {"date": timezone.localtime(reunion.date).strftime("%d/%m/%Y")},
            responsable=responsable,
            echeance=echeance,
            dimension=dimension,
            origine=Action.Origine.AUTRE,
            origine_ref={"decision_comite": decision.pk},
        )
        decision.save(update_fields=["action"])
    return decision


# --- Document control -----------------------------------------------------------------------


def _check_dates(date_validation, date_revision) -> None:
    if date_validation is None:
        raise BusinessError(
            QualiteError.INVALID,
            _("La date de validation est obligatoire."),
            field="date_validation",
        )
    if date_revision is None or date_revision <= date_validation:
        raise BusinessError(
            QualiteError.INVALID,
            _("La date de révision doit suivre la date de validation."),
            field="date_revision",
        )


@transaction.atomic
def create_document(
    *,
    structure: Structure,
    user: User,
    reference: str,
    titre: str,
    type: str,
    version: str,
    date_validation: datetime.date,
    date_revision: datetime.date,
    proprietaire: User | None = None,
    fichier=None,
) -> DocumentQualite:
    """A new controlled document and its first version."""
    _require(access.can_manage_qualite(user, structure))
    reference = _required_text(reference, "reference")
    if type not in DocumentQualite.Type.values:
        raise BusinessError(QualiteError.INVALID, _("Type de document inconnu."), field="type")
    _check_dates(date_validation, date_revision)
    if DocumentQualite.objects.filter(reference=reference).exists():
        raise BusinessError(
            QualiteError.DUPLICATE, _("Cette référence existe déjà."), field="reference"
        )
    document = DocumentQualite.objects.create(
        reference=reference,
        titre=_required_text(titre, "titre"),
        type=type,
        proprietaire=proprietaire,
        version=_required_text(version, "version"),
        date_validation=date_validation,
        date_revision=date_revision,
    )
    VersionDocument.objects.create(
        document=document,
        version=document.version,
        date_validation=date_validation,
        fichier=fichier or "",
        modifications=_("Création"),
        user=user,
    )
    return document


@transaction.atomic
def publish_document_version(
    *,
    structure: Structure,
    user: User,
    document: DocumentQualite,
    version: str,
    date_validation: datetime.date,
    date_revision: datetime.date,
    modifications: str = "",
    fichier=None,
) -> VersionDocument:
    """A new version becomes the one in force; earlier versions stay in the history."""
    _require(access.can_manage_qualite(user, structure))
    version = _required_text(version, "version")
    _check_dates(date_validation, date_revision)
    if document.versions.filter(version=version).exists():
        raise BusinessError(
            QualiteError.DUPLICATE, _("Cette version existe déjà."), field="version"
        )
    created = VersionDocument.objects.create(
        document=document,
        version=version,
        date_validation=date_validation,
        fichier=fichier or "",
        modifications=(modifications or "").strip(),
        user=user,
    )
    document.version = version
    document.date_validation = date_validation
    document.date_revision = date_revision
    document.archive = False
    document.save(update_fields=["version", "date_validation", "date_revision", "archive"])
    return created


@transaction.atomic
def update_document(
    *, structure: Structure, user: User, document: DocumentQualite, **fields: Any
) -> DocumentQualite:
    """Title, type, owner, review date or archiving; never the version (see above)."""
    _require(access.can_manage_qualite(user, structure))
    allowed = {"titre", "type", "proprietaire", "date_revision", "archive"}
    unknown = set(fields) - allowed
    if unknown:
        raise BusinessError(
            QualiteError.INVALID, _("Champ non modifiable."), field=sorted(unknown)[0]
        )
    if "titre" in fields:
        fields["titre"] = _required_text(fields["titre"], "titre")
    if "type" in fields and fields["type"] not in DocumentQualite.Type.values:
        raise BusinessError(QualiteError.INVALID, _("Type de document inconnu."), field="type")
    if "date_revision" in fields:
        _check_dates(document.date_validation, fields["date_revision"])
    for name, value in fields.items():
        setattr(document, name, value)
    document.save()
    return document


def _document_recipients(structure: Structure, document: DocumentQualite) -> list[str]:
    owner = document.proprietaire  # no query when there is none
    if owner is not None and owner.is_active:
        return [owner.email]
    return list(
        Membership.objects.filter(
            structure=structure, role__in=access.STAFF_MANAGE_ROLES, user__is_active=True
        ).values_list("user__email", flat=True)
    )


@transaction.atomic
def remind_document_reviews(*, structure: Structure, today: datetime.date) -> int:
    """E-mail each document's owner (or the structure's managers) when its review date is
    within ``DOCUMENT_REVISION_RAPPEL_JOURS`` days or past: once per document and review
    date (the outbox's key), so a new review date gets its own reminder. Runs in the
    structure's schema."""
    sent = 0
    for document in selectors.documents_due(
        today=today, within_days=settings.DOCUMENT_REVISION_RAPPEL_JOURS
    ):
        message = enqueue_email(
            key=f"revision-document:{structure.schema_name}:{document.pk}:{document.date_revision:%Y%m%d}",
            to=_document_recipients(structure, document),
            subject=_("Document à réviser : %(ref)s") % {"ref": document.reference},
            body=_("%(titre)s (version %(version)s) est à réviser avant le %(date)s.")
            % {
                "titre": document.titre,
                "version": document.version,
                "date": document.date_revision.strftime("%d/%m/%Y"),
            },
        )
        sent += message is not None
    return sent


# --- Evaluation of professional practices ---------------------------------------------------


@transaction.atomic
def create_evaluation(
    *,
    structure: Structure,
    user: User,
    titre: str,
    thematique: str,
    dossiers_prevus: int,
    debut: datetime.date,
    criteres: Iterable[str],
    objectif: str = "",
    seuil=0.8,
) -> EvaluationPratique:
    _require(access.can_manage_qualite(user, structure))
    libelles = [libelle.strip() for libelle in criteres if libelle and libelle.strip()]
    if not libelles:
        raise BusinessError(
            QualiteError.INVALID, _("Indiquez au moins un critère."), field="criteres"
        )
    if thematique not in EvaluationPratique.Thematique.values:
        raise BusinessError(QualiteError.INVALID, _("Pratique inconnue."), field="thematique")
    if not dossiers_prevus or int(dossiers_prevus) < 1:
        raise BusinessError(
            QualiteError.INVALID, _("Au moins un dossier à auditer."), field="dossiers_prevus"
        )
    if not 0 <= float(seuil) <= 1:
        raise BusinessError(
            QualiteError.INVALID, _("Le seuil est une proportion entre 0 et 1."), field="seuil"
        )
    evaluation = EvaluationPratique.objects.create(
        titre=_required_text(titre, "titre"),
        thematique=thematique,
        objectif=(objectif or "").strip(),
        dossiers_prevus=int(dossiers_prevus),
        seuil=seuil,
        debut=debut,
    )
    CritereEvaluation.objects.bulk_create(
        CritereEvaluation(evaluation=evaluation, ordre=index, libelle=libelle[:255])
        for index, libelle in enumerate(libelles, start=1)
    )
    return evaluation


@transaction.atomic
def record_audit(
    *,
    structure: Structure,
    user: User,
    evaluation: EvaluationPratique,
    reference: str,
    audite_le: datetime.date,
    reponses: Mapping[int, str],
) -> AuditDossier:
    """One audited file: an answer for every criterion, all or nothing."""
    _require(access.can_audit_practices(user, structure))
    evaluation = EvaluationPratique.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.terminee_le:
        raise BusinessError(
            QualiteError.EVALUATION_CLOSED, _("Cette évaluation est terminée."), status=409
        )
    reference = (reference or "").strip()
    if not PSEUDONYMOUS_REFERENCE.match(reference):
        raise BusinessError(
            QualiteError.INVALID,
            _(
                "La référence du dossier est un code sans espace (par exemple D-07), "
                "jamais le nom de la personne."
            ),
            field="reference",
        )
    if evaluation.audits.filter(reference=reference).exists():
        raise BusinessError(
            QualiteError.DUPLICATE, _("Ce dossier est déjà audité."), field="reference"
        )
    if evaluation.audits.count() >= evaluation.dossiers_prevus:
        raise BusinessError(
            QualiteError.AUDIT_FULL,
            _("Les %(n)s dossiers prévus sont déjà audités.") % {"n": evaluation.dossiers_prevus},
            status=409,
        )
    criteres = list(evaluation.criteres.all())
    missing = [c for c in criteres if reponses.get(c.pk) not in ResultatCritere.Reponse.values]
    if missing:
        raise BusinessError(
            QualiteError.INCOMPLETE,
            _("Répondez à chaque critère (%(n)s sans réponse).") % {"n": len(missing)},
            field="reponses",
        )
    audit = AuditDossier.objects.create(
        evaluation=evaluation, reference=reference, audite_le=audite_le
    )
    ResultatCritere.objects.bulk_create(
        ResultatCritere(audit=audit, critere=c, reponse=reponses[c.pk]) for c in criteres
    )
    return audit


@transaction.atomic
def close_evaluation(
    *, structure: Structure, user: User, evaluation: EvaluationPratique, today: datetime.date
) -> list[Action]:
    """Close the evaluation and turn each criterion under the expected threshold into an
    action of the plan (see ``propose_actions_from_evaluation``)."""
    _require(access.can_manage_qualite(user, structure))
    if not evaluation.audits.exists():
        raise BusinessError(
            QualiteError.INCOMPLETE, _("Aucun dossier n'a encore été audité."), status=409
        )
    if evaluation.terminee_le is None:
        evaluation.terminee_le = today
        evaluation.save(update_fields=["terminee_le"])
    return propose_actions_from_evaluation(structure=structure, user=user, evaluation=evaluation)


@transaction.atomic
def propose_actions_from_evaluation(
    *, structure: Structure, user: User, evaluation: EvaluationPratique
) -> list[Action]:
    """One action per criterion whose conformity is under the threshold; idempotent (an
    action already created for the criterion is not created again)."""
    _require(access.can_manage_qualite(user, structure))
    results = selectors.evaluation_results(evaluation)
    existing = {
        action.origine_ref.get("critere_evaluation")
        for action in Action.objects.filter(origine_ref__evaluation_pratique=evaluation.pk)
    }
    created = []
    for row in results.below(evaluation.seuil):
        if row.critere.pk in existing:
            continue
        assert row.taux is not None  # below() keeps the measured criteria only
        created.append(
            plans_services.create_action(
                structure=structure,
                user=user,
                titre=(
                    _("%(evaluation)s : %(critere)s")
                    % {"evaluation": evaluation.titre, "critere": row.critere.libelle}
                )[:255],
                description=_(
                    "Évaluation des pratiques : %(taux)s %% des dossiers conformes "
                    "(seuil attendu : %(seuil)s %%)."
                )
                % {"taux": round(row.taux * 100), "seuil": round(float(evaluation.seuil) * 100)},
                dimension=Action.Dimension.TECHNIQUE,
                origine=Action.Origine.AUTRE,
                origine_ref={
                    "evaluation_pratique": evaluation.pk,
                    "critere_evaluation": row.critere.pk,
                },
            )
        )
    return created


def remind_document_reviews_everywhere(*, today: datetime.date) -> int:
    """The daily batch (not a request): each structure's documents, in its schema."""
    sent = 0
    for structure in Structure.objects.reelles():
        with schema_context(structure.schema_name):
            sent += remind_document_reviews(structure=structure, today=today)
    return sent
