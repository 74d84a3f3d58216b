"""Menu entry of the registers in a structure's menu; complaints on its dashboard."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.registres import selectors
from core.figures import signed
from core.hooks import Kpi, MenuEntry
from core.routing import structure_url
from tenants import access


def structure_menu(user, structure):
    yield MenuEntry(_("Registres qualité"), structure_url(structure, "registres:index"), order=60)


def structure_dashboard(user, structure):
    """KPI card: complaints received this year, against the same period of last year."""
    if not access.can_view_structure(user, structure):
        return
    today = timezone.localdate()
    this_year, last_year = selectors.complaints_year_to_date(today)
    change = this_year - last_year
    yield Kpi(
        _("Réclamations %(annee)s") % {"annee": today.year},
        str(this_year),
        ngettext(
            "%(change)s par rapport à %(annee)s à la même date (%(n)s réclamation)",
            "%(change)s par rapport à %(annee)s à la même date (%(n)s réclamations)",
            last_year,
        )
        % {"change": signed(change), "annee": today.year - 1, "n": last_year},
        # Fewer complaints is good news; more is not.
        None if change == 0 else change < 0,
        order=50,
    )
