"""Queries of a fixed shape turned into SQL once per process (issue 18: CPU per request).

Django rebuilds a queryset's SQL on every evaluation. For a query made of a dozen
correlated subqueries asked on every page (the roles of ``tenants.access``), building the
SQL costs several milliseconds of CPU, far more than PostgreSQL takes to answer it.
``first_row`` builds such a queryset once, with stand-in integers for the values that
change from call to call (ids), keeps its SQL, and afterwards only puts the real values in
the parameters. Only the SQL text is kept: the rows are read from the database every time,
so nothing can go stale.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Stand-ins: integers no id ever takes, each recognisable among a query's parameters.
_STAND_IN_BASE = -(2**52)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (position in params, name of the value)
    using: str


_compiled: dict[Hashable, _Compiled] = {}


def _compile(build: Callable[..., QuerySet[Any, Any]], values: dict[str, int]) -> _Compiled:
    stand_ins = {name: _STAND_IN_BASE - index for index, name in enumerate(values)}
    queryset = build(**stand_ins)[:1]
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    names = {stand_in: name for name, stand_in in stand_ins.items()}
    slots = tuple(
        (position, names[param])
        for position, param in enumerate(params)
        if type(param) is int and param in names
    )
    if any(isinstance(param, (datetime.date, datetime.time)) for param in params):
        # e.g. a filter on timezone.now(): the first call's instant would be kept for ever
        raise ValueError("a query with a date or time among its parameters cannot be kept")
    missing = set(values) - {name for _position, name in slots}
    if missing:  # the value was turned into something else: the SQL would be wrong
        raise ValueError(f"values not found among the query's parameters: {sorted(missing)}")
    return _Compiled(sql, tuple(params), slots, queryset.db)


def first_row(
    key: Hashable, build: Callable[..., QuerySet[Any, Any]], **values: int
) -> dict[str, Any] | None:
    """The first row of ``build(**values)`` (a ``.values(...)`` queryset whose columns are
    named annotations or fields), as a dict, or ``None``: like ``.first()`` without an
    ordering, but the SQL is built once per ``key``. ``key`` must tell apart every shape
    the queryset can take besides ``values`` (integers, each used as a query parameter)."""
    compiled = _compiled.get(key)
    if compiled is None:
        compiled = _compiled[key] = _compile(build, values)
    params = list(compiled.params)
    for position, name in compiled.slots:
        params[position] = values[name]
    with connections[compiled.using].cursor() as cursor:
        cursor.execute(compiled.sql, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip((column.name for column in cursor.description), row, strict=True))
