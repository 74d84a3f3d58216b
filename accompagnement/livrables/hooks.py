"""Deliverables in the structure menu and the home-page to-dos (see core.hooks)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.livrables.models import LivrableVersion
from core.hooks import MenuEntry, Todo
from core.routing import structure_url
from tenants import access

GROUP = "Livrables"


def structure_menu(user, structure):
    yield MenuEntry(_("Livrables"), structure_url(structure, "livrables:list"), order=40)


def structure_todos(user, structure):
    """Drafts to submit and versions to rework (director/référent); versions to decide (expert)."""
    url = structure_url(structure, "livrables:list")
    if access.can_submit_livrable(user, structure):
        counts = {
            statut: LivrableVersion.objects.filter(statut=statut).count()
            for statut in (LivrableVersion.Statut.BROUILLON, LivrableVersion.Statut.A_REPRENDRE)
        }
        if counts["brouillon"]:
            n = counts["brouillon"]
            yield Todo(
                ngettext("%(n)s livrable à soumettre", "%(n)s livrables à soumettre", n) % {"n": n},
                url,
                count=n,
                group=_(GROUP),
            )
        if counts["a_reprendre"]:
            n = counts["a_reprendre"]
            yield Todo(
                ngettext("%(n)s livrable à reprendre", "%(n)s livrables à reprendre", n) % {"n": n},
                url,
                count=n,
                kind="warning",
                group=_(GROUP),
            )
    if access.can_decide_livrable(user, structure):
        n = LivrableVersion.objects.filter(statut=LivrableVersion.Statut.SOUMIS).count()
        if n:
            yield Todo(
                ngettext("%(n)s livrable à valider", "%(n)s livrables à valider", n) % {"n": n},
                url,
                count=n,
                kind="warning",
                group=_(GROUP),
            )
