"""A campaign's page: who has submitted, who is late, the reminders and "relancer"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accompagnement.reporting import relances, selectors
from core.errors import BusinessError
from core.routing import network_url
from tenants import access
from tenants.models import Territoire


def _scope(request, pk: int) -> selectors.Scope:
    """The campaign within the person's consolidation scope (their territory for a pilot;
    a territory chosen with ?territoire=, or the network, for the federation admin)."""
    if not access.can_read_consolidation(request.user):
        raise Http404
    campagne = get_object_or_404(selectors.campagnes_visible_to(request.user), pk=pk)
    territoire = None
    wanted = request.GET.get("territoire") or request.POST.get("territoire")
    if campagne.territoire_id:
        territoire = campagne.territoire
    elif wanted:
        territoire = get_object_or_404(Territoire, pk=wanted if str(wanted).isdigit() else 0)
    elif not access.is_federation_admin(request.user):
        territoire = access.territoires_consolidated_for(request.user).order_by("nom").first()
    if not access.can_view_consolidation(request.user, territoire):
        raise Http404
    return selectors.Scope(campagne=campagne, territoire=territoire)


@login_required
@require_http_methods(["GET", "POST"])
def campagne_detail(request, pk: int):
    scope = _scope(request, pk)
    url = network_url("reporting:campagne", pk)
    if scope.territoire is not None and not scope.campagne.territoire_id:
        url += f"?territoire={scope.territoire.pk}"
    if request.method == "POST":
        try:
            sent = relances.remind_now(
                campagne=scope.campagne, territoire=scope.territoire, user=request.user
            )
        except BusinessError as error:
            if error.status == 403:
                raise Http404 from error
            messages.error(request, error.message)
        else:
            if sent:
                messages.success(
                    request,
                    ngettext("%(n)s relance envoyée.", "%(n)s relances envoyées.", sent)
                    % {"n": sent},
                )
            else:
                messages.info(
                    request,
                    _(
                        "Aucune relance de plus : chaque structure en attente a déjà été relancée aujourd'hui."
                    ),
                )
        return redirect(url)
    lines = relances.situation(scope)
    return render(
        request,
        "reporting/campagne.html",
        {
            "scope": scope,
            "submitted": [line for line in lines if line.soumis_le],
            "pending": [line for line in lines if not line.soumis_le],
            "history": relances.history(scope),
            "territoires": access.territoires_consolidated_for(request.user).order_by("nom")
            if not scope.campagne.territoire_id
            else [],
        },
    )
