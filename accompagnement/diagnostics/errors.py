"""Stable error codes of self-diagnosis and confirmation (services, pages, API, tests)."""

from __future__ import annotations

from enum import StrEnum


class DiagnosticError(StrEnum):
    VERSION_NOT_PUBLISHED = "version_not_published"
    ALREADY_EXISTS = "autodiagnostic_exists"  # one per version and year
    STALE_ANSWER = "stale_answer"  # saved from a stale copy: someone else saved meanwhile
    VALUE_NOT_ON_SCALE = "value_not_on_scale"
    COMMENT_REQUIRED = "comment_required"  # the shared code (core.errors.CommonError)
    LOCKED = "autodiagnostic_locked"  # submitted: answers can no longer change
    LEVEL_LOCKED = "level_locked"  # level ladder: level 2 opens once level 1 is confirmed satisfied
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    INCOMPLETE = "incomplete"  # criteria left unanswered / unconfirmed
    NOT_UNDER_REVIEW = "not_under_review"  # confirmation outside the "submitted" state
    FORBIDDEN = "forbidden"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE = "file_type"
    EVIDENCE_NOT_OF_ANSWER = "evidence_not_of_answer"
    EXPORT_FORMAT = "export_format"
    NOT_A_NONCONFORMITY = "not_a_nonconformity"  # an action proposal for a satisfied criterion
