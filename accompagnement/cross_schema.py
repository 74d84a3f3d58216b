"""References from a structure's schema to the public schema (people, structures, frames,
criteria, campaigns) carry no database constraint.

Each foreign key from a structure's table to a public table would add two triggers on the
public table and lock it while the schema is created: at 1,000 structures ``tenants_user``
carried 30,000 triggers, every login's ``UPDATE`` took 57 ms and logins waited behind each
new structure (docs/scaling.md). So these foreign keys are declared with
``db_constraint=False``: the ORM, joins and ``on_delete`` behave as before, integrity is
held by the services (public rows are deactivated, never deleted, while referenced) and
checked by ``manage.py check_integrity`` (run daily by Celery beat), which reports any
dangling reference across every schema. References inside a schema keep their constraint.
"""

from __future__ import annotations

from django.db import models

from core.models import TransitionLog


class StructureTransitionLog(TransitionLog):
    """A transition log stored in a structure's schema: its author is a public person."""

    user = models.ForeignKey(
        "tenants.User", on_delete=models.SET_NULL, null=True, related_name="+", db_constraint=False
    )

    class Meta:
        abstract = True
