"""The structure's review as a PDF laid out like the federation's paper form (WeasyPrint):
built here once, for the page's download and for the API (token)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from accompagnement.bilans import selectors
from accompagnement.bilans.models import BENEFICES, BilanStructure
from accompagnement.reporting.selectors import structure_benchmark

CONTENT_TYPE = "application/pdf"


def review_context(structure: Any, bilan: BilanStructure) -> dict[str, Any]:
    """What the review's page and PDF show: its figures (frozen once submitted), the
    anonymised comparison and the qualitative benefits."""
    frozen = selectors.snapshot_figures(structure, bilan) if bilan.is_submitted else None
    figures = frozen or selectors.review_figures(structure, bilan.campagne)
    return {
        "bilan": bilan,
        "structure": structure,
        "figures": figures,
        "annees": sorted(figures["annees"].items()),
        "comparaison": structure_benchmark(structure=structure, campagne=bilan.campagne),
        "benefices": [(label, getattr(bilan, name)) for name, label in BENEFICES],
    }


def review_pdf(structure: Any, bilan: BilanStructure) -> tuple[bytes, str]:
    """The review's PDF and its file name."""
    from weasyprint import HTML

    html = render_to_string("bilans/pdf.html", review_context(structure, bilan))
    return HTML(string=html).write_pdf(), f"bilan-{structure.slug}-{bilan.campagne_id}.pdf"
