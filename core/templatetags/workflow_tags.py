"""Labels of workflow states in templates, read from the workflow's declaration
(``core.workflow``): pages never show a raw status code.

``{% load workflow_tags %}``, then ``{{ action|status_label }}`` (an object of a declared
workflow) or ``{{ log.to_statut|state_label:"livrables.version" }}`` (a code, by workflow
name).
"""

from __future__ import annotations

from typing import Any

from django import template

from core import workflow

register = template.Library()


@register.filter
def status_label(obj: Any) -> str:
    return workflow.label_of(obj)


@register.filter
def state_label(code: Any, workflow_name: str) -> str:
    return workflow.get(workflow_name).label(code)
