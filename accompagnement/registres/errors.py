"""Stable error codes of the quality registers."""

from enum import StrEnum


class RegistreError(StrEnum):
    INVALID_ROW = "invalid_row"
    INVALID_FILE = "invalid_file"
    UNKNOWN_COLUMN = "unknown_column"
    MISSING_COLUMN = "missing_column"
    FILE_TOO_LARGE = "file_too_large"
    EMPTY_FILE = "empty_file"
