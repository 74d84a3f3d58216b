"""Menu entry and to-dos of the structure's semi-annual review."""

from django.utils.translation import gettext as _

from accompagnement.bilans import selectors
from core.hooks import MenuEntry, Todo
from core.routing import structure_url
from tenants import access


def structure_menu(user, structure):
    yield MenuEntry(_("Bilans semestriels"), structure_url(structure, "bilans:index"), order=70)


def structure_todos(user, structure):
    if not access.can_edit_bilan_structure(user, structure):
        return
    submitted = set(
        selectors.bilans_of_structure()
        .filter(statut="soumis")
        .values_list("campagne_id", flat=True)
    )
    pending = selectors.campagnes_for_structure(structure).exclude(pk__in=submitted).count()
    if pending:
        yield Todo(
            _("%(n)s bilan(s) semestriel(s) à remettre") % {"n": pending},
            structure_url(structure, "bilans:index"),
            count=pending,
            kind="warning",
            group=_("Bilans semestriels"),
        )
