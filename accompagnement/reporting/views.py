"""Network pages of reporting: campaigns, pilot and federation dashboards (with drill-down
and evolution), territorial review, XLSX export. Every figure comes from the snapshot
store through ``selectors``; access through ``tenants.access``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accompagnement.reporting import exports, selectors, services
from accompagnement.reporting.forms import BilanTerritoireForm, CampagneForm
from accompagnement.reporting.kpis import dashboard_kpis
from accompagnement.reporting.pdf import bilan_territoire_fields
from core.downloads import content_download
from core.errors import BusinessError
from core.pagination import paginate
from core.routing import network_url
from tenants import access


def _form_errors(form, error: BusinessError) -> None:
    for item in error.errors:
        form.add_error(
            item.get("field") if item.get("field") in form.fields else None, item["message"]
        )


@login_required
@require_http_methods(["GET", "POST"])
def campagnes(request):
    territoires = access.territoires_consolidated_for(request.user)
    can_open = access.is_federation_admin(request.user) or territoires.exists()
    form = CampagneForm(request.POST or None, territoires=territoires) if can_open else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.open_campagne(
                    user=request.user,
                    libelle=data["libelle"] or "",
                    semestre=data["semestre"],
                    annee=data["annee"],
                    echeance=data["echeance"],
                    territoire=data["territoire"],
                )
            except BusinessError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Campagne ouverte."))
                return redirect(network_url("reporting:campagnes"))
    return render(
        request,
        "reporting/campagnes.html",
        {
            "campagnes": paginate(
                request, selectors.campagnes_visible_to(request.user), per_page=20
            ),
            "form": form,
            "bilans": paginate(
                request, selectors.bilans_territoire_visible_to(request.user), param="page_bilans"
            ),
            "territoires": territoires,
        },
    )


def _scope_or_latest(request, **known) -> selectors.Scope | None:
    """The scope of the query string, the latest campaign by default. ``known``: the
    person's campaigns and territories when the page has already read them."""
    params = request.GET.copy()
    if not params.get("campagne"):
        campagnes = known.get("campagnes")
        latest = (
            selectors.campagnes_visible_to(request.user).first()
            if campagnes is None
            else next(iter(campagnes), None)
        )
        if latest is None:
            return None
        params["campagne"] = str(latest.pk)
    return selectors.resolve_scope(request.user, params, **known)


@login_required
def tableau_de_bord(request):
    """Pilot dashboard (a territory, a group) and federation dashboard (network), one page.

    Each thing is read once (issue 18: at most 15 queries, tests/pages/test_query_budget.py):
    the campaigns and territories of the selectors also resolve the scope; a group's
    structures' lines come from its rows."""
    if not (access.can_read_consolidation(request.user)):
        raise Http404
    campagnes = list(selectors.campagnes_visible_to(request.user))
    territoires = list(access.territoires_consolidated_for(request.user).order_by("nom"))
    scope = _scope_or_latest(request, campagnes=campagnes, territoires=territoires)
    if scope is None:
        return render(request, "reporting/tableau_de_bord.html", {"scope": None})
    data = selectors.consolidate(scope)
    # One row per structure is shown for a territory or a group, never for the network
    # (1,000 rows built and not rendered): the network view has the drill-down instead.
    rows = selectors.snapshot_rows(scope) if scope.territoire is not None else []
    detail = (
        selectors.structure_lines(rows) if scope.groupe is not None else selectors.drill_down(scope)
    )
    evolution = selectors.evolution(territoire=scope.territoire)
    kpis = dashboard_kpis(data, evolution)
    charts = {
        "themes": {
            "labels": [t["titre"] for t in data["themes"]],
            "declare": [_pct(t["declare"]) for t in data["themes"]],
            "confirme": [_pct(t["confirme"]) for t in data["themes"]],
        },
        "evolution": {
            "labels": [e["campagne"] for e in evolution],
            "declare": [_pct(e["taux_declare"]) for e in evolution],
            "confirme": [_pct(e["taux_confirme"]) for e in evolution],
        },
    }
    return render(
        request,
        "reporting/tableau_de_bord.html",
        {
            "scope": scope,
            "data": data,
            "rows": rows,
            "detail": detail,
            "evolution": evolution,
            "charts": charts,
            "campagnes": campagnes,
            "territoires": territoires,
            "kpi_sections": [
                ("realisation", _("Réalisation"), kpis["realisation"]),
                ("effectivite", _("Effectivité"), kpis["effectivite"]),
                ("impact", _("Impact"), kpis["impact"]),
            ],
            "is_network": scope.territoire is None,
        },
    )


def _pct(value):
    return None if value is None else round(value * 100, 1)


@login_required
def consolidation_xlsx(request):
    scope = _scope_or_latest(request)
    if scope is None:
        raise Http404
    return content_download(
        exports.consolidation_xlsx(selectors.consolidate(scope), selectors.snapshot_rows(scope)),
        f"consolidation-{scope.campagne.pk}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_POST
def bilan_territoire_ouvrir(request):
    territoire = get_object_or_404(
        access.territoires_consolidated_for(request.user), pk=request.POST.get("territoire")
    )
    campagne = get_object_or_404(
        selectors.campagnes_visible_to(request.user), pk=request.POST.get("campagne")
    )
    try:
        bilan = services.open_bilan_territoire(
            campagne=campagne, territoire=territoire, user=request.user
        )
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect(network_url("reporting:campagnes"))
    return redirect(network_url("reporting:bilan-territoire", bilan.pk))


@login_required
@require_http_methods(["GET", "POST"])
def bilan_territoire(request, pk: int):
    bilan = get_object_or_404(selectors.bilans_territoire_visible_to(request.user), pk=pk)
    editable = bilan.statut == "brouillon"
    form = BilanTerritoireForm(request.POST or None, instance=bilan) if editable else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.update_bilan_territoire(bilan=bilan, user=request.user, data=form.cleaned_data)
            if "soumettre" in request.POST:
                services.submit_bilan_territoire(bilan=bilan, user=request.user)
                messages.success(request, _("Bilan de territoire soumis."))
            else:
                messages.success(request, _("Bilan enregistré."))
        except BusinessError as error:
            _form_errors(form, error)
        else:
            return redirect(network_url("reporting:bilan-territoire", bilan.pk))
    return render(
        request,
        "reporting/bilan_territoire.html",
        {"bilan": bilan, "form": form, "bilan_fields": bilan_territoire_fields(bilan)},
    )
