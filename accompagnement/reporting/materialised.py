"""Consolidation figures materialised per campaign and scope (``AgregatCampagne``).

Snapshots are immutable, so what a dashboard shows of a campaign's scope (network,
territory, group, group within a territory) only changes when a snapshot of that scope is
written. ``record`` runs in the submitting transaction, right after the snapshot is written
(``reporting.services.record_snapshot``): it recomputes the scopes the new snapshot belongs
to — the network, its territory, each of its groups and each group within its territory —
with the very functions of the live consolidation (``reporting.aggregates``), so the stored
figures are the live ones, not an incremental approximation of them. An erasure
(``InstantaneBilan.anonymise_for_purge``) refreshes the scopes of the rows it anonymises.

Guarantees:
* never stale: a trigger on the snapshot store (migration ``0006``) deletes, in the writing
  transaction, the rows of every scope a written snapshot belongs to, whoever writes it
  (bulk insert, restore of a backup, raw SQL); a scope without its row is computed live by
  the selectors (same figures, slower), until the next submission or ``manage.py
  rebuild_consolidation``;
* concurrent submissions of one campaign are serialised by a transaction advisory lock
  taken before the snapshot is written, so each recomputation sees the others' committed
  snapshots.

Cost: a submission recomputes its scopes (≈ the live consolidation of the network once,
plus its territory and groups); reads are one row (docs/scaling.md, docs/benchmarks.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from accompagnement.reporting import aggregates
from accompagnement.reporting.models import AgregatCampagne, InstantaneBilan

# pg_advisory_xact_lock(namespace, campaign id): one submission of a campaign at a time.
LOCK_NAMESPACE = 18_0001

# (territory id, group id) of a scope within a campaign; None: not narrowed.
Key = tuple[int | None, int | None]


def key_of(scope: Any) -> tuple[int, int | None, int | None]:
    """(campaign, territory, group) ids of a ``selectors.Scope``."""
    return (
        scope.campagne.pk,
        scope.territoire.pk if scope.territoire is not None else None,
        scope.groupe.pk if scope.groupe is not None else None,
    )


def child_kind(territoire_id: int | None, groupe_id: int | None) -> str:
    """What the drill-down of a scope lists (``selectors.drill_down``)."""
    if territoire_id is None:
        return "territoire"
    return "groupe" if groupe_id is None else "structure"


def keys_of(territoire_id: int | None, groupe_ids: Iterable[int]) -> list[Key]:
    """The scopes a snapshot belongs to: the network, its territory, each of its groups
    (network-wide) and each of its groups within its territory."""
    territories = [None] if territoire_id is None else [None, territoire_id]
    return [(t, g) for t in territories for g in [None, *sorted(set(groupe_ids))]]


def sorted_keys(keys: Iterable[Key]) -> list[Key]:
    """Scopes in a stable order (the network first)."""
    return sorted(keys, key=lambda key: (key[0] or 0, key[1] or 0))


def lock(campagne_id: int) -> None:
    """Serialise the writers of a campaign's snapshots until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, campagne_id])


def compute(campagne_id: int, territoire_id: int | None, groupe_id: int | None) -> dict[str, Any]:
    """A scope's row, from the snapshot store (five queries)."""
    snapshots = aggregates.scope_snapshots(campagne_id, territoire_id, groupe_id)
    figures = aggregates.scope_figures(snapshots)
    kind = child_kind(territoire_id, groupe_id)
    figures["enfants"] = [
        [child, line] for child, line in aggregates.headline_by(snapshots, kind).items()
    ]
    totaux = figures["totaux"]
    return {
        "bilans": totaux["bilans"],
        "figures": json.dumps(figures, ensure_ascii=False),
        "entete": json.dumps({name: totaux[name] for name in aggregates.HEADLINE_NAMES}),
        "lignes": aggregates.rows_json(snapshots),
    }


def refresh(campagne_id: int, keys: Sequence[Key]) -> None:
    """Recompute these scopes of a campaign (inside the caller's transaction)."""
    lock(campagne_id)
    for territoire_id, groupe_id in keys:
        AgregatCampagne.objects.update_or_create(
            campagne_id=campagne_id,
            territoire_id=territoire_id,
            groupe_id=groupe_id,
            defaults=compute(campagne_id, territoire_id, groupe_id),
        )


def record(snapshot: InstantaneBilan) -> None:
    """A snapshot was written: recompute the scopes it belongs to."""
    refresh(snapshot.campagne_id, keys_of(snapshot.territoire_id, snapshot.groupe_ids))


def rebuild(campagne_ids: Iterable[int] | None = None) -> int:
    """Recompute every scope of these campaigns (all campaigns with snapshots by default)
    from the store; returns the number of rows written. ``manage.py rebuild_consolidation``."""
    snapshots = InstantaneBilan.objects.all()
    if campagne_ids is not None:
        snapshots = snapshots.filter(campagne_id__in=list(campagne_ids))
    scopes: dict[int, set[Key]] = {}
    for campagne_id, territoire_id, groupe_ids in snapshots.values_list(
        "campagne_id", "territoire_id", "groupe_ids"
    ).order_by():
        scopes.setdefault(campagne_id, set()).update(keys_of(territoire_id, groupe_ids))
    written = 0
    for campagne_id in sorted(scopes):
        keys = sorted_keys(scopes[campagne_id])
        with transaction.atomic():  # one campaign at a time, its submissions waiting
            lock(campagne_id)
            AgregatCampagne.objects.filter(campagne_id=campagne_id).delete()
            refresh(campagne_id, keys)
        written += len(keys)
    return written


_LOOKUP = (
    "SELECT {column} FROM reporting_agregatcampagne WHERE campagne_id = %s"
    " AND territoire_id {territoire} AND groupe_id {groupe}"
)


def _stored(column: str, key: tuple[int, int | None, int | None]) -> Any:
    """One column of a scope's row, or None (plain SQL: read on every dashboard)."""
    campagne_id, territoire_id, groupe_id = key
    sql = _LOOKUP.format(
        column=column,
        territoire="IS NULL" if territoire_id is None else "= %s",
        groupe="IS NULL" if groupe_id is None else "= %s",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [campagne_id, *(v for v in key[1:] if v is not None)])
        row = cursor.fetchone()
    return None if row is None else json.loads(row[0])


def stored_figures(key: tuple[int, int | None, int | None]) -> dict[str, Any] | None:
    """The materialised figures of a scope (``aggregates.scope_figures`` plus the
    drill-down lines), or None when the scope has no row (then compute live)."""
    figures: dict[str, Any] | None = _stored("figures", key)
    return figures


def stored_children(key: tuple[int, int | None, int | None]) -> dict[Any, dict[str, Any]] | None:
    """The drill-down lines of a scope, keyed by child id as ``aggregates.headline_by``."""
    figures = stored_figures(key)
    return None if figures is None else dict(figures["enfants"])


def headline_subquery(territoire_id: int | None) -> Subquery:
    """The materialised headline means (JSON text) of the campaign ``OuterRef("pk")`` for
    the network or a territory, to annotate campaigns with (evolution, one query)."""
    return Subquery(
        AgregatCampagne.objects.filter(
            campagne=OuterRef("pk"), territoire_id=territoire_id, groupe_id=None
        ).values("entete")[:1]
    )
