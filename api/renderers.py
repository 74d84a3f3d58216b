"""JSON rendering that writes JSON text already serialised elsewhere (by PostgreSQL) into
the response as is, instead of decoding it and encoding it again in Python."""

from __future__ import annotations

import json

from rest_framework.renderers import JSONRenderer


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
