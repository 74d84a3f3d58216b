"""Stable error codes of deliverables (spoken by services, pages and the API)."""

from enum import StrEnum


class LivrableError(StrEnum):
    """Shared codes (forbidden, not_found, transition_not_allowed, comment_required, file_*)
    are core.errors.CommonError."""

    VERSION_PENDING = "version_pending"
    NOT_LATEST = "not_latest"
    TYPE_INACTIVE = "type_inactive"
    TYPE_CODE_TAKEN = "type_code_taken"
