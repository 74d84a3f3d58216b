"""Stable error codes of the operations (raised as ``BusinessError``)."""

from enum import StrEnum


class OperationError(StrEnum):
    PG_CLIENT_MISSING = "pg_client_missing"
    PG_COMMAND_FAILED = "pg_command_failed"
    ARCHIVE_FORMAT = "archive_format"
    STRUCTURE_EXISTS = "structure_exists"
    MIGRATION_FAILED = "migration_failed"
    NOT_DELETED = "structure_not_deleted"
