from enum import StrEnum


class QualiteError(StrEnum):
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    NOT_STAFF = "not_staff"
    DUPLICATE = "duplicate"
    EVALUATION_CLOSED = "evaluation_closed"
    AUDIT_FULL = "audit_full"
    INCOMPLETE = "incomplete"
