"""The privacy notice (anyone, signed in or not), the processing register, and the
requests to export or erase a structure's data (director asks, federation decides)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import BusinessError
from core.routing import network_url, structure_url
from tenants import access, privacy, privacy_services
from tenants.models import DemandeDonnees


def privacy_notice(request):
    return render(
        request,
        "tenants/privacy/notice.html",
        {
            "reclamations": privacy.retention_text("reclamations"),
            "evenements": privacy.retention_text("evenements"),
            "dpo_email": settings.DPO_EMAIL,
        },
    )


@login_required
def processing_register(request):
    if not access.can_view_processing_register(request.user):
        raise PermissionDenied
    return render(
        request,
        "tenants/privacy/register.html",
        {"traitements": privacy.processing_activities(), "dpo_email": settings.DPO_EMAIL},
    )


# --- Requests to export or erase a structure's data ---------------------------------------


@require_http_methods(["GET", "POST"])
def structure_data_requests(request):
    """The structure's page: its requests, and the director's form to ask for one."""
    structure = request.tenant
    can_request = access.can_request_data_operation(request.user, structure)
    errors: list[str] = []
    if request.method == "POST":
        if not can_request:
            raise PermissionDenied
        try:
            privacy_services.request_data_operation(
                structure=structure,
                user=request.user,
                type=request.POST.get("type", ""),
                motif=request.POST.get("motif", ""),
            )
        except BusinessError as error:
            errors = [item["message"] for item in error.errors]
        else:
            messages.success(request, _("Demande envoyée à la fédération."))
            return redirect(structure_url(structure, "data-requests"))
    return render(
        request,
        "tenants/privacy/structure_requests.html",
        {
            "demandes": privacy.requests_of(structure),
            "can_request": can_request,
            "types": DemandeDonnees.Type.choices,
            "errors": errors,
            "posted": request.POST,
        },
        status=400 if errors else 200,
    )


def structure_data_archive(request, pk: int):
    structure = request.tenant
    demande = privacy.requests_of(structure).filter(pk=pk).first()
    if demande is None:
        raise Http404
    if not (
        access.can_request_data_operation(request.user, structure)
        or access.can_decide_data_request(request.user)
    ):
        raise PermissionDenied
    path = privacy.archive_path(demande)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@login_required
@require_http_methods(["GET", "POST"])
def data_requests(request):
    """The federation admin's queue: approve (the operation runs) or refuse (with a reason)."""
    if not access.can_decide_data_request(request.user):
        raise PermissionDenied
    if request.method == "POST":
        demande = privacy.pending_requests().filter(pk=request.POST.get("demande")).first()
        if demande is None:
            raise Http404
        try:
            privacy_services.decide_data_request(
                demande=demande,
                user=request.user,
                approve=request.POST.get("decision") == "approve",
                commentaire=request.POST.get("commentaire", ""),
            )
        except BusinessError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Décision enregistrée."))
        return redirect(network_url("data-requests"))
    return render(
        request,
        "tenants/privacy/network_requests.html",
        {"pending": privacy.pending_requests(), "recent": privacy.recent_decisions()},
    )
