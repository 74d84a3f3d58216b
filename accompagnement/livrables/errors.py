"""Stable error codes of deliverables (spoken by services, pages and the API)."""

from enum import StrEnum


class LivrableError(StrEnum):
    """Workflow codes (transition_not_allowed, comment_required) are core.workflow.WorkflowError."""

    FORBIDDEN = "forbidden"
    VERSION_PENDING = "version_pending"
    NOT_LATEST = "not_latest"
    TYPE_INACTIVE = "type_inactive"
    TYPE_CODE_TAKEN = "type_code_taken"
