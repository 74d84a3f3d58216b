"""Semesters (the campaigns' period): domain-neutral date arithmetic shared by the apps."""

from __future__ import annotations

import datetime


def semester_bounds(annee: int, semestre: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of semester 1 (January–June) or 2 (July–December) of a year."""
    if semestre == 1:
        return datetime.date(annee, 1, 1), datetime.date(annee, 6, 30)
    if semestre == 2:
        return datetime.date(annee, 7, 1), datetime.date(annee, 12, 31)
    raise ValueError(f"semestre must be 1 or 2, not {semestre!r}")
