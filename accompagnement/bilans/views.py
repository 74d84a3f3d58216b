"""The structure's review pages: campaigns, the pre-filled form, submission, PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accompagnement.bilans import pdf as pdf_builder
from accompagnement.bilans import selectors, services
from accompagnement.bilans.forms import BilanStructureForm
from accompagnement.reporting.labels import indicator_label
from core.downloads import content_download
from core.errors import BusinessError
from core.pagination import paginate
from core.routing import structure_url
from tenants import access


def index(request):
    structure = request.tenant
    page = paginate(request, selectors.campagnes_for_structure(structure), per_page=20)
    bilans = {
        bilan.campagne_id: bilan
        for bilan in selectors.bilans_of_structure().filter(campagne__in=list(page))
    }
    return render(
        request,
        "bilans/index.html",
        {
            "campagnes": [(campagne, bilans.get(campagne.pk)) for campagne in page],
            "page_obj": page,
            "can_edit": access.can_edit_bilan_structure(request.user, structure),
        },
    )


@require_POST
def ouvrir(request, campagne_id: int):
    campagne = get_object_or_404(selectors.campagnes_for_structure(request.tenant), pk=campagne_id)
    try:
        bilan = services.open_bilan(structure=request.tenant, campagne=campagne, user=request.user)
    except BusinessError as error:
        if error.status == 403:
            raise PermissionDenied from None
        raise
    return redirect(structure_url(request.tenant, "bilans:detail", bilan.pk))


def _comparison_chart(comparaison: dict | None) -> dict | None:
    """The anonymised comparison as a bar chart (charts.js spec), per indicator: the
    structure, the territory's median and the network's, in %; ``None`` when nothing is
    known (no empty chart)."""
    if not comparaison:
        return None
    rows = comparaison["indicateurs"]
    series = [
        ("structure", _("Votre structure (%)")),
        ("mediane_territoire", _("Médiane du territoire (%)")),
        ("mediane_reseau", _("Médiane du réseau (%)")),
    ]
    colors = {"structure": "structure", "mediane_territoire": "territoire"}
    datasets = [
        {
            "label": label,
            "data": [None if r[key] is None else round(r[key] * 100, 1) for r in rows],
            "color": colors.get(key, "reseau"),
        }
        for key, label in series
    ]
    if all(value is None for dataset in datasets for value in dataset["data"]):
        return None
    return {
        "type": "bar",
        "labels": [indicator_label(r["code"]) for r in rows],
        "datasets": datasets,
    }


def _context(request, bilan) -> dict:
    context = pdf_builder.review_context(request.tenant, bilan)
    return {**context, "comparaison_chart": _comparison_chart(context["comparaison"])}


def _bilan(request, pk: int):
    return get_object_or_404(selectors.bilans_of_structure(), pk=pk)


@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    bilan = _bilan(request, pk)
    structure = request.tenant
    editable = not bilan.is_submitted and access.can_edit_bilan_structure(request.user, structure)
    form = BilanStructureForm(request.POST or None, instance=bilan) if editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.update_bilan(
                    structure=structure, bilan=bilan, user=request.user, data=form.cleaned_data
                )
                if "soumettre" in request.POST:
                    services.submit_bilan(structure=structure, bilan=bilan, user=request.user)
                    messages.success(
                        request, _("Bilan soumis : il est transmis au pilote et figé.")
                    )
                else:
                    messages.success(request, _("Bilan enregistré."))
            except BusinessError as error:
                form.add_error(None, error.message)
            else:
                return redirect(structure_url(structure, "bilans:detail", bilan.pk))
    return render(
        request,
        "bilans/detail.html",
        {
            **_context(request, bilan),
            "form": form,
            "can_submit": editable and access.can_submit_bilan_structure(request.user, structure),
        },
    )


def pdf(request, pk: int):
    """The review laid out like the federation's paper form (``bilans.pdf``)."""
    content, filename = pdf_builder.review_pdf(request.tenant, _bilan(request, pk))
    return content_download(content, filename, pdf_builder.CONTENT_TYPE)
