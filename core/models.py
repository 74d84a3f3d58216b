"""Kernel tables (public schema) and the abstract transition log every workflow writes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A side effect (an email) that must not be lost when the broker is down.

    Written in the same transaction as the business change that causes it; delivered by
    a Celery task enqueued on commit, and again by the periodic ``deliver_pending_outbox``
    task if the broker was unreachable. ``key`` is the idempotency key: a second write of
    the same message does nothing. Delivery is at least once (see ``core.outbox``):
    ``message_id`` is fixed when the row is written, so a resent copy carries the same
    ``Message-ID``; ``sent_at`` records the SMTP server's acceptance.
    """

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=30, default="email")
    schema_name = models.CharField(max_length=63, default="public")
    payload = models.JSONField(default=dict)
    message_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        # The table kept its name when the outbox moved from ``platform`` to ``core``.
        db_table = "platform_outboxmessage"
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outbox_pending_idx")]

    def __str__(self) -> str:
        return self.key


class Job(models.Model):
    """A background job (import, export, long confirmation): a durable, resumable record.

    The row is written in the request's transaction; the Celery message is only a wake-up
    call published after commit (``core.jobs``). If the broker is down or the worker dies,
    the periodic sweeper publishes it again; the task resumes the job where it stopped.
    ``key`` is the idempotency key (one job per business operation).
    """

    class Etat(models.TextChoices):
        EN_ATTENTE = "en_attente", _("En attente")
        EN_COURS = "en_cours", _("En cours")
        FAIT = "fait", _("Fait")
        ECHOUE = "echoue", _("Échoué")

    kind = models.CharField(max_length=50)
    key = models.CharField(max_length=255, unique=True)
    task_name = models.CharField(max_length=200)
    schema_name = models.CharField(max_length=63, default="public")
    payload = models.JSONField(default=dict)
    etat = models.CharField(max_length=20, choices=Etat.choices, default=Etat.EN_ATTENTE)
    progress = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    publications = models.PositiveIntegerField(default=0)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    errors = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["etat", "heartbeat_at"], name="job_etat_heartbeat_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.etat})"


class TransitionLog(models.Model):
    """One row per status change of a workflow: who, when, from, to, comment.

    Abstract: each workflow's log adds the foreign key to the object it follows.
    """

    from_statut = models.CharField(max_length=20)
    to_statut = models.CharField(max_length=20)
    user = models.ForeignKey("tenants.User", on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    commentaire = models.TextField(blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.from_statut} → {self.to_statut}"


class JobTransition(TransitionLog):
    """The jobs' workflow log (``core.jobs.JOB``): one row per change of state of a job
    (started, resumed after a dead worker, done, failed, given up, retried). Heartbeats and
    progress are not changes of state and write no row."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="transitions")
    transition = models.CharField(max_length=30)

    class Meta:
        ordering = ["at", "pk"]
