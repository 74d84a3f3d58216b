"""Filters for figures: ``pct`` (a fraction as a French percentage) and ``get_item``."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.853 → "85,3 %"; ``None`` → "—" (not measured)."""
    if value is None or value == "":
        return "—"
    return f"{number_format(round(float(value) * 100, 1), 1)} %"


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
