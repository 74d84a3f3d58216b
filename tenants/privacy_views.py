"""The privacy notice (anyone, signed in or not) and the processing register."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from tenants import access, privacy


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
