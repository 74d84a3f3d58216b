"""Network menu entries and to-dos of reporting (campaigns, dashboards, UT reviews)."""

from django.utils.translation import gettext as _

from accompagnement.reporting import selectors
from core.hooks import MenuEntry, Todo
from core.routing import network_url
from tenants import access


def network_menu(user):
    consolidating = access.can_read_consolidation(user)
    if consolidating:
        yield MenuEntry(_("Indicateurs"), network_url("reporting:tableau-de-bord"), order=50)
        yield MenuEntry(_("Bilans semestriels"), network_url("reporting:campagnes"), order=55)


def todos_for(user):
    drafts = selectors.bilans_territoire_visible_to(user).filter(statut="brouillon").count()
    if drafts:
        yield Todo(
            _("%(n)s bilan(s) de territoire à soumettre") % {"n": drafts},
            network_url("reporting:campagnes"),
            count=drafts,
            kind="warning",
            group=_("Bilans semestriels"),
        )
