"""Durable jobs started from a page (file imports, long confirmations), on ``core.jobs``.

* ``start`` writes the job in the request's transaction (``jobs.submit``: published after
  commit, a broker that is down never fails the request). Its key is the page's form token
  (``new_token``, a hidden field), the person and the file's digest: the same form posted
  twice gives one job, a failed job posted again is retried.
* ``apply_once`` runs the job's work **and** records its report in one transaction: the
  work is all or nothing, and a job run again (redelivered after its worker died between
  that commit and ``fait``) finds the report and writes nothing twice. A refusal
  (``BusinessError``) leaves nothing written and keeps its French messages on the job
  (``progress.message`` and ``progress.erreurs``) for the page. The file is dropped from
  the job once it is written or refused.
* ``history`` / ``job_in_schema``: the jobs of one kind in one schema (a structure's, or
  ``public``), for the import history and the job's page (another schema's job is 404).
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from core import jobs
from core.errors import BusinessError
from core.models import Job

TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")


class Refused(Exception):
    """The job's work was refused (nothing written); the French report is on the job."""


def new_token() -> str:
    """A fresh form token (hidden field ``jeton`` of an import form)."""
    return uuid.uuid4().hex


def _token(value: str | None) -> str:
    return value if value and TOKEN_RE.match(value) else new_token()


def start(
    *,
    kind: str,
    task_name: str,
    user_id: int,
    token: str | None,
    payload: dict[str, Any],
    content: bytes | None = None,
    summary: dict[str, Any] | None = None,
) -> Job:
    """The job of this form post (created and published after commit if new). ``content``
    (a file, already validated by the page) travels in the payload, base64-encoded;
    ``summary`` (file name, rows…) is kept in ``progress`` for the pages."""
    digest = hashlib.sha256(content or repr(sorted(payload.items())).encode()).hexdigest()[:16]
    schema = connection.schema_name  # type: ignore[attr-defined]
    data = {**payload, "auteur": user_id}
    if content is not None:
        data["contenu"] = base64.b64encode(content).decode("ascii")
    job = jobs.submit(
        kind=kind,
        key=f"{kind}:{schema}:{user_id}:{_token(token)}:{digest}",
        task_name=task_name,
        payload=data,
    )
    if summary and not job.progress:
        job.progress = dict(summary)
        Job.objects.filter(pk=job.pk).update(progress=job.progress)
    if "contenu" in data and "contenu" not in job.payload and job.etat == Job.Etat.EN_ATTENTE:
        job.payload = {**job.payload, "contenu": data["contenu"]}  # a failed job retried
        Job.objects.filter(pk=job.pk).update(payload=job.payload)
    return job


def content_of(job: Job) -> bytes:
    """The file carried by the job (``start(content=…)``)."""
    return base64.b64decode(job.payload["contenu"])


def apply_once(
    job: Job,
    progress: jobs.Progress,
    work: Callable[[], dict[str, Any]],
    *,
    prepare: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Run ``work`` (all or nothing) and save its report in the same transaction; a job
    whose report is already saved returns it without running anything again.
    ``prepare`` (checks that write nothing, e.g. every row of a file) runs first, outside
    the transaction (no savepoint per check); it may refuse the job as ``work`` may."""
    progress.beat(message="", erreurs=[])  # a retried job starts without the old refusal
    try:
        if prepare is not None and "rapport" not in job.progress:
            prepare()
        with transaction.atomic():
            locked = Job.objects.select_for_update().only("pk", "progress").get(pk=job.pk)
            if "rapport" in locked.progress:
                report: dict[str, Any] = locked.progress["rapport"]
                return report
            report = work()
            job.progress = {**job.progress, "rapport": report}
            Job.objects.filter(pk=job.pk).update(
                progress=job.progress, heartbeat_at=timezone.now(), payload=_without_file(job)
            )
    except BusinessError as error:
        progress.beat(
            message=error.message,
            erreurs=[str(item.get("message", "")) for item in error.errors][:100],
        )
        Job.objects.filter(pk=job.pk).update(payload=_without_file(job))
        raise Refused(error.message) from error
    return report


def give_up(job: Job) -> None:
    """``jobs.run``'s ``on_give_up`` of page jobs: nothing was written (all or nothing),
    the job ends ``echoue``; its file is not kept."""
    Job.objects.filter(pk=job.pk).update(payload=_without_file(job))


def _without_file(job: Job) -> dict[str, Any]:
    """The payload without the file: a register's rows are health data, not kept once the
    job has written them or refused them (posting the form again brings the file back)."""
    payload: dict[str, Any] = {k: v for k, v in job.payload.items() if k != "contenu"}
    job.payload = payload
    return payload


def history(kind: str, *, limit: int = 10, **summary: Any) -> QuerySet[Job]:
    """The latest jobs of ``kind`` in the current schema (without their files), those
    whose summary has the given values (``history(kind, registre="reclamations")``)."""
    return (
        Job.objects.filter(
            kind=kind,
            schema_name=connection.schema_name,  # type: ignore[attr-defined]
            **{f"progress__{name}": value for name, value in summary.items()},
        )
        .defer("payload")
        .order_by("-created_at", "-pk")[:limit]
    )


def job_in_schema(kind: str, pk: int) -> Job:
    """The job ``pk`` of ``kind`` in the current schema; any other is 404."""
    job = (
        Job.objects.filter(kind=kind, schema_name=connection.schema_name, pk=pk)  # type: ignore[attr-defined]
        .defer("payload")
        .first()
    )
    if job is None:
        raise Http404
    return job
