"""The deliverable version workflow, declared once: brouillon → soumis → validé / à reprendre.

``VERSION`` (``core.workflow``) lists each move with who may make it (a rule of
``tenants.access``) and what it needs; every status change of a ``LivrableVersion`` goes
through it and is logged (``LivrableTransition``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from accompagnement.livrables.models import LivrableTransition, LivrableVersion
from core.workflow import Move, Stamp, Workflow
from tenants import access

Statut = LivrableVersion.Statut
_decision = Stamp(at="decided_at", by="decided_by", comment="commentaire_decision")

VERSION = Workflow(
    "livrables.version",
    states=Statut,
    log_model=LivrableTransition,
    log_field="version",
    moves=[
        Move(
            "submit",
            {Statut.BROUILLON},
            Statut.SOUMIS,
            gettext_lazy("Soumettre à l'expert"),
            access.can_submit_livrable,
            stamp=Stamp(at="submitted_at"),
        ),
        Move(
            "validate",
            {Statut.SOUMIS},
            Statut.VALIDE,
            gettext_lazy("Valider"),
            access.can_decide_livrable,
            stamp=_decision,
        ),
        Move(
            "send_back",
            {Statut.SOUMIS},
            Statut.A_REPRENDRE,
            gettext_lazy("À reprendre"),
            access.can_decide_livrable,
            comment_required=True,
            stamp=_decision,
        ),
    ],
)


def allowed_targets(version: LivrableVersion, user: Any, structure: Any) -> list[str]:
    """The moves this person may make on this version now."""
    return [move.target for move in VERSION.allowed_moves(version, user, structure)]


@transaction.atomic
def apply_transition(
    *, version: LivrableVersion, to: str, user: Any, structure: Any, commentaire: str = ""
) -> LivrableVersion:
    version = (
        LivrableVersion.objects.select_for_update().select_related("livrable").get(pk=version.pk)
    )
    VERSION.apply(version, to=to, actor=user, structure=structure, commentaire=commentaire)
    return version
