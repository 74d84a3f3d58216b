"""Menu entry of the frames (see core.hooks)."""

from django.utils.translation import gettext as _

from core.hooks import MenuEntry
from core.routing import network_url
from tenants import access


def network_menu(user):
    if access.can_browse_referentiels(user):
        yield MenuEntry(_("Référentiels"), network_url("referentiels:list"), order=30)
