"""Drill-down from the dashboard to a structure: the structure's line links here, which
opens the structure's own pages (its self-diagnosis, criteria, reviews) for those who may
see them — the pilot of its territory, the federation admin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect

from core.routing import structure_url
from tenants import access


@login_required
def structure(request, pk: int):
    target = access.structures_visible_to(request.user).filter(pk=pk).first()
    if target is None:
        raise Http404
    return redirect(structure_url(target, "diagnostics:list"))
