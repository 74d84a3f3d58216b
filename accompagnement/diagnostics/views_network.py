"""Network-level page of the self-diagnosis: the expert's confirmation queue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from accompagnement.diagnostics import selectors
from tenants import access


@login_required
def expert_queue(request):
    """Submitted self-diagnoses of the structures the expert reviews (404 for non-experts)."""
    if not access.is_expert(request.user):
        raise Http404
    return render(
        request, "diagnostics/queue.html", {"entries": selectors.expert_queue(request.user)}
    )
