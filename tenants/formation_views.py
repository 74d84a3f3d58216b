"""``/reseau/formations/``: the trainings of experts and awareness sessions for pilots
recorded so far (paginated), and the form recording one with who attended. Federation
admin only (others: 403); rules and writes in ``tenants.formations``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import BusinessError
from core.pagination import paginate
from tenants import access, formations
from tenants.forms import EvenementFormationForm


@login_required
@require_http_methods(["GET", "POST"])
def evenement_list(request):
    user = request.user
    if not access.can_manage_network(user):
        raise PermissionDenied
    form = EvenementFormationForm(
        request.POST or None,
        experts=formations.experts().order_by("last_name", "first_name", "email"),
        pilotes=formations.pilotes().order_by("last_name", "first_name", "email"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evenement = formations.record_evenement(
                user=user,
                type=data["type"],
                intitule=data["intitule"],
                date=data["date"],
                territoire=data["territoire"],
                participants=[*data["experts"], *data["pilotes"]],
            )
        except BusinessError as error:
            field = form.wrong_kind_field() if error.field == "participants" else error.field
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("« %(intitule)s » enregistré (%(n)d participant(s)).")
                % {"intitule": evenement.intitule, "n": evenement.participants.count()},
            )
            return redirect("organisation:formations")
    page = paginate(
        request, formations.evenements_visible_to(user).order_by("-date", "-pk"), per_page=20
    )
    return render(
        request, "tenants/formation_list.html", {"form": form, "evenements": page, "page_obj": page}
    )
