"""Navigation by role, shared by every page (entries come from each app's hooks)."""

from __future__ import annotations

from django.db import connection

from core import hooks
from tenants import access


def _mark_active(entries, path: str) -> list[dict]:
    """Links, and one menu per group (placed where its first entry is), each marked active
    when the page is theirs."""
    items: list[dict] = []
    groups: dict[str, dict] = {}
    for entry in entries:
        link = {
            "label": entry.label,
            "url": entry.url,
            "active": path == entry.url or (entry.url != "/" and path.startswith(entry.url)),
        }
        if not entry.group:
            items.append(link)
            continue
        if entry.group not in groups:
            groups[entry.group] = {"label": entry.group, "entries": [], "active": False}
            items.append(groups[entry.group])
        groups[entry.group]["entries"].append(link)
        groups[entry.group]["active"] |= link["active"]
    return items


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
