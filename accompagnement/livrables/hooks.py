"""Deliverables in the structure menu and the home-page to-dos (see core.hooks)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.livrables import selectors
from accompagnement.livrables.models import LivrableVersion
from core.hooks import MenuEntry, Todo
from core.routing import structure_url
from tenants import access

GROUP = "Livrables"
Statut = LivrableVersion.Statut


def structure_menu(user, structure):
    yield MenuEntry(_("Livrables"), structure_url(structure, "livrables:list"), order=40)


def structure_todos(user, structure):
    """Deliverables to redo or to submit (everyone of the structure sees what the team has
    to do), deliverables to decide (the structure's expert); judged on each deliverable's
    latest version, in one query."""
    if not access.can_view_structure(user, structure):
        return
    url = structure_url(structure, "livrables:list")
    counts = selectors.current_status_counts()
    if n := counts.get(Statut.A_REPRENDRE, 0):
        yield Todo(
            ngettext("%(n)s livrable à reprendre", "%(n)s livrables à reprendre", n) % {"n": n},
            url,
            count=n,
            kind="warning",
            group=_(GROUP),
        )
    if n := counts.get(Statut.BROUILLON, 0):
        yield Todo(
            ngettext("%(n)s livrable à soumettre", "%(n)s livrables à soumettre", n) % {"n": n},
            url,
            count=n,
            group=_(GROUP),
        )
    if (n := counts.get(Statut.SOUMIS, 0)) and access.can_decide_livrable(user, structure):
        yield Todo(
            ngettext("%(n)s livrable à valider", "%(n)s livrables à valider", n) % {"n": n},
            url,
            count=n,
            kind="warning",
            group=_(GROUP),
        )
