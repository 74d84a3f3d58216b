"""Menu entry of the registers in a structure's menu."""

from django.utils.translation import gettext as _

from core.hooks import MenuEntry
from core.routing import structure_url


def structure_menu(user, structure):
    yield MenuEntry(_("Registres qualité"), structure_url(structure, "registres:index"), order=60)
