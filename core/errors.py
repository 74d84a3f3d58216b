"""One application error type with stable codes, spoken by services, pages and the API.

Services raise ``BusinessError(code, message, field=…)``; pages show ``message`` (French,
translated) next to the field; the API's exception handler (``api.errors``) answers
``{"errors": [{"code", "message", "field"}]}`` with ``status`` (400 by default, 409 for
conflicts). Each domain lists its codes in an ``errors.py`` enum of its own app.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _


class CommonError(StrEnum):
    """Codes every app speaks; an app's own enum adds only what is specific to its domain."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"  # outside the person's scope (answered 404)
    FORBIDDEN = "forbidden"  # visible to the person, but this action is not theirs (403)
    CONFLICT = "conflict"
    IMMUTABLE = "immutable"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    COMMENT_REQUIRED = "comment_required"
    FILE_TYPE = "file_type"
    FILE_TOO_LARGE = "file_too_large"
    FILE_EMPTY = "file_empty"


class BusinessError(Exception):
    """A refused business operation. Nothing has been written when it is raised."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        status: int = 400,
        details: dict[str, Any] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ):
        super().__init__(message)
        self.code = str(code)
        self.message = str(message)
        self.field = field
        self.status = status
        self.details = details or {}
        # Several errors at once (e.g. an import): each {"code", "message", "field", ...}
        self.errors = errors or [{"code": self.code, "message": self.message, "field": field}]

    def as_dict(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"errors": self.errors}
        if self.details:
            payload["details"] = self.details
        return payload


# --- The one rule of refusals ----------------------------------------------------------------
# 404 when the object is outside the person's scope (answered exactly like something that
# does not exist), 403 when they can see it but may not do this. ``tenants.access.require``
# applies it for services, pages and the API alike.


def forbidden(message: str | None = None, *, code: str = CommonError.FORBIDDEN) -> BusinessError:
    """403: the person sees the object but this action is not theirs."""
    return BusinessError(
        code, message or _("Vous n'avez pas le droit de faire cette action."), status=403
    )


def out_of_scope(message: str | None = None) -> BusinessError:
    """404: the object is outside the person's scope."""
    return BusinessError(CommonError.NOT_FOUND, message or _("Introuvable."), status=404)


def refusal(*, can_see: bool, message: str | None = None) -> BusinessError:
    return forbidden(message) if can_see else out_of_scope()
