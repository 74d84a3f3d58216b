"""The expert's confirmation queue across the structures they follow (read from the public
index of self-diagnoses kept by ``suivi``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accompagnement.reporting import suivi
from tenants import access


@login_required
def expert_queue(request):
    """Submitted self-diagnoses of the structures the expert reviews (404 for non-experts)."""
    if not access.is_expert(request.user):
        raise Http404
    return render(request, "diagnostics/queue.html", {"entries": suivi.expert_queue(request.user)})
