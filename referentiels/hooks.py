"""Menu entry of the frames (see platform.hooks)."""

from django.utils.translation import gettext as _

from tenants import access

from platform.hooks import MenuEntry
from platform.routing import network_url


def network_menu(user):
    if access.can_browse_referentiels(user):
        yield MenuEntry(_("Référentiels"), network_url("referentiels:list"), order=30)
