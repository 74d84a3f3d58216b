"""The expert's bulk step of the confirmation: confirm every criterion left as declared."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accompagnement.diagnostics import selectors, services
from accompagnement.diagnostics.models import Autodiagnostic
from core.errors import BusinessError
from core.routing import structure_url
from tenants import access


@login_required
@require_POST
def confirm_remaining(request, pk: int):
    """Confirm, as declared, every answered criterion the expert has not confirmed yet
    (``services.confirm_criteria`` with ``rest_as_declared``: all or nothing)."""
    structure = request.tenant
    if not access.can_confirm_autodiagnostic(request.user, structure):
        raise Http404
    try:
        autodiagnostic = selectors.autodiagnostic_by_id(pk)
    except Autodiagnostic.DoesNotExist:
        raise Http404 from None
    try:
        confirmed = services.confirm_criteria(
            autodiagnostic=autodiagnostic,
            expert=request.user,
            confirmations=[],
            rest_as_declared=True,
        )
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        n = len(confirmed)
        messages.success(
            request,
            ngettext(
                "%(n)s critère confirmé tel que déclaré.",
                "%(n)s critères confirmés tels que déclarés.",
                n,
            )
            % {"n": n},
        )
    return redirect(structure_url(structure, "diagnostics:confirmation", pk))
