"""Collective work in the network menu; the expert's deliverables to review in the to-dos."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.groupes.selectors import review_queue
from core.hooks import MenuEntry, Todo
from core.routing import network_url
from tenants import access


def network_menu(user):
    if access.sees_some_groupe(user):
        yield MenuEntry(_("Groupes de travail"), network_url("groupes:list"), order=40)
    if access.is_expert(user):
        yield MenuEntry(_("Livrables à valider"), network_url("groupes:revue"), order=45)
    if access.can_manage_types_livrable(user):
        yield MenuEntry(
            _("Types de livrables"), network_url("groupes:types"), order=90, group=_("Réseau")
        )


def todos_for(user):
    if not access.is_expert(user):
        return
    n = review_queue(user).count()
    if n:
        yield Todo(
            ngettext("%(n)s livrable à valider", "%(n)s livrables à valider", n) % {"n": n},
            network_url("groupes:revue"),
            count=n,
            kind="warning",
            group=_("Livrables"),
        )
