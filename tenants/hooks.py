"""The network's menu entries, and the to-dos of the structures a person works in on the
network home page (see core.hooks)."""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tenants.utils import tenant_context

from core import hooks
from core.hooks import MenuEntry
from core.routing import network_url, structure_url
from tenants import access, privacy, selectors


def _admin_group() -> str:
    """The navigation menu gathering the administration pages (translated per request)."""
    return _("Administration")


def network_menu(user):
    yield MenuEntry(_("Accueil"), network_url("home"), order=0)
    yield MenuEntry(_("Mes structures"), network_url("mes-structures"), order=10)
    if access.is_federation_admin(user) or access.is_pilote(user):
        yield MenuEntry(
            _("Structures"), network_url("organisation:structures"), order=700, group=_("Réseau")
        )
        yield MenuEntry(
            _("Territoires"), network_url("organisation:territoires"), order=710, group=_("Réseau")
        )
    if access.can_invite_someone(user):
        yield MenuEntry(
            _("Invitations"), network_url("organisation:invitations"), order=720, group=_("Réseau")
        )
    if access.can_manage_network(user):
        yield MenuEntry(
            _("Formations"), network_url("organisation:formations"), order=730, group=_("Réseau")
        )
    if access.can_view_audit_log(user):
        yield MenuEntry(
            _("Journal d'audit"),
            network_url("organisation:audit-log"),
            order=890,
            group=_admin_group(),
        )
        yield MenuEntry(
            _("Console d'administration"),
            network_url("admin:index"),
            order=900,
            group=_admin_group(),
        )
    if access.is_federation_admin(user):
        yield MenuEntry(
            _("Messages en échec"),
            network_url("organisation:dead-messages"),
            order=895,
            group=_admin_group(),
        )
    if access.can_view_processing_register(user):
        yield MenuEntry(
            _("Registre des traitements"),
            network_url("processing-register"),
            order=897,
            group=_admin_group(),
        )
    if access.can_decide_data_request(user):
        yield MenuEntry(
            _("Demandes RGPD"), network_url("data-requests"), order=898, group=_admin_group()
        )
    yield MenuEntry(_("Mon profil"), network_url("profile"), order=950)


def structure_menu(user, structure):
    yield MenuEntry(_("Tableau de bord"), structure_url(structure, "structure-home"), order=0)
    if access.can_request_data_operation(user, structure) or access.can_decide_data_request(user):
        yield MenuEntry(_("Données"), structure_url(structure, "data-requests"), order=980)


def todos_for(user):
    """Every structure's to-dos (``structure_todos`` of each app, read in the structure's
    schema), for the structures where the person works, headed by the structure's name.
    Experts and pilots get their own queues from the apps' ``todos_for``."""
    if access.can_decide_data_request(user):
        pending = privacy.pending_requests().count()
        if pending:
            yield hooks.Todo(
                label=ngettext(
                    "%(n)d demande sur les données à traiter",
                    "%(n)d demandes sur les données à traiter",
                    pending,
                )
                % {"n": pending},
                url=network_url("data-requests"),
                count=pending,
                kind="warning",
                group=_("Données personnelles"),
            )
    for structure in selectors.structures_worked_in(user):
        with tenant_context(structure):
            for todo in hooks.structure_todos(user, structure):
                yield dataclasses.replace(todo, group=f"{structure.nom} · {todo.group}")
