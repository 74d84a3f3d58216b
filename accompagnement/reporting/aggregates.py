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

from accompagnement.reporting.models import InstantaneBilan

# The scope's snapshots (``scope_snapshots``, ``reporting.selectors.Scope.snapshots()``).
Snapshots = QuerySet[Any, Any]
# (code, mean declared rate, mean confirmed rate) of a theme or node.
Mean = tuple[Any, ...]


def scope_snapshots(
    campagne_id: int, territoire_id: int | None = None, groupe_id: int | None = None
) -> QuerySet[InstantaneBilan]:
    """Who is in a consolidation scope (the one definition): the campaign's snapshots,
    narrowed to those of a territory and/or of a working group (the territory and groups
    recorded in the snapshot at submission)."""
    queryset = InstantaneBilan.objects.filter(campagne_id=campagne_id)
    if territoire_id is not None:
        queryset = queryset.filter(territoire_id=territoire_id)
    if groupe_id is not None:
        queryset = queryset.filter(groupe_ids__contains=[groupe_id])
    return queryset


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


def rows_json(snapshots: Snapshots, stored: Sequence[Any] | None = None) -> str:
    """The scope's rows (one per structure, by name) as a JSON array, text ready to send.

    ``stored``: the scope's key (campaign, territory, group) in ``reporting.AgregatCampagne``:
    its materialised text is returned when present, else the rows are built — one query
    either way (PostgreSQL evaluates the second branch of ``COALESCE`` only when needed)."""
    build = f"""SELECT COALESCE(json_agg(r), '[]')::text
                FROM (SELECT {ROW_COLUMNS_SQL} FROM s ORDER BY s.structure_nom) AS r"""
    if stored is None:
        [(text,)] = _fetch(snapshots, build)
        return str(text)
    campagne_id, territoire_id, groupe_id = stored
    lookup = (
        "SELECT a.lignes FROM reporting_agregatcampagne AS a WHERE a.campagne_id = %s"
        f" AND a.territoire_id {'IS NULL' if territoire_id is None else '= %s'}"
        f" AND a.groupe_id {'IS NULL' if groupe_id is None else '= %s'}"
    )
    params = [campagne_id, *(v for v in (territoire_id, groupe_id) if v is not None)]
    [(text,)] = _fetch(snapshots, f"SELECT COALESCE(({lookup}), ({build}))", params)
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


def means(snapshots: Snapshots) -> tuple[list[Mean], list[Mean]]:
    """(code, mean declared rate, mean confirmed rate) of every theme, by code (the order of
    ``COLLATE "C"``, i.e. of Python's ``sorted``), and of every node of any depth — one query."""
    rows = _fetch(
        snapshots,
        """
        SELECT 't', t.key, avg((t.value ->> 'declare')::float8), avg((t.value ->> 'confirme')::float8)
        FROM s CROSS JOIN LATERAL jsonb_each(COALESCE(s.indicateurs -> 'themes', '{}'::jsonb)) AS t
        GROUP BY t.key
        UNION ALL
        SELECT 'n', n.key, avg((n.value ->> 'declare')::float8), avg((n.value ->> 'confirme')::float8)
        FROM s CROSS JOIN LATERAL jsonb_each(COALESCE(s.indicateurs -> 'noeuds', '{}'::jsonb)) AS n
        GROUP BY n.key
    """,
    )
    themes = sorted((row[1:] for row in rows if row[0] == "t"), key=lambda row: row[0])
    return themes, [row[1:] for row in rows if row[0] == "n"]


def titles(snapshots: Snapshots) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """The theme titles and node titles of the first snapshot (by name) that has theme
    titles, and the headline module definition of the first that names one — one query."""
    [(theme_titles, node_titles, headline)] = _fetch(
        snapshots,
        """
        SELECT t.themes, t.noeuds, m.taux_module FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (
            SELECT s.indicateurs -> 'themes_titres' AS themes, s.indicateurs -> 'noeuds_titres' AS noeuds
            FROM s WHERE NOT (s.indicateurs -> 'themes_titres' = '{}'::jsonb)
            ORDER BY s.structure_nom, s.id LIMIT 1
        ) AS t ON true
        LEFT JOIN LATERAL (
            SELECT s.indicateurs ->> 'taux_module' AS taux_module
            FROM s WHERE NOT (s.indicateurs -> 'taux_module' = 'null'::jsonb)
            ORDER BY s.structure_nom, s.id LIMIT 1
        ) AS m ON true
    """,
    )
    return _json(theme_titles) or {}, _json(node_titles) or {}, headline


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def scope_figures(snapshots: Snapshots) -> dict[str, Any]:
    """Everything the consolidation of a scope takes from its snapshots (totals, theme and
    node means, titles, headline definition) — three queries. ``reporting.materialised``
    stores this per campaign and scope; ``selectors.consolidate`` reads it from there."""
    themes, nodes = means(snapshots)
    theme_titles, node_titles, headline = titles(snapshots)
    return {
        "totaux": totals(snapshots),
        "themes": themes,
        "noeuds": nodes,
        "titres": theme_titles,
        "noeuds_titres": node_titles,
        "taux_module": headline,
    }


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
