"""The expert's bulk confirmation ("confirmer les critères restants tels que déclarés") as
a durable job (``core.page_jobs``): one ``confirm_criterion`` per criterion left, a few
hundred on a large frame, too long for a request.

The request checks the right and the state, then creates the job in its transaction (the
same form posted twice gives one job). The job confirms every criterion left in one
transaction (``services.confirm_criteria``: all or nothing) together with its report, so a
job run again confirms nothing twice; a refusal (the self-diagnosis reopened meanwhile…)
fails the job with its French message. Finishing the confirmation stays a request: it is
one workflow transition (``services.finish_confirmation``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompagnement.diagnostics import services
from accompagnement.diagnostics.errors import DiagnosticError
from accompagnement.diagnostics.models import Autodiagnostic
from core import jobs, page_jobs, tenancy
from core.errors import BusinessError
from core.models import Job
from tenants import access
from tenants.models import Structure, User

CONFIRM_JOB = "confirmation_restants"


@transaction.atomic
def start_confirm_remaining(
    *,
    structure: Structure,
    autodiagnostic: Autodiagnostic,
    expert: Any,
    token: str | None = None,
) -> Job:
    """Queue the confirmation, as declared, of every criterion the expert has not
    confirmed yet (refused at once when the self-diagnosis is not under review)."""
    tenancy.require_schema(structure.schema_name, "start_confirm_remaining")
    access.require(access.can_confirm_autodiagnostic(expert, structure))
    if autodiagnostic.statut != Autodiagnostic.Statut.SOUMIS:
        raise BusinessError(
            DiagnosticError.NOT_UNDER_REVIEW,
            _("Seul un autodiagnostic soumis peut être confirmé."),
            status=409,
        )
    return page_jobs.start(
        kind=CONFIRM_JOB,
        task_name="accompagnement.diagnostics.tasks.confirm_remaining_task",
        user_id=expert.pk,
        token=token,
        payload={"autodiagnostic": autodiagnostic.pk},
        summary={"autodiagnostic": autodiagnostic.pk},
    )


def run_confirm_remaining_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The job's work (in the structure's schema): all the confirmations and the report
    in one transaction."""
    expert = User.objects.get(pk=job.payload["auteur"])
    structure = Structure.objects.get(schema_name=job.schema_name)

    def work() -> dict[str, Any]:
        autodiagnostic = Autodiagnostic.objects.get(pk=job.payload["autodiagnostic"])
        confirmed = services.confirm_criteria(
            structure=structure,
            autodiagnostic=autodiagnostic,
            expert=expert,
            confirmations=[],
            rest_as_declared=True,
        )
        n = len(confirmed)
        return {
            "criteres": n,
            "resume": ngettext(
                "%(n)s critère confirmé tel que déclaré.",
                "%(n)s critères confirmés tels que déclarés.",
                n,
            )
            % {"n": n},
        }

    return page_jobs.apply_once(job, progress, work)
