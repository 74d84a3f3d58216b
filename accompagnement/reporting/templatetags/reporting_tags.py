"""Filters for figures: ``pct`` (a fraction as a French percentage), ``get_item`` and
``indicator_label`` (an indicator key's label), ``iso_date``."""

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format, number_format

from accompagnement.reporting.labels import indicator_label as _indicator_label

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


@register.filter
def indicator_label(key) -> str:
    """``taux_declare`` → "Taux de conformité déclaré" (see ``reporting.labels``)."""
    return _indicator_label(key)


@register.filter
def iso_date(value) -> str:
    """An ISO date-time of the snapshot rows (JSON text) as a French short date, local time."""
    if not value:
        return "—"
    moment = parse_datetime(str(value))
    if moment is None:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "SHORT_DATE_FORMAT")
