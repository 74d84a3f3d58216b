"""The action plan's completion rate ("taux de réalisation du plan d'actions"), pure.

Definition: actions done / (all actions − abandoned actions). Abandoned actions leave the
denominator (they will never be done, on purpose); the rate is ``None`` for a plan with
no action left to count.
"""

from __future__ import annotations

from collections.abc import Iterable

DONE = "fait"
ABANDONED = "abandonne"


def completion_rate(statuses: Iterable[str]) -> float | None:
    statuses = list(statuses)
    counted = [s for s in statuses if s != ABANDONED]
    if not counted:
        return None
    return sum(1 for s in counted if s == DONE) / len(counted)


def completion_rate_from_counts(counts: dict[str, int]) -> float | None:
    """The same from ``{statut: n}`` (what a GROUP BY returns)."""
    counted = sum(n for statut, n in counts.items() if statut != ABANDONED)
    if not counted:
        return None
    return counts.get(DONE, 0) / counted
