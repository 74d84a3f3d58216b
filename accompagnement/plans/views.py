"""The structure's action plan page: filters, late actions, completion rate, quality
policy, status changes (htmx), XLSX export and import."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompagnement.plans import selectors, services, workflow, xlsx
from accompagnement.plans.models import Action
from core import page_jobs
from core.downloads import content_download
from core.errors import BusinessError
from tenants import access
from tenants.models import User


def plan(request):
    structure = request.tenant
    filters = selectors.PlanFilters.from_params(request.GET)
    page = selectors.plan_page(filters)
    can_edit = access.can_edit_plan(request.user, structure)
    for action in page.actions:
        action.targets = (
            workflow.allowed_targets(action, request.user, structure) if can_edit else []
        )
    return render(
        request,
        "plans/plan.html",
        {
            "structure": structure,
            "page": page,
            "filters": filters,
            "can_edit": can_edit,
            "statuts": Action.Statut.choices,
            "dimensions": Action.Dimension.choices,
            "priorites": Action.Priorite.choices,
            "responsables": User.objects.filter(memberships__structure=structure).order_by(
                "last_name", "email"
            ),
            "import_errors": request.session.pop("plan_import_errors", None),
            "import_jeton": page_jobs.new_token() if can_edit else "",
            "history": [
                (job, reverse("plans:import-job", args=[job.pk]))
                for job in (page_jobs.history(xlsx.IMPORT_JOB, limit=5) if can_edit else [])
            ],
        },
    )


@require_POST
def action_create(request):
    structure = request.tenant
    try:
        services.create_action(
            structure=structure,
            user=request.user,
            titre=request.POST.get("titre", ""),
            description=request.POST.get("description", ""),
            dimension=request.POST.get("dimension") or Action.Dimension.TECHNIQUE,
            priorite=request.POST.get("priorite") or Action.Priorite.MOYENNE,
            echeance=parse_date(request.POST.get("echeance") or "") or None,
            origine=Action.Origine.EXPERT
            if access.can_act_as_expert(request.user, structure)
            else Action.Origine.AUTRE,
        )
        messages.success(request, _("Action ajoutée."))
    except BusinessError as error:
        if error.status == 403:
            raise Http404 from error
        messages.error(request, error.message)
    return redirect("plans:index")


@require_POST
def action_status(request, pk: int):
    structure = request.tenant
    action = get_object_or_404(Action, pk=pk)
    error_message = ""
    try:
        action = services.change_action_status(
            structure=structure,
            user=request.user,
            action=action,
            statut=request.POST.get("statut", ""),
            commentaire=request.POST.get("commentaire", ""),
        )
    except BusinessError as error:
        if error.status == 403:
            raise Http404 from error
        error_message = error.message
    if request.htmx:
        action = selectors.actions_filtered().get(pk=action.pk)
        today = timezone.localdate()
        action.en_retard = bool(  # type: ignore[attr-defined]  # shown by the template
            action.echeance and action.echeance < today and action.statut in selectors.OPEN
        )
        action.targets = workflow.allowed_targets(  # type: ignore[attr-defined]
            action, request.user, structure
        )
        return render(
            request,
            "plans/_action_row.html",
            {"action": action, "can_edit": True, "row_error": error_message},
            status=200,
        )
    if error_message:
        messages.error(request, error_message)
    return redirect("plans:index")


def export(request):
    content = xlsx.export_plan(
        selectors.actions_filtered(selectors.PlanFilters.from_params(request.GET))
    )
    return content_download(
        content,
        f"plan-actions-{request.tenant.slug}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_POST
def import_xlsx(request):
    """Check the file at once (errors back on the plan page), then import it as a durable
    job whose page shows the progress and the outcome."""
    fichier = request.FILES.get("fichier")
    try:
        if fichier is None:
            raise BusinessError("invalid", _("Choisissez un fichier XLSX."), field="fichier")
        job = xlsx.start_plan_import(
            structure=request.tenant,
            user=request.user,
            name=fichier.name,
            content=fichier.read(),
            token=request.POST.get("jeton"),
        )
    except BusinessError as error:
        if error.status == 403:
            raise Http404 from error
        request.session["plan_import_errors"] = [e["message"] for e in error.errors]
        return redirect("plans:index")
    return redirect("plans:import-job", pk=job.pk)


def import_job(request, pk: int):
    """A plan import's job: state, report or refused rows (polled by htmx while it runs)."""
    if not access.can_edit_plan(request.user, request.tenant):
        raise Http404
    job = page_jobs.job_in_schema(xlsx.IMPORT_JOB, pk)
    context = {
        "job": job,
        "poll_url": reverse("plans:import-job", args=[pk]),
        "done_url": reverse("plans:index"),
        "done_label": _("Voir le plan d'actions"),
        "retry_url": reverse("plans:index") + "#import",
    }
    if request.htmx:
        return render(request, "core/_job_status.html", context)
    return render(request, "plans/import_job.html", context)


def politique(request):
    structure = request.tenant
    page = selectors.plan_page(selectors.PlanFilters())
    error = None
    if request.method == "POST":
        axes = [
            {"titre": t, "description": d}
            for t, d in zip(
                request.POST.getlist("axe_titre"),
                request.POST.getlist("axe_description"),
                strict=False,
            )
        ]
        try:
            services.save_politique(
                structure=structure,
                user=request.user,
                titre=request.POST.get("titre", ""),
                engagement=request.POST.get("engagement", ""),
                axes=axes,
            )
            messages.success(request, _("Politique qualité enregistrée."))
            return redirect("plans:index")
        except BusinessError as exc:
            if exc.status == 403:
                raise Http404 from exc
            error = exc.message
    slots = [page.axes[i] if i < len(page.axes) else None for i in range(services.AXES_MAX)]
    return render(
        request,
        "plans/politique.html",
        {
            "politique": page.politique,
            "slots": slots,
            "error": error,
            "can_edit": access.can_edit_plan(request.user, structure),
        },
        status=400 if error else 200,
    )
