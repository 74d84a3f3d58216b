""" "Proposer des actions": a review step where the person sets each action's title, owner,
deadline and dimension before the actions are created from the confirmed
non-conformities."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accompagnement.diagnostics import selectors, services
from accompagnement.diagnostics.models import Autodiagnostic
from accompagnement.plans import selectors as plan_selectors
from accompagnement.plans.models import Action
from core.errors import BusinessError
from core.routing import structure_url
from tenants import access

DEFAULT_DELAY = datetime.timedelta(days=90)


def _rows(request, reponses, owners) -> tuple[list[dict], dict[int, dict], list[str]]:
    """The rows as shown (with the person's input on POST), the choices for the service,
    and the errors (French, by criterion)."""
    default_deadline = timezone.localdate() + DEFAULT_DELAY
    rows, choices, errors = [], {}, []
    owner_ids = {str(u.pk): u for u in owners}
    for reponse in reponses:
        critere = reponse.critere
        key = str(critere.pk)
        row = {
            "reponse": reponse,
            "key": key,
            "inclure": True,
            "titre": f"{critere.code} — {critere.titre}"[:255],
            "responsable": "",
            "echeance": default_deadline.isoformat(),
            "dimension": Action.Dimension.TECHNIQUE,
        }
        if request.method == "POST":
            post = request.POST
            row.update(
                inclure=post.get(f"inclure-{key}") == "1",
                titre=post.get(f"titre-{key}", "").strip(),
                responsable=post.get(f"responsable-{key}", ""),
                echeance=post.get(f"echeance-{key}", ""),
                dimension=post.get(f"dimension-{key}", ""),
            )
            if row["inclure"]:
                problems = []
                if not row["titre"]:
                    problems.append(_("le titre est obligatoire"))
                if row["responsable"] and row["responsable"] not in owner_ids:
                    problems.append(_("choisissez un responsable de la structure"))
                deadline = parse_date(row["echeance"]) if row["echeance"] else None
                if row["echeance"] and deadline is None:
                    problems.append(_("la date d'échéance n'est pas valide"))
                if row["dimension"] not in Action.Dimension.values:
                    problems.append(_("choisissez une dimension"))
                if problems:
                    errors.append(
                        _("Critère %(code)s : %(problemes)s.")
                        % {"code": critere.code, "problemes": ", ".join(problems)}
                    )
                else:
                    choices[critere.pk] = {
                        "titre": row["titre"],
                        "responsable": owner_ids.get(row["responsable"]),
                        "echeance": deadline,
                        "dimension": row["dimension"],
                    }
        rows.append(row)
    return rows, choices, errors


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    structure = request.tenant
    if not access.can_propose_actions(request.user, structure):
        raise Http404
    try:
        autodiagnostic = selectors.autodiagnostic_by_id(pk)
    except Autodiagnostic.DoesNotExist:
        raise Http404 from None
    owners = list(plan_selectors.owner_choices(structure))
    rows, choices, errors = _rows(
        request, selectors.nonconformities_without_action(autodiagnostic), owners
    )
    if request.method == "POST" and not errors:
        if not choices:
            errors.append(_("Cochez au moins une action à créer."))
        else:
            try:
                created = services.propose_actions_from_nonconformities(
                    structure=structure,
                    autodiagnostic=autodiagnostic,
                    user=request.user,
                    choices=choices,
                )
            except BusinessError as error:
                errors.append(error.message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s action ajoutée au plan d'actions.",
                        "%(n)s actions ajoutées au plan d'actions.",
                        len(created),
                    )
                    % {"n": len(created)},
                )
                return redirect(structure_url(structure, "plans:index"))
    return render(
        request,
        "diagnostics/propose_actions.html",
        {
            "autodiagnostic": autodiagnostic,
            "rows": rows,
            "owners": owners,
            "dimensions": Action.Dimension.choices,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
