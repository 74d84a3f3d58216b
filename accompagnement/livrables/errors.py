"""Stable error codes of deliverables (spoken by services, pages and the API)."""

from enum import StrEnum


class LivrableError(StrEnum):
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    FORBIDDEN = "forbidden"
    COMMENT_REQUIRED = "comment_required"
    FILE_TYPE = "file_type"
    FILE_TOO_LARGE = "file_too_large"
    FILE_EMPTY = "file_empty"
    VERSION_PENDING = "version_pending"
    NOT_LATEST = "not_latest"
    TYPE_INACTIVE = "type_inactive"
    TYPE_CODE_TAKEN = "type_code_taken"
