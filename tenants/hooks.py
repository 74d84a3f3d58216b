"""The network's menu entries (see platform.hooks)."""

from django.utils.translation import gettext as _

from tenants import access

from platform.hooks import MenuEntry
from platform.routing import network_url, structure_url


def network_menu(user):
    yield MenuEntry(_("Accueil"), network_url("home"), order=0)
    yield MenuEntry(_("Mes structures"), network_url("mes-structures"), order=10)
    if access.is_federation_admin(user):
        yield MenuEntry(_("Administration"), network_url("admin:index"), order=900)


def structure_menu(user, structure):
    yield MenuEntry(_("Tableau de bord"), structure_url(structure, "structure-home"), order=0)
