"""The version workflow, declared once: brouillon → publié → archivé.

``TRANSITIONS`` lists the allowed moves and their guards; ``apply_transition`` is the only
code that writes ``ReferentielVersion.statut``, and logs every move (``VersionTransition``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import BusinessError
from referentiels.errors import ReferentielError
from referentiels.models import Critere, EchelleCotation, ReferentielVersion, VersionTransition

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


@dataclass(frozen=True)
class Transition:
    label: str
    guard: Callable[[ReferentielVersion], None] | None = None
    stamp: str | None = None  # the date field set by the move


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (Statut.BROUILLON, Statut.PUBLIE): Transition(_("Publier"), _guard_publishable, "published_at"),
    (Statut.PUBLIE, Statut.ARCHIVE): Transition(_("Archiver"), None, "archived_at"),
}


def allowed_targets(version: ReferentielVersion) -> list[str]:
    return [target for (source, target) in TRANSITIONS if source == version.statut]


@transaction.atomic
def apply_transition(
    *, version: ReferentielVersion, to: str, user=None, commentaire: str = ""
) -> ReferentielVersion:
    version = ReferentielVersion.objects.select_for_update().get(pk=version.pk)
    move = TRANSITIONS.get((version.statut, to))
    if move is None:
        raise BusinessError(
            ReferentielError.TRANSITION_NOT_ALLOWED,
            _("Impossible de passer une version « %(from)s » à « %(to)s ».")
            % {"from": version.get_statut_display(), "to": Statut(to).label},
            status=409,
        )
    if move.guard:
        move.guard(version)
    source = version.statut
    version.statut = to
    fields = ["statut"]
    if move.stamp:
        setattr(version, move.stamp, timezone.now())
        fields.append(move.stamp)
    version.save(update_fields=fields)
    VersionTransition.objects.create(
        version=version, from_statut=source, to_statut=to, user=user, commentaire=commentaire
    )
    return version
