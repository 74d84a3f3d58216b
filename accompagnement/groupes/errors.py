"""Stable error codes of collective work (groups, meetings, collective actions)."""

from enum import StrEnum


class GroupeError(StrEnum):
    INVALID = "invalid"
    NOT_MEMBER = "not_member"
    PLANNING_DURATION = "planning_duration"
    TYPE_CODE_TAKEN = "type_code_taken"
    ALREADY_CONVERTED = "already_converted"
