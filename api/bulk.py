"""Bulk requests of the API: many items in one request, **all or nothing**.

Each item runs in its own savepoint inside one transaction; the refusals of every item are
collected (``field`` prefixed by the list's name and the item's index, e.g.
``roles[3].role``, as DRF names the input errors) and, if there is any,
the whole request is refused and nothing is written. Input validation of the items works
the same way (DRF lists ``roles[3].email``) before anything runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db import transaction

from core.errors import BusinessError

T = TypeVar("T")


def run_all_or_nothing(items: Iterable[Any], run: Callable[[Any], T], *, name: str) -> list[T]:
    """``run(item)`` for every item in one transaction; every refusal reported at once."""
    with transaction.atomic():
        results: list[T] = []
        errors: list[dict] = []
        statuses: set[int] = set()
        for index, item in enumerate(items):
            try:
                with transaction.atomic():
                    results.append(run(item))
            except BusinessError as error:
                statuses.add(error.status)
                errors += [
                    {**e, "field": f"{name}[{index}].{e.get('field') or 'non_field_errors'}"}
                    for e in error.errors
                ]
        if errors:
            status = 409 if 409 in statuses else 403 if statuses == {403} else 400
            raise BusinessError(
                errors[0]["code"], errors[0]["message"], status=status, errors=errors
            )
        return results
