"""A director's request to export or erase the structure's data, approved by the
federation admin, carried out in the background by the existing operations:

    (new) ──request──▶ demandée ──approve──▶ approuvée ──done──▶ faite
                                └──refuse───▶ refusée (comment required)

* export: ``tenants.operations.export.export_structure`` writes a ZIP archive that the
  structure's director (and the federation admin) download from the structure's page;
* erasure: ``tenants.operations.deletion.soft_delete_structure`` — the structure leaves
  the network at once and its schema is purged after the grace period by the nightly
  ``purge_structures`` (the network keeps its anonymised figures).

The work runs as a durable job (``core.jobs``), so an approval survives a broker outage
or a worker crash; running it twice does not export or delete twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import jobs
from core.actors import SYSTEM
from core.errors import BusinessError
from core.models import Job
from core.workflow import Move, Stamp, Workflow
from tenants import access
from tenants.errors import TenantsError
from tenants.models import DemandeDonnees, DemandeDonneesTransition, Structure, User

Statut = DemandeDonnees.Statut
JOB_TASK = "tenants.tasks.run_data_request_task"

DEMANDE = Workflow(
    "tenants.demande_donnees",
    states=Statut,
    log_model=DemandeDonneesTransition,
    log_field="demande",
    moves=[
        Move(
            "request",
            {""},
            Statut.DEMANDEE,
            gettext_lazy("Demander"),
            access.can_request_data_operation,
        ),
        Move(
            "approve",
            {Statut.DEMANDEE},
            Statut.APPROUVEE,
            gettext_lazy("Approuver"),
            access.can_decide_data_request,
            stamp=Stamp(at="decidee_le", by="decidee_par", comment="commentaire"),
        ),
        Move(
            "refuse",
            {Statut.DEMANDEE},
            Statut.REFUSEE,
            gettext_lazy("Refuser"),
            access.can_decide_data_request,
            comment_required=True,
            stamp=Stamp(at="decidee_le", by="decidee_par", comment="commentaire"),
        ),
        Move(
            "done",
            {Statut.APPROUVEE},
            Statut.FAITE,
            gettext_lazy("Faite"),
            stamp=Stamp(at="faite_le"),
        ),
    ],
)


def exports_dir(structure: Structure) -> Path:
    """Outside the structure's own media folder, so an export never contains an export."""
    return Path(settings.MEDIA_ROOT) / "exports-donnees" / structure.schema_name


@transaction.atomic
def request_data_operation(
    *, structure: Structure, user: User, type: str, motif: str
) -> DemandeDonnees:
    if type not in DemandeDonnees.Type.values:
        raise BusinessError(TenantsError.INVALID_VALUE, _("Demande inconnue."), field="type")
    motif = (motif or "").strip()
    if not motif:
        raise BusinessError(
            TenantsError.MISSING_FIELD, _("Indiquez le motif de la demande."), field="motif"
        )
    if DemandeDonnees.objects.filter(
        structure=structure, type=type, statut__in=[Statut.DEMANDEE, Statut.APPROUVEE]
    ).exists():
        raise BusinessError(
            TenantsError.DUPLICATE,
            _("Une demande de ce type est déjà en cours pour cette structure."),
            field="type",
            status=409,
        )
    demande = DemandeDonnees(
        structure=structure, type=type, motif=motif, demandee_par=user, statut=""
    )
    return DEMANDE.apply(demande, actor=user, structure=structure, name="request")


@transaction.atomic
def decide_data_request(
    *, demande: DemandeDonnees, user: User, approve: bool, commentaire: str = ""
) -> DemandeDonnees:
    """Approve (the operation is queued as a job) or refuse (a comment is required)."""
    demande = DemandeDonnees.objects.select_for_update().get(pk=demande.pk)
    DEMANDE.apply(
        demande,
        actor=user,
        structure=demande.structure,
        name="approve" if approve else "refuse",
        commentaire=commentaire,
    )
    if approve:
        jobs.submit(
            kind=f"demande_donnees_{demande.type}",
            key=f"demande-donnees:{demande.pk}",
            task_name=JOB_TASK,
            payload={"demande": demande.pk},
        )
    return demande


def run_data_request_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The job's handler: idempotent (a request already done is left as it is; the export
    is written again under the same name, the soft delete keeps its first date)."""
    from tenants.operations.deletion import soft_delete_structure
    from tenants.operations.export import export_structure

    with transaction.atomic():
        demande = (
            DemandeDonnees.objects.select_for_update()
            .select_related("structure")
            .get(pk=job.payload["demande"])
        )
        if demande.statut != Statut.APPROUVEE:
            return {"statut": demande.statut}
        structure = demande.structure
        if demande.type == DemandeDonnees.Type.EXPORT:
            destination = exports_dir(structure) / f"demande-{demande.pk}.zip"
            export_structure(structure=structure, destination=destination)
            demande.archive = str(destination.relative_to(settings.MEDIA_ROOT))
        else:
            soft_delete_structure(structure=structure)
        progress.beat(demande=demande.pk)
        DEMANDE.apply(demande, actor=SYSTEM, name="done", extra_fields=["archive"])
    return {"statut": demande.statut, "archive": demande.archive}
