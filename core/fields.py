"""A model's own fields by name, typed: ``_meta.get_field`` also returns reverse relations,
which have no ``verbose_name`` nor ``choices``."""

from __future__ import annotations

from typing import Any

from django.db.models import Field, Model


def model_field(model: type[Model] | Model, name: str) -> Field[Any, Any]:
    """The field ``name`` declared on ``model`` (never a reverse relation)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise LookupError(f"{model._meta.label}.{name} is a reverse relation, not a field")
    return field


def field_label(model: type[Model] | Model, name: str) -> str:
    """The field's ``verbose_name``, translated."""
    return str(model_field(model, name).verbose_name)
