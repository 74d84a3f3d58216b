"""The deliverable version workflow, declared once: brouillon → soumis → validé / à reprendre.

``TRANSITIONS`` lists each allowed move with who may make it (a rule of
``tenants.access``) and what it needs; ``apply_transition`` is the only code that writes
``LivrableVersion.statut`` and it logs every move (``LivrableTransition``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accompagnement.livrables.models import LivrableTransition, LivrableVersion
from core.workflow import Transition, allowed_moves, check_move
from tenants import access

Statut = LivrableVersion.Statut


TRANSITIONS: dict[tuple[str, str], Transition] = {
    (Statut.BROUILLON, Statut.SOUMIS): Transition(
        gettext_lazy("Soumettre à l'expert"), access.can_submit_livrable
    ),
    (Statut.SOUMIS, Statut.VALIDE): Transition(gettext_lazy("Valider"), access.can_decide_livrable),
    (Statut.SOUMIS, Statut.A_REPRENDRE): Transition(
        gettext_lazy("À reprendre"), access.can_decide_livrable, comment_required=True
    ),
}


def allowed_targets(version: LivrableVersion, user, structure) -> list[str]:
    """The moves this person may make on this version now."""
    return [target for target, _move in allowed_moves(TRANSITIONS, version.statut, user, structure)]


@transaction.atomic
def apply_transition(
    *, version: LivrableVersion, to: str, user, structure, commentaire: str = ""
) -> LivrableVersion:
    version = (
        LivrableVersion.objects.select_for_update().select_related("livrable").get(pk=version.pk)
    )
    commentaire = check_move(
        TRANSITIONS,
        current=version.statut,
        to=to,
        user=user,
        structure=structure,
        commentaire=commentaire,
        not_allowed_message=_("Impossible de passer une version « %(from)s » à « %(to)s ».")
        % {
            "from": version.get_statut_display(),
            "to": Statut(to).label if to in Statut.values else to,
        },
        comment_message=_("Un commentaire est obligatoire pour demander une reprise."),
    )
    source = version.statut
    now = timezone.now()
    version.statut = to
    if to == Statut.SOUMIS:
        version.submitted_at = now
        fields = ["statut", "submitted_at"]
    else:
        version.decided_at = now
        version.decided_by = user
        version.commentaire_decision = commentaire
        fields = ["statut", "decided_at", "decided_by", "commentaire_decision"]
    version.save(update_fields=fields)
    LivrableTransition.objects.create(
        version=version, from_statut=source, to_statut=to, user=user, commentaire=commentaire
    )
    return version
