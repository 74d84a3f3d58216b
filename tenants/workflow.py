"""The structure import workflow, declared once (``core.workflow``)::

    (new) ──reject──▶ rejeté            (errors in the file: nothing queued)
    (new) ──queue───▶ en attente ──start──▶ en cours ──finish──▶ terminé
                                                    └──fail────▶ échoué (all undone)

Queuing or rejecting is the federation's or a pilot's (``tenants.access``); starting,
finishing and failing are the background job's, run as ``core.actors.SYSTEM``. Every move
is logged (``ImportTransition``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core.errors import CommonError
from core.workflow import Move, Stamp, Workflow
from tenants import access
from tenants.errors import TenantsError
from tenants.models import ImportStructures, ImportTransition

Statut = ImportStructures.Statut
_finished = Stamp(at="finished_at")


def can_import(actor: Any, _structure: Any = None) -> bool:
    return access.can_import_structures(actor)


IMPORT = Workflow(
    "tenants.import_structures",
    states=Statut,
    log_model=ImportTransition,
    log_field="import_structures",
    moves=[
        Move("reject", {""}, Statut.REJETE, _("Refuser le fichier"), can_import, stamp=_finished),
        Move("queue", {""}, Statut.EN_ATTENTE, _("Mettre en file d'attente"), can_import),
        Move("start", {Statut.EN_ATTENTE}, Statut.EN_COURS, _("Démarrer")),
        Move("finish", {Statut.EN_COURS}, Statut.TERMINE, _("Terminer"), stamp=_finished),
        Move("fail", {Statut.EN_COURS}, Statut.ECHOUE, _("Échouer"), stamp=_finished),
    ],
    errors={CommonError.TRANSITION_NOT_ALLOWED: TenantsError.IMPORT_TRANSITION},
)
