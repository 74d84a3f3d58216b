"""The territorial (UT) review as a PDF, laid out like the structure review's (WeasyPrint):
built here once, for the page's download and for the API (token)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from accompagnement.reporting.models import BilanTerritoire
from accompagnement.reporting.services import TERRITOIRE_TEXT_FIELDS
from core.fields import field_label

CONTENT_TYPE = "application/pdf"


def bilan_territoire_fields(bilan: BilanTerritoire) -> list[tuple[str, Any]]:
    """The review's text fields as (label, value), for its page and its PDF."""
    return [(field_label(bilan, name), getattr(bilan, name)) for name in TERRITOIRE_TEXT_FIELDS]


def bilan_territoire_pdf(bilan: BilanTerritoire) -> tuple[bytes, str]:
    """The UT review's PDF and its file name."""
    from weasyprint import HTML

    html = render_to_string(
        "reporting/bilan_territoire_pdf.html",
        {"bilan": bilan, "bilan_fields": bilan_territoire_fields(bilan)},
    )
    filename = f"bilan-{bilan.territoire.code}-{bilan.campagne_id}.pdf"
    return HTML(string=html).write_pdf(), filename
