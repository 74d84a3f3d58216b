"""Deliverables: writes (upload a version, submit it, decide on it).

Every status change goes through ``workflow.apply_transition``; the public review index
(``groupes.SoumissionLivrable``) and the emails (``core.outbox``, sent once after
commit, idempotency key per version and step) are written in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from accompagnement.groupes.models import SoumissionLivrable, TypeLivrable
from accompagnement.livrables import workflow
from accompagnement.livrables.errors import LivrableError
from accompagnement.livrables.models import Livrable, LivrableVersion
from core.errors import BusinessError
from core.files import check_document, upload_name, upload_size
from core.outbox import enqueue_email
from core.routing import structure_url
from tenants import access
from tenants.models import Membership, Structure, User

Statut = LivrableVersion.Statut


@transaction.atomic
def create_livrable(
    *, structure: Structure, user: User, type_livrable: TypeLivrable, titre: str = ""
) -> Livrable:
    """A deliverable of the structure (one per type and title), without any version yet."""
    access.require(access.can_upload_livrable(user, structure))
    if not type_livrable.actif:
        raise BusinessError(
            LivrableError.TYPE_INACTIVE,
            _("Ce type de livrable n'est plus proposé."),
            field="type_livrable",
        )
    return Livrable.objects.create(
        type_livrable=type_livrable, titre=(titre or "").strip() or type_livrable.libelle
    )


@transaction.atomic
def upload_version(
    *, structure: Structure, user: User, livrable: Livrable, fichier: UploadedFile
) -> LivrableVersion:
    """A new draft version. Refused while a version awaits the expert's decision."""
    access.require(access.can_upload_livrable(user, structure))
    content_type = check_document(fichier)
    livrable = Livrable.objects.select_for_update().get(pk=livrable.pk)
    if livrable.versions.filter(statut=Statut.SOUMIS).exists():
        raise BusinessError(
            LivrableError.VERSION_PENDING,
            _(
                "Une version attend la décision de l'expert : attendez-la avant d'en déposer une nouvelle."
            ),
            field="fichier",
            status=409,
        )
    numero = (livrable.versions.aggregate(m=Max("numero"))["m"] or 0) + 1
    version = LivrableVersion(
        livrable=livrable,
        numero=numero,
        nom_original=upload_name(fichier)[:255],
        content_type=content_type,
        taille=upload_size(fichier),
        uploaded_by=user,
    )
    version.fichier.save(upload_name(fichier), fichier, save=False)
    version.save()
    return version


def experts_of(structure: Structure):
    """The experts who decide on the structure's deliverables (groups and assignments)."""
    return User.objects.filter(
        Q(groupes_expertises__structures=structure) | Q(affectations_expert__structure=structure),
        is_active=True,
    ).distinct()


def managers_of(structure: Structure) -> list[str]:
    """Email addresses of the structure's director(s) and référent(s)."""
    emails = set(
        Membership.objects.filter(
            structure=structure, role__in=access.STAFF_MANAGE_ROLES, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    return sorted(emails)


def _link(structure: Structure, livrable: Livrable) -> str:
    return settings.SITE_URL.rstrip("/") + structure_url(structure, "livrables:detail", livrable.pk)


def _index(structure: Structure, version: LivrableVersion) -> None:
    """Copy the version's state to the network's review index (public schema)."""
    livrable = version.livrable
    assert version.submitted_at is not None  # indexed from its submission on
    SoumissionLivrable.objects.update_or_create(
        structure=structure,
        version_id=version.pk,
        defaults={
            "type_livrable_id": livrable.type_livrable_id,
            "livrable_id": livrable.pk,
            "numero": version.numero,
            "titre": livrable.titre,
            "statut": version.statut,
            "submitted_at": version.submitted_at,
            "decided_at": version.decided_at,
        },
    )


@transaction.atomic
def submit_version(
    *, structure: Structure, user: User, version: LivrableVersion
) -> LivrableVersion:
    """The director or référent submits the latest draft; the structure's experts are told."""
    latest = version.livrable.versions.order_by("-numero").values_list("pk", flat=True).first()
    if latest != version.pk:
        raise BusinessError(
            LivrableError.NOT_LATEST, _("Seule la dernière version peut être soumise."), status=409
        )
    version = workflow.apply_transition(
        version=version, to=Statut.SOUMIS, user=user, structure=structure
    )
    livrable = version.livrable
    _index(structure, version)
    enqueue_email(
        key=f"livrable-soumis:{structure.schema_name}:{version.pk}",
        to=list(experts_of(structure).values_list("email", flat=True)),
        subject=_("Livrable à valider : %(titre)s (%(structure)s)")
        % {"titre": livrable.titre, "structure": structure.nom},
        body=_(
            "La structure %(structure)s a soumis la version %(numero)s du livrable « %(titre)s ».\n"
            "Consultez-la et rendez votre décision : %(url)s"
        )
        % {
            "structure": structure.nom,
            "numero": version.numero,
            "titre": livrable.titre,
            "url": _link(structure, livrable),
        },
    )
    return version


@transaction.atomic
def decide_version(
    *,
    structure: Structure,
    user: User,
    version: LivrableVersion,
    valide: bool,
    commentaire: str = "",
) -> LivrableVersion:
    """The structure's expert validates the submitted version or sends it back (comment
    required); the director and référent are told."""
    to = Statut.VALIDE if valide else Statut.A_REPRENDRE
    version = workflow.apply_transition(
        version=version, to=to, user=user, structure=structure, commentaire=commentaire
    )
    _index(structure, version)
    livrable = version.livrable
    decision = _("validée") if valide else _("à reprendre")
    body = _("La version %(numero)s du livrable « %(titre)s » est %(decision)s.\n") % {
        "numero": version.numero,
        "titre": livrable.titre,
        "decision": decision,
    }
    if version.commentaire_decision:
        body += _("Commentaire de l'expert : %s\n") % version.commentaire_decision
    body += _link(structure, livrable)
    enqueue_email(
        key=f"livrable-decision:{structure.schema_name}:{version.pk}",
        to=managers_of(structure),
        subject=(
            _("Livrable validé : %(titre)s") if valide else _("Livrable à reprendre : %(titre)s")
        )
        % {"titre": livrable.titre},
        body=body,
    )
    return version
