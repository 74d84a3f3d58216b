"""One action's page: everything about it, its edit form (directors, référents, experts)
and its history."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accompagnement.plans import selectors, services, workflow
from accompagnement.plans.forms import ActionForm
from accompagnement.plans.models import Action
from core.errors import BusinessError
from tenants import access


@require_http_methods(["GET", "POST"])
def action_detail(request, pk: int):
    structure = request.tenant
    try:
        action, history = selectors.action_with_history(pk)
    except Action.DoesNotExist:
        raise Http404 from None
    can_edit = access.can_edit_plan(request.user, structure)
    form = None
    if can_edit:
        form = ActionForm(
            request.POST or None,
            initial=ActionForm.initial_of(action),
            owners=selectors.owner_choices(structure),
            criteria=selectors.criteria_choices(),
        )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            criteres = list(data.pop("criteres"))
            try:
                services.update_action(
                    structure=structure, user=request.user, action=action, criteres=criteres, **data
                )
            except BusinessError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Action enregistrée."))
                return redirect("plans:action", pk=action.pk)
    return render(
        request,
        "plans/action.html",
        {
            "action": action,
            "history": history,
            "form": form,
            "can_edit": can_edit,
            "targets": workflow.allowed_targets(action, request.user, structure)
            if can_edit
            else [],
        },
    )
