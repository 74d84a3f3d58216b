"""The version workflow, declared once: brouillon → publié → archivé.

``VERSION`` (``core.workflow``) lists the moves, who may make them (the federation's
frame managers, or the system when a bundled frame is loaded) and their guards; every
change of ``ReferentielVersion.statut`` goes through it and is logged
(``VersionTransition``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import BusinessError
from core.workflow import Move, Stamp, Workflow
from referentiels.errors import ReferentielError
from referentiels.models import Critere, EchelleCotation, ReferentielVersion, VersionTransition
from tenants import access

Statut = ReferentielVersion.Statut


def _guard_publishable(version: ReferentielVersion) -> None:
    echelle = EchelleCotation.objects.filter(version=version).first()
    if echelle is None or not echelle.valeurs.exists():
        raise BusinessError(
            ReferentielError.NO_SCALE,
            _("La version n'a pas d'échelle de cotation : ajoutez-en une avant de publier."),
        )
    if not echelle.valeurs.filter(exclue=False).exists():
        raise BusinessError(
            ReferentielError.NO_SCALE,
            _("Au moins une valeur de l'échelle doit compter dans le taux."),
        )
    if not Critere.objects.filter(version=version).exists():
        raise BusinessError(
            ReferentielError.NO_CRITERION,
            _("La version n'a aucun critère : ajoutez-en au moins un avant de publier."),
        )


def _manager(actor: Any, _structure: Any) -> bool:
    return access.can_manage_referentiels(actor)


VERSION = Workflow(
    "referentiels.version",
    states=Statut,
    log_model=VersionTransition,
    log_field="version",
    moves=[
        Move(
            "publish",
            {Statut.BROUILLON},
            Statut.PUBLIE,
            gettext_lazy("Publier"),
            _manager,
            guards=(_guard_publishable,),
            stamp=Stamp(at="published_at"),
        ),
        Move(
            "archive",
            {Statut.PUBLIE},
            Statut.ARCHIVE,
            gettext_lazy("Archiver"),
            _manager,
            stamp=Stamp(at="archived_at"),
        ),
    ],
)


def allowed_targets(version: ReferentielVersion, user: Any) -> list[str]:
    return [move.target for move in VERSION.allowed_moves(version, user)]


@transaction.atomic
def apply_transition(
    *, version: ReferentielVersion, to: str, user: Any, commentaire: str = ""
) -> ReferentielVersion:
    """``user``: the person (a frame manager) or ``core.actors.SYSTEM``."""
    version = ReferentielVersion.objects.select_for_update().get(pk=version.pk)
    VERSION.apply(version, to=to, actor=user, commentaire=commentaire)
    return version
