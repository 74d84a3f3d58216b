"""OpenAPI document post-processing (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``).

The API documents JSON request bodies. Endpoints also parse form encodings (DRF's
defaults, used by a few pages), but an operation documented with three request content
types makes generated clients pick the last one (multipart) for every body — nested lists
are then lost — and openapi-python-client 0.29 even generates code that does not import.
So, when an operation accepts JSON, only JSON is documented; file uploads (no JSON) keep
their multipart body.
"""

from __future__ import annotations

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def json_request_bodies(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                for media_type in FORM_TYPES:
                    content.pop(media_type, None)
    return result
