"""Stable error codes of the network (structures, imports, invitations, accounts)."""

from enum import StrEnum


class TenantsError(StrEnum):
    IMPORT_FORMAT = "import_format"
    IMPORT_INVALID = "import_invalid"
    IMPORT_TRANSITION = "import_transition"
    MISSING_FIELD = "missing_field"
    INVALID_VALUE = "invalid_value"
    UNKNOWN_TERRITOIRE = "unknown_territoire"
    UNKNOWN_GROUPE = "unknown_groupe"
    DUPLICATE = "duplicate"
    INVITATION_INVALID = "invitation_invalid"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_USED = "invitation_used"
    INVITATION_SCOPE = "invitation_scope"
    FORBIDDEN = "forbidden"
    ROLE_NOT_HELD = "role_not_held"
    OTP_NOT_VERIFIED = "otp_not_verified"
    ACCOUNT_INACTIVE = "account_inactive"
    TOKEN_INVALID = "token_invalid"
