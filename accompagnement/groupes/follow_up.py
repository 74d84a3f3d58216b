"""The group's follow-up of the copies of its collective actions (public schema).

Each structure's copy of a collective action (``plans.Action`` with origine
``plan_collectif``) reports its status and progress here, so the collective page reads one
table. Subscribed to the action workflow (``plans.workflow.ACTION``) in ``apps.py``: the
plans app never imports this one.
"""

from __future__ import annotations

from typing import Any

from accompagnement.groupes.models import SuiviActionCollective
from accompagnement.plans.models import Action


def report_action(action: Action, structure: Any) -> None:
    collective_id = (action.origine_ref or {}).get("action_collective")
    if action.origine != Action.Origine.PLAN_COLLECTIF or not collective_id:
        return
    SuiviActionCollective.objects.update_or_create(
        action_collective_id=collective_id,
        structure_id=structure.pk,
        defaults={"statut": action.statut, "avancement": action.avancement, "action_id": action.pk},
    )
