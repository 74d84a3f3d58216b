"""The UT review as a PDF, laid out like the structure review's (WeasyPrint)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from accompagnement.reporting import selectors
from accompagnement.reporting.services import TERRITOIRE_TEXT_FIELDS
from core.downloads import content_download


@login_required
def pdf(request, pk: int):
    from weasyprint import HTML

    bilan = get_object_or_404(selectors.bilans_territoire_visible_to(request.user), pk=pk)
    fields = [
        (bilan._meta.get_field(name).verbose_name, getattr(bilan, name))
        for name in TERRITOIRE_TEXT_FIELDS
    ]
    html = render_to_string(
        "reporting/bilan_territoire_pdf.html",
        {"bilan": bilan, "bilan_fields": fields},
        request=request,
    )
    return content_download(
        HTML(string=html).write_pdf(),
        f"bilan-{bilan.territoire.code}-{bilan.campagne_id}.pdf",
        "application/pdf",
    )
