"""Consolidation computed by PostgreSQL over the snapshot store (``InstantaneBilan``).

Means, shares and the drill-down are SQL aggregates, and the per-structure rows are
serialised to JSON text by PostgreSQL: Python never decodes the snapshots' details nor
re-encodes a thousand rows. That is what keeps the network-wide consolidation of 1,000
structures under 100 ms (``bench/consolidation.py``, docs/benchmarks.md).

The definitions are those of ``reporting.indicators``:
* a mean or a share is taken over the *known* values (SQL ``avg`` ignores NULL) and is
  NULL when nothing is known — never 0 by default;
* gap = declared − confirmed (NULL when either is unknown);
* the effectivité criteria are those the frame flags (``indicateur_effectivite``), found in
  the snapshots; "conform on the effectivité criteria": among structures with at least one
  of them known, those whose are all satisfied (an unknown one counts as not satisfied);
* imperative criteria: the share of structures whose retained verdict says "all
  satisfied", among structures whose frame has imperative criteria, and the number of
  imperative criteria not satisfied summed over structures.
``tests/bilans/test_consolidation.py`` checks each against an independent calculation and
``tests/bilans/test_aggregates_property.py`` against the Python definitions on random data.

Every query reads the scope's snapshots through ``Scope.snapshots()`` (one definition of
who is in the scope), embedded as a sub-query.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

# The scope's snapshots (``reporting.selectors.Scope.snapshots()``).
Snapshots = QuerySet[Any, Any]

# The figures of a line of the drill-down (and of the whole scope): the mean of each
# headline rate and the share of structures with all level-1 / level-2 criteria satisfied.
HEADLINE_RATES = (
    "taux_declare",
    "taux_confirme",
    "taux_plan_actions",
    "taux_participation",
    "taux_satisfaits",
    "taux_mecontents",
)
LEVEL_FLAGS = ("tous_niveau1", "tous_niveau2")
HEADLINE_NAMES = ("bilans", *HEADLINE_RATES, *(f"part_{flag}" for flag in LEVEL_FLAGS))
HEADLINE_SQL = ", ".join(
    [
        "count(*)",
        *(f"avg(s.{rate})" for rate in HEADLINE_RATES),
        *(f"avg(s.{flag}::int)::float8" for flag in LEVEL_FLAGS),
    ]
)

# One structure's row, as the API returns it (``submitted_at``: the API's name of the
# submission date; ``soumis_le``, the column's, stays for the pages and older clients).
ROW_COLUMNS_SQL = """
    s.structure_id, s.structure_nom, s.territoire_id, s.groupe_ids, s.soumis_le, s.en_retard,
    s.soumis_le AS submitted_at,
    s.taux_declare, s.taux_confirme, s.tous_niveau1, s.tous_niveau2, s.taux_plan_actions,
    s.taux_participation, s.taux_satisfaits, s.reclamations, s.taux_mecontents,
    s.taux_declare - s.taux_confirme AS ecart,
    s.indicateurs -> 'moyenne_themes' AS moyenne_themes,
    s.indicateurs -> 'imperatifs' AS imperatifs,
    COALESCE(s.indicateurs -> 'themes', '{}'::jsonb) AS themes,
    COALESCE(s.indicateurs -> 'criteres_cibles', '{}'::jsonb) AS criteres_cibles
"""


def _fetch(snapshots: Snapshots, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Runs ``WITH s AS (the scope's snapshots) {sql}``."""
    try:
        scope_sql, scope_params = snapshots.order_by().query.sql_with_params()
    except EmptyResultSet:  # e.g. ``pk__in=[]``: an empty scope, not an error
        scope_sql, scope_params = f"SELECT * FROM {snapshots.model._meta.db_table} WHERE false", ()
    with connection.cursor() as cursor:
        cursor.execute(f"WITH s AS ({scope_sql}) {sql}", [*scope_params, *params])
        return list(cursor.fetchall())


def _named(cursor_row: Sequence[Any], names: Sequence[str]) -> dict[str, Any]:
    return dict(zip(names, cursor_row, strict=True))


def rows_json(snapshots: Snapshots) -> str:
    """The scope's rows (one per structure, by name) as a JSON array, text ready to send."""
    [(text,)] = _fetch(
        snapshots,
        f"""SELECT COALESCE(json_agg(r), '[]')::text
                                     FROM (SELECT {ROW_COLUMNS_SQL} FROM s ORDER BY s.structure_nom) AS r""",
    )
    return str(text)


def _code_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Criteria codes in their natural order (4.2.9 before 4.2.10)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split("."))


def totals(snapshots: Snapshots) -> dict[str, Any]:
    """The scope's headline figures, complaints, reviews late, diagnoses done, imperative
    criteria, the share of each effectivité criterion satisfied (the criteria each
    snapshot's frame flags) and of structures conform on all of theirs — one query."""
    select = ", ".join(
        [
            HEADLINE_SQL,
            "sum(s.reclamations) AS reclamations",
            "count(*) FILTER (WHERE s.en_retard) AS soumis_en_retard",
            "count(s.taux_declare) AS diagnostics",
            "avg(CASE WHEN cibles.connus > 0 THEN cibles.tous::int END)::float8",
            "avg(((s.indicateurs -> 'imperatifs' ->> 'tous_satisfaits')::boolean)::int)::float8",
            "sum((s.indicateurs -> 'imperatifs' ->> 'non_satisfaits')::int)",
            "count(s.indicateurs -> 'imperatifs' ->> 'total')",
            """(SELECT COALESCE(jsonb_object_agg(c.code, c.part), '{}'::jsonb)
                FROM (SELECT k.key AS code, avg((k.value::boolean)::int)::float8 AS part
                      FROM s AS s2 CROSS JOIN LATERAL jsonb_each_text(
                          COALESCE(s2.indicateurs -> 'criteres_cibles', '{}'::jsonb)) AS k
                      GROUP BY k.key) AS c)""",
        ]
    )
    after = """
        CROSS JOIN LATERAL (
            SELECT count(k.value) AS connus, bool_and(COALESCE(k.value::boolean, false)) AS tous
            FROM jsonb_each_text(COALESCE(s.indicateurs -> 'criteres_cibles', '{}'::jsonb)) AS k
        ) AS cibles
    """
    [row] = _fetch(snapshots, f"SELECT {select} FROM s {after}")
    names = (
        *HEADLINE_NAMES,
        "reclamations",
        "soumis_en_retard",
        "diagnostics",
        "part_conformes_8_criteres",
        "part_imperatifs_satisfaits",
        "imperatifs_non_satisfaits",
        "structures_avec_imperatifs",
    )
    result = _named(row[: len(names)], names)
    shares = row[len(names)] or {}
    if isinstance(shares, str):
        shares = json.loads(shares)
    result["criteres"] = {code: shares[code] for code in sorted(shares, key=_code_key)}
    return result


def theme_means(snapshots: Snapshots) -> list[tuple[str, float | None, float | None]]:
    """(theme code, mean declared rate, mean confirmed rate), by code."""
    return _fetch(
        snapshots,
        """
        SELECT t.key, avg((t.value ->> 'declare')::float8), avg((t.value ->> 'confirme')::float8)
        FROM s CROSS JOIN LATERAL jsonb_each(COALESCE(s.indicateurs -> 'themes', '{}'::jsonb)) AS t
        GROUP BY t.key ORDER BY t.key COLLATE "C"
    """,
    )


def node_means(snapshots: Snapshots) -> list[tuple[str, float | None, float | None]]:
    """(node code, mean declared rate, mean confirmed rate) for every node of any depth."""
    return _fetch(
        snapshots,
        """
        SELECT n.key, avg((n.value ->> 'declare')::float8), avg((n.value ->> 'confirme')::float8)
        FROM s CROSS JOIN LATERAL jsonb_each(COALESCE(s.indicateurs -> 'noeuds', '{}'::jsonb)) AS n
        GROUP BY n.key
    """,
    )


_CHILDREN = {
    "territoire": ("s.territoire_id", "", "GROUP BY s.territoire_id"),
    "groupe": (
        "g.id::int",
        "CROSS JOIN LATERAL jsonb_array_elements_text(s.groupe_ids) AS g (id)",
        "GROUP BY g.id",
    ),
    "structure": ("s.structure_id", "", "GROUP BY s.structure_id"),
    "campagne": ("s.campagne_id", "", "GROUP BY s.campagne_id"),
}


def headline_by(snapshots: Snapshots, key: str) -> dict[int, dict[str, Any]]:
    """Headline figures per territory, per working group (a structure counts in each of
    its groups), per structure or per campaign, keyed by the child's id."""
    child, join, group = _CHILDREN[key]
    rows = _fetch(snapshots, f"SELECT {child}, {HEADLINE_SQL} FROM s {join} {group}")
    return {row[0]: _named(row[1:], HEADLINE_NAMES) for row in rows}
