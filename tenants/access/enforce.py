"""Applying a rule: the one place that turns a refused rule into 403 or 404.

``require(access.can_edit_plan(user, structure))`` raises ``core.errors.forbidden`` (403:
the person sees the object, this action is not theirs); with ``can_see=False`` it raises
``core.errors.out_of_scope`` (404: the object is outside their scope, answered like
something that does not exist). Services call it; pages and the API answer the error's
status.
"""

from __future__ import annotations

from core.errors import refusal


def require(allowed: bool, *, can_see: bool = True, message: str | None = None) -> None:
    if not allowed:
        raise refusal(can_see=can_see, message=message)
