"""Frame imports from the pages as durable jobs (``core.page_jobs``, public schema).

The file is checked when it is posted (every error listed at once, nothing queued); a
valid file becomes a job created in the request's transaction, which imports it as a new
draft — all or nothing, with the job's report in the same transaction, so a job run again
creates no second draft. The API's import stays synchronous (one request, one answer).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from core import jobs, page_jobs
from core.models import Job
from referentiels import services
from tenants import access
from tenants.models import User

IMPORT_JOB = "referentiel_import"


@transaction.atomic
def start_version_import(*, name: str, content: bytes, user: Any, token: str | None = None) -> Job:
    """Check the file now (``services.parse_file``), then queue its import."""
    access.require(access.can_manage_referentiels(user))
    services.check_import_size(len(content))
    document = services.parse_file(content=content, filename=name)
    return page_jobs.start(
        kind=IMPORT_JOB,
        task_name="referentiels.tasks.import_version_task",
        user_id=user.pk,
        token=token,
        payload={"fichier": name[:255]},
        content=content,
        summary={
            "fichier": name[:255],
            "lignes": len(document["criteres"]),
            "referentiel": str(document["referentiel"]["code"]),
        },
    )


def run_version_import_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """The job's work: the new draft and the job's report, in one transaction."""
    user = User.objects.filter(pk=job.payload["auteur"]).first()

    def work() -> dict[str, Any]:
        version = services.import_version(
            content=page_jobs.content_of(job), filename=job.payload["fichier"], user=user
        )
        return {
            "version": version.pk,
            "resume": _("Version %(numero)s de « %(titre)s » importée en brouillon.")
            % {"numero": version.numero, "titre": version.referentiel.titre},
        }

    return page_jobs.apply_once(job, progress, work)
