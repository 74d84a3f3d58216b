"""Network-level pages: home (to-dos), "Mes structures", and a structure's home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core import hooks
from tenants import access, selectors


@login_required
def home(request):
    roles = access.network_roles(request.user)
    return render(
        request,
        "tenants/home.html",
        {
            "todos": hooks.todos_for(request.user),
            "role_labels": [
                access.ROLE_LABELS[r] for r in sorted(roles) if r in access.ROLE_LABELS
            ],
            # Names and territories only: their groups (the full list's) are not read.
            "structures": selectors.structures_for_person(request.user).prefetch_related(None)[:10],
        },
    )


@login_required
def mes_structures(request):
    return render(
        request,
        "tenants/mes_structures.html",
        {"structures": selectors.structures_for_person(request.user)},
    )


def structure_home(request):
    """A structure's dashboard (access already checked by StructureAccessMiddleware)."""
    structure = request.tenant
    roles = access.roles_in_structure(request.user, structure)
    kpis, charts = hooks.structure_dashboard(request.user, structure)
    return render(
        request,
        "tenants/structure_home.html",
        {
            "structure": structure,
            "kpis": kpis,
            "charts": charts,
            "todos": hooks.structure_todos(request.user, structure),
            "role_labels": [
                access.ROLE_LABELS[r] for r in sorted(roles.roles) if r in access.ROLE_LABELS
            ],
        },
    )
