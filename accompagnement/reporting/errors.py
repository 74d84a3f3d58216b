"""Stable error codes of campaigns, reviews and consolidation."""

from enum import StrEnum


class ReportingError(StrEnum):
    TRANSITION_NOT_ALLOWED = "transition_not_allowed"
    ALREADY_SUBMITTED = "already_submitted"
    CAMPAGNE_EXISTS = "campagne_exists"
    CAMPAGNE_OUT_OF_SCOPE = "campagne_out_of_scope"
    INVALID = "invalid"
    IMMUTABLE = "immutable"
