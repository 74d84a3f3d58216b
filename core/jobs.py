"""Durable background jobs: a ``core.models.Job`` row per job, Celery only wakes it up.

* ``submit`` writes the row in the caller's transaction and publishes the task **after
  commit**. A broker that is down never fails the request: the error is logged, the job
  stays ``en_attente`` with no ``enqueued_at``, and the sweeper publishes it later.
* ``run`` (called by the task with the job's id) takes a **lease** — a PostgreSQL
  session advisory lock on the job — then moves the job to ``en_cours`` and calls the
  handler. The lease is held by the worker's database connection: when the worker process
  dies (kill -9, out of memory, host lost), PostgreSQL closes the connection and frees the
  lease at once. A redelivered task therefore **resumes** a job left ``en_cours`` (the
  handler is written to continue where it stopped, or to restart idempotently); it only
  steps aside when another live process holds the lease. Finished jobs are left as is.
* ``sweep`` (periodic, Celery beat) publishes again the jobs whose publication failed,
  those waiting for too long, and the ``en_cours`` jobs whose heartbeat is stale and whose
  lease is free (their worker died).

The jobs' states and moves are declared once, as data, on the kernel's workflow engine
(``JOB``, ``core.workflow``): ``_move`` locks the row, checks that nobody changed its state
meanwhile (compare-and-set), and lets ``Workflow.apply`` write the state and one
``JobTransition`` row. Only changes of state are logged: a heartbeat or a progress update
is not a move and writes no log row.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import broker
from core.actors import SYSTEM
from core.errors import BusinessError
from core.models import Job, JobTransition
from core.workflow import Move, Stamp, Workflow

logger = logging.getLogger("qualireseau.jobs")

Etat = Job.Etat
# The jobs' workflow. A job is run by the platform only (no person's access rule).
JOB = Workflow(
    "core.job",
    states=Etat,
    field="etat",
    log_model=JobTransition,
    log_field="job",
    log_move_name=True,
    moves=[
        Move(
            "start", {Etat.EN_ATTENTE}, Etat.EN_COURS, _("Démarrer"), stamp=Stamp(at="started_at")
        ),
        # A redelivered task takes over a job whose worker died: a new attempt.
        Move("resume", {Etat.EN_COURS}, Etat.EN_COURS, _("Reprendre")),
        Move("finish", {Etat.EN_COURS}, Etat.FAIT, _("Terminer"), stamp=Stamp(at="finished_at")),
        Move(
            "fail",
            {Etat.EN_COURS},
            Etat.ECHOUE,
            _("Marquer en échec"),
            stamp=Stamp(at="finished_at"),
        ),
        # Attempted JOB_MAX_ATTEMPTS times, each attempt killed its worker.
        Move(
            "give_up",
            {Etat.EN_ATTENTE, Etat.EN_COURS},
            Etat.ECHOUE,
            _("Abandonner (trop de tentatives)"),
            stamp=Stamp(at="finished_at"),
        ),
        # Submitted again by the person who asked for it.
        Move(
            "retry",
            {Etat.ECHOUE},
            Etat.EN_ATTENTE,
            _("Relancer"),
            stamp=Stamp(clear=("finished_at",)),
        ),
    ],
)
# Every (from, to) the declaration allows (en_cours → en_cours is a resumption).
TRANSITIONS: dict[str, set[str]] = {
    str(state): {target for source, target in JOB.edges() if source == state} for state in Etat
}
# Advisory-lock namespace of the jobs' leases (any constant distinct from other locks).
LEASE_NAMESPACE = 17_0001


class JobTransitionError(RuntimeError):
    pass


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def max_attempts() -> int:
    return int(_setting("JOB_MAX_ATTEMPTS", 5))


def stale_after() -> datetime.timedelta:
    """How old a running job's heartbeat must be before the sweeper looks at its lease."""
    return datetime.timedelta(seconds=float(_setting("JOB_STALE_AFTER_SECONDS", 120)))


def requeue_after() -> datetime.timedelta:
    """How long a published job may wait in the queue before it is published again."""
    return datetime.timedelta(seconds=float(_setting("JOB_REQUEUE_AFTER_SECONDS", 900)))


# --- State machine ---------------------------------------------------------------------------


def _move(job: Job, to: str, *, move: str | None = None, **fields: Any) -> Job:
    """Move ``job`` to ``to`` (by the named ``move`` when several lead there) through the
    workflow engine, with the other ``fields`` saved along. The row is locked and its
    state compared with ``job.etat``: a job changed by another process meanwhile is refused."""
    with transaction.atomic():
        row = Job.objects.select_for_update().filter(pk=job.pk).first()
        if row is None or row.etat != job.etat:
            raise JobTransitionError(f"job {job.pk}: state changed under us (expected {job.etat})")
        if to == Etat.EN_COURS:
            fields.setdefault("heartbeat_at", timezone.now())
        for name, value in fields.items():
            setattr(row, name, value)
        try:
            JOB.apply(row, actor=SYSTEM, name=move, to=to, extra_fields=fields)
        except (BusinessError, KeyError) as error:
            raise JobTransitionError(f"job {job.pk}: {job.etat} → {to} refused") from error
    return row


# --- Submitting and publishing -----------------------------------------------------------------


def submit(*, kind: str, key: str, task_name: str, payload: dict[str, Any] | None = None) -> Job:
    """The job for ``key`` (created if needed), published after the current transaction
    commits. A job that failed is put back in the queue (an explicit retry); a job waiting,
    running or done is returned as is."""
    job, created = Job.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "task_name": task_name,
            "schema_name": connection.schema_name,  # type: ignore[attr-defined]
            "payload": payload or {},
        },
    )
    if not created and job.etat == Etat.ECHOUE:
        job = _move(job, Etat.EN_ATTENTE, attempts=0, errors="", enqueued_at=None)
    elif not created:
        return job
    transaction.on_commit(lambda: publish(job.pk))
    return job


def _task(task_name: str) -> Any:
    module, _sep, name = task_name.rpartition(".")
    return getattr(importlib.import_module(module), name)


def publish(job_id: int) -> bool:
    """Send the job's task to the broker; never raises nor waits for a broker that is
    down (``core.broker``): the sweeper publishes it later."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.etat in (Etat.FAIT, Etat.ECHOUE):
        return False
    task = _task(job.task_name)
    sent = broker.send(
        lambda: task.apply_async(args=[job.pk], headers={"_schema_name": job.schema_name}),
        what=f"job {job_id}",
    )
    if not sent:  # broker down: the sweeper publishes it later
        return False
    Job.objects.filter(pk=job_id).update(
        enqueued_at=timezone.now(), publications=F("publications") + 1
    )
    return True


# --- Running ---------------------------------------------------------------------------------


class Progress:
    """Given to the handler: ``beat(**progress)`` saves the heartbeat and the progress."""

    def __init__(self, job: Job):
        self.job = job

    def beat(self, **progress: Any) -> None:
        if progress:
            self.job.progress = {**self.job.progress, **progress}
        Job.objects.filter(pk=self.job.pk).update(
            heartbeat_at=timezone.now(), progress=self.job.progress
        )

    @property
    def resumed(self) -> bool:
        return self.job.attempts > 1


@contextlib.contextmanager
def _lease(job_id: int) -> Iterator[bool]:
    """A session advisory lock on the job, freed at the end or when the process dies."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LEASE_NAMESPACE, job_id])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LEASE_NAMESPACE, job_id])


def lease_is_free(job_id: int) -> bool:
    """True when no live process holds the job's lease."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LEASE_NAMESPACE, job_id])
        return bool(cursor.fetchone()[0])


Handler = Callable[[Job, Progress], dict[str, Any] | None]


def run(
    job_id: int, handler: Handler, *, on_give_up: Callable[[Job], None] | None = None
) -> Job | None:
    """Run (or resume) a job; idempotent: a finished job is returned untouched.
    ``on_give_up`` marks the business record failed when the job has been attempted
    ``JOB_MAX_ATTEMPTS`` times without finishing (each attempt died with its worker)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    with _lease(job_id) as acquired:
        if not acquired:
            logger.info("jobs: job %s is being run by another live process", job_id)
            return job
        job.refresh_from_db()
        if job.etat not in (Etat.EN_ATTENTE, Etat.EN_COURS):
            return job
        if job.attempts >= max_attempts():  # a job that kills its worker every time
            if on_give_up is not None:
                on_give_up(job)
            return _move(job, Etat.ECHOUE, move="give_up", errors="too many attempts")
        job = _move(job, Etat.EN_COURS, attempts=job.attempts + 1)
        try:
            result = handler(job, Progress(job))
        except Exception as error:  # noqa: BLE001 - the row tells the page; the log the trace
            logger.exception("jobs: job %s (%s) failed", job.pk, job.kind)
            return _move(
                job, Etat.ECHOUE, move="fail", errors=f"{type(error).__name__}: {error}"[:2000]
            )
        return _move(job, Etat.FAIT, result=result or {}, heartbeat_at=timezone.now())


# --- Sweeper ---------------------------------------------------------------------------------


def sweep(*, now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Publish again the jobs that nobody is running; return their ids."""
    now = now or timezone.now()
    waiting = Job.objects.filter(etat=Etat.EN_ATTENTE).filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - requeue_after())
    )
    stale = Job.objects.filter(etat=Etat.EN_COURS, heartbeat_at__lt=now - stale_after())
    ids = list(waiting.values_list("pk", flat=True)[:limit]) + list(
        stale.values_list("pk", flat=True)[:limit]
    )
    published = []
    for job_id in sorted(set(ids)):
        if lease_is_free(job_id) and publish(job_id):
            published.append(job_id)
    if published:
        logger.info("jobs: sweeper published %s job(s) again", len(published))
    return published
