"""Participation rate of structures in their group's collective meetings (pure functions).

Definition (documented in docs/accompagnement.md):
* a structure's rate = meetings it attended / meetings held since it joined the group,
  where "held" = not cancelled and already started, and "since it joined" = on or after
  its ``AdhesionGroupe.date_entree`` (else its ``date_engagement``; else every meeting);
* a group's rate = Σ attended / Σ held over its member structures (each structure's
  opportunities count once: a pooled rate, not an average of rates).
A rate is ``None`` when nothing was held (no meeting to attend is not 0 %).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Participation:
    attended: int
    held: int

    @property
    def rate(self) -> float | None:
        return None if self.held == 0 else self.attended / self.held


def structure_participation(
    *,
    meetings: Iterable[tuple[int, datetime.date]],
    joined: datetime.date | None,
    attended_ids: set[int],
) -> Participation:
    """``meetings``: (id, date) of the group's held meetings."""
    expected = [mid for mid, day in meetings if joined is None or day >= joined]
    return Participation(
        attended=sum(1 for mid in expected if mid in attended_ids), held=len(expected)
    )


def group_participation(parts: Iterable[Participation]) -> Participation:
    parts = list(parts)
    return Participation(attended=sum(p.attended for p in parts), held=sum(p.held for p in parts))
