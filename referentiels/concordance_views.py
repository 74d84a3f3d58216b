"""Pages of the crosswalk: a criterion's references (edited by the federation admin on the
criterion page) and the whole table of a version, with the form to add a reference."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import BusinessError
from referentiels import concordance, selectors
from referentiels.models import ReferenceExterne
from tenants import access


def grouped_references(references) -> list[tuple[str, list[ReferenceExterne]]]:
    """[(system label, references)] in the table's order, for checkboxes and lists."""
    return [
        (items[0].get_systeme_display(), items)
        for _code, group in groupby(references, key=lambda r: r.systeme)
        if (items := list(group))
    ]


@login_required
@require_POST
def edit_critere_concordance(request, pk: int, code: str):
    version = selectors.version_for(request.user, pk)
    critere = selectors.critere_detail(version, code)
    chosen = ReferenceExterne.objects.filter(pk__in=request.POST.getlist("references"))
    try:
        concordance.set_concordances(user=request.user, critere=critere, references=chosen)
    except BusinessError as error:
        raise PermissionDenied from error
    messages.success(request, _("Table de concordance enregistrée."))
    return redirect("referentiels:critere", version.pk, critere.code)


@login_required
@require_http_methods(["GET", "POST"])
def version_concordance(request, pk: int):
    version = selectors.version_for(request.user, pk)
    can_edit = access.can_manage_referentiels(request.user)
    errors: list[str] = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            concordance.save_reference(
                user=request.user,
                systeme=request.POST.get("systeme", ""),
                code=request.POST.get("code", ""),
                chapitre=request.POST.get("chapitre", ""),
                libelle=request.POST.get("libelle", ""),
            )
        except BusinessError as error:
            errors = [item["message"] for item in error.errors]
        else:
            messages.success(request, _("Référence enregistrée."))
            return redirect("referentiels:concordance", version.pk)
    by_critere = concordance.references_by_critere(version)
    rows = [
        (critere, by_critere.get(critere.pk, []))
        for critere in version.criteres.select_related("theme").order_by("ordre", "pk")
    ]
    return render(
        request,
        "referentiels/concordance.html",
        {
            "version": version,
            "rows": rows,
            "can_edit": can_edit,
            "systemes": ReferenceExterne.Systeme.choices,
            "errors": errors,
            "posted": request.POST,
            "unmapped": sum(1 for _critere, refs in rows if not refs),
        },
        status=400 if errors else 200,
    )
