"""Stable error codes of action plans."""

from enum import StrEnum


class PlanError(StrEnum):
    """Workflow codes (transition_not_allowed, comment_required) are core.workflow.WorkflowError."""

    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    AXES_COUNT = "axes_count"
    IMPORT_INVALID = "import_invalid"
    IMPORT_FILE = "import_file"
