"""Stable error codes of the reference frames (spoken by services, pages, API and tests)."""

from __future__ import annotations

from enum import StrEnum


class ReferentielError(StrEnum):
    IMMUTABLE = "immutable"  # a published or archived version is never changed
    NOT_DRAFT = "not_draft"
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    NO_SCALE = "no_scale"
    NO_CRITERION = "no_criterion"
    VERSION_USED = "version_used"  # structures answered it: it can never be deleted
    VERSION_EXISTS = "version_exists"
    NO_PUBLISHED_VERSION = "no_published_version"
    IMPORT_INVALID = "import_invalid"
    FILE_TOO_LARGE = "file_too_large"
    FILE_UNREADABLE = "file_unreadable"
    FILE_TYPE = "file_type"
    DUPLICATE_CODE = "duplicate_code"
    UNKNOWN_PARENT = "unknown_parent"
    INVALID = "invalid"
