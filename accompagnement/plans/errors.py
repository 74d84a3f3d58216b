"""Stable error codes of action plans."""

from enum import StrEnum


class PlanError(StrEnum):
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    FORBIDDEN = "forbidden"
    COMMENT_REQUIRED = "comment_required"
    INVALID = "invalid"
    AXES_COUNT = "axes_count"
    IMPORT_INVALID = "import_invalid"
    IMPORT_FILE = "import_file"
