"""Numbers as the pages show them (French first): percentages and changes in points."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def percent_text(value: float | None) -> str:
    """84.04 → "84,0 %" (in French); ``None`` → "—" (not measured)."""
    if value is None:
        return "—"
    return f"{number_format(round(value, 1), 1)}\u00a0%"


def signed(value: float, decimals: int = 0) -> str:
    """A change with its sign: "+3", "−2,5" (a true minus sign), "0"."""
    text = number_format(abs(round(value, decimals)), decimals)
    if round(value, decimals) > 0:
        return f"+{text}"
    if round(value, decimals) < 0:
        return f"\u2212{text}"
    return text


def points_text(change: float) -> str:
    """A change of a rate in percentage points: "+3,5 pts"."""
    return _("%(change)s pts") % {"change": signed(change, 1)}
