"""core.fields: a model's own field by name, never a reverse relation (typed for mypy)."""

from __future__ import annotations

import pytest
from django.db import models

from core.fields import field_label, model_field
from tenants.models import Structure, Territoire


def test_a_declared_field_and_its_translated_label():
    field = model_field(Structure, "finess")
    assert isinstance(field, models.CharField) and field.max_length == 9
    assert field_label(Structure, "finess") == "n° FINESS"
    # an instance gives the same field as its model
    assert model_field(Structure(nom="x"), "territoire") is model_field(Structure, "territoire")


def test_a_reverse_relation_is_refused():
    # Territoire.structures is the reverse side of Structure.territoire: no verbose_name
    with pytest.raises(LookupError, match="reverse relation"):
        model_field(Territoire, "structures")
