"""The action plan in the structure menu and its late actions in the to-dos."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.plans import selectors
from core.hooks import MenuEntry, Todo
from core.routing import structure_url
from tenants import access


def structure_menu(user, structure):
    yield MenuEntry(_("Plan d'actions"), structure_url(structure, "plans:index"), order=30)


def structure_todos(user, structure):
    """Late actions (the plan page's count), for everyone of the structure: readers see
    what their team has to catch up on."""
    if not access.can_view_structure(user, structure):
        return
    n = selectors.late_count()
    if n:
        yield Todo(
            ngettext("%(n)s action en retard", "%(n)s actions en retard", n) % {"n": n},
            structure_url(structure, "plans:index") + "?en_retard=1",
            count=n,
            kind="late",
            group=_("Plan d'actions"),
        )
