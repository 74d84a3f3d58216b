"""The expert's bulk step of the confirmation: confirm every criterion left as declared
(a durable job, ``confirmation_jobs``), and the job's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompagnement.diagnostics import confirmation_jobs, selectors
from accompagnement.diagnostics.models import Autodiagnostic
from core import page_jobs
from core.errors import BusinessError
from core.routing import structure_url
from tenants import access


@login_required
@require_POST
def confirm_remaining(request, pk: int):
    """Confirm, as declared, every answered criterion the expert has not confirmed yet: a
    durable job (``confirmation_jobs``, all or nothing) whose page shows the outcome."""
    structure = request.tenant
    if not access.can_confirm_autodiagnostic(request.user, structure):
        raise Http404
    autodiagnostic = _autodiagnostic(pk)
    try:
        job = confirmation_jobs.start_confirm_remaining(
            structure=structure,
            autodiagnostic=autodiagnostic,
            expert=request.user,
            token=request.POST.get("jeton"),
        )
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect(structure_url(structure, "diagnostics:confirmation", pk))
    return redirect(structure_url(structure, "diagnostics:confirm-remaining-job", pk, job.pk))


@login_required
def confirm_remaining_job(request, pk: int, job_pk: int):
    """The bulk confirmation's job: state, then its outcome (polled by htmx while it runs)."""
    structure = request.tenant
    if not access.can_confirm_autodiagnostic(request.user, structure):
        raise Http404
    autodiagnostic = _autodiagnostic(pk)
    job = page_jobs.job_in_schema(confirmation_jobs.CONFIRM_JOB, job_pk)
    if job.progress.get("autodiagnostic") != autodiagnostic.pk:
        raise Http404
    context = {
        "autodiagnostic": autodiagnostic,
        "job": job,
        "poll_url": structure_url(structure, "diagnostics:confirm-remaining-job", pk, job_pk),
        "done_url": structure_url(structure, "diagnostics:confirmation", pk),
        "done_label": _("Revenir à la confirmation"),
        "retry_url": structure_url(structure, "diagnostics:confirmation", pk),
    }
    if request.htmx:
        return render(request, "core/_job_status.html", context)
    return render(request, "diagnostics/confirmation_job.html", context)


def _autodiagnostic(pk: int) -> Autodiagnostic:
    try:
        return selectors.autodiagnostic_by_id(pk)
    except Autodiagnostic.DoesNotExist:
        raise Http404 from None
