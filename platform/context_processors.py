"""Navigation by role, shared by every page (entries come from each app's hooks)."""

from __future__ import annotations

from django.db import connection

from core import hooks
from tenants import access


def _mark_active(entries, path: str) -> list[dict]:
    return [
        {
            "label": e.label,
            "url": e.url,
            "active": path == e.url or (e.url not in ("/",) and path.startswith(e.url)),
        }
        for e in entries
    ]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    structure = getattr(request, "tenant", None)
    if structure is not None and (
        connection.schema_name == "public" or not access.can_view_structure(user, structure)
    ):
        structure = None  # e.g. the 404 page of a structure one may not see shows nothing of it
    context = {
        "nav_items": _mark_active(hooks.network_menu(user), request.path),
        "current_structure": structure,
        "network_roles": access.network_roles(user),
    }
    if structure is not None:
        context["structure_roles"] = access.roles_in_structure(user, structure)
        context["structure_nav_items"] = _mark_active(
            hooks.structure_menu(user, structure), request.path
        )
    return context
