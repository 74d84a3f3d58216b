"""Renderers of the API: JSON text already serialised elsewhere (by PostgreSQL) written
into the response as is; files (XLSX, PDF…) passed through, errors rendered as JSON."""

from __future__ import annotations

import json

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class JSONText(str):
    """A value that is already JSON text (e.g. ``json_agg(…)::text``)."""


class SplicingJSONRenderer(JSONRenderer):
    """Renders a dict whose top-level ``JSONText`` values are written verbatim, after the
    other members (rendered as usual). Anything else renders like ``JSONRenderer``."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, dict) or not any(
            isinstance(value, JSONText) for value in data.values()
        ):
            return super().render(data, accepted_media_type, renderer_context)
        plain = {key: value for key, value in data.items() if not isinstance(value, JSONText)}
        members = b",".join(
            json.dumps(key).encode() + b":" + value.encode()
            for key, value in data.items()
            if isinstance(value, JSONText)
        )
        body = super().render(plain, accepted_media_type, renderer_context).rstrip()
        return body[:-1] + (b"," if plain else b"") + members + b"}"


class FileRenderer(BaseRenderer):
    """Passes a file's bytes through; anything else (an error) is rendered as JSON."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | bytearray):
            return data
        response = (renderer_context or {}).get("response")
        if response is not None:  # an error: say it is JSON
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False, default=str).encode()


class XlsxRenderer(FileRenderer):
    media_type = XLSX
    format = "xlsx"


class PdfRenderer(FileRenderer):
    media_type = "application/pdf"
    format = "pdf"


def file_response(content: bytes, filename: str, content_type: str = XLSX) -> Response:
    """A file to download, answered by a DRF view (so token authentication applies)."""
    return Response(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
