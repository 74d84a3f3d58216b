"""The UT review as a PDF, laid out like the structure review's (``reporting.pdf``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404

from accompagnement.reporting import pdf as reporting_pdf
from accompagnement.reporting import selectors
from core.downloads import content_download


@login_required
def pdf(request, pk: int):
    bilan = get_object_or_404(selectors.bilans_territoire_visible_to(request.user), pk=pk)
    content, filename = reporting_pdf.bilan_territoire_pdf(bilan)
    return content_download(content, filename, reporting_pdf.CONTENT_TYPE)
