"""Menu entry and to-dos of the quality-management tools in a structure."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.qualite import selectors
from core.hooks import MenuEntry, Todo
from core.routing import structure_url
from tenants import access


def structure_menu(user, structure):
    yield MenuEntry(_("Management qualité"), structure_url(structure, "qualite:index"), order=55)


def structure_todos(user, structure):
    """Documents whose review date has come, for those who manage them."""
    if not access.can_manage_qualite(user, structure):
        return
    due = selectors.documents_due(
        today=timezone.localdate(), within_days=settings.DOCUMENT_REVISION_RAPPEL_JOURS
    ).count()
    if due:
        yield Todo(
            label=ngettext(
                "%(n)d document qualité à réviser", "%(n)d documents qualité à réviser", due
            )
            % {"n": due},
            url=structure_url(structure, "qualite:documents"),
            count=due,
            kind="warning",
            group=_("Management qualité"),
        )
