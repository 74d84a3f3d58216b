"""Kernel tables (public schema) and the abstract transition log every workflow writes."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """A side effect (an email) that must not be lost when the broker is down.

    Written in the same transaction as the business change that causes it; delivered by
    a Celery task enqueued on commit, and again by the periodic ``deliver_pending_outbox``
    task if the broker was unreachable. ``key`` is the idempotency key: a second write or a
    second delivery of the same message does nothing.
    """

    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=30, default="email")
    schema_name = models.CharField(max_length=63, default="public")
    payload = models.JSONField(default=dict)
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
