"""The splicing JSON renderer writes JSON text from PostgreSQL verbatim and renders
everything else like DRF's JSONRenderer."""

from __future__ import annotations

import json

from rest_framework.renderers import JSONRenderer

from api.renderers import JSONText, SplicingJSONRenderer


def test_json_text_members_are_written_verbatim_after_the_others():
    data = {
        "a": 1,
        "nom": "Créteil",
        "rows": JSONText('[{"x": 1.5, "y": null}]'),
        "b": JSONText("{}"),
    }
    body = SplicingJSONRenderer().render(data)
    assert body.startswith(JSONRenderer().render({"a": 1, "nom": "Créteil"})[:-1])
    assert json.loads(body) == {"a": 1, "nom": "Créteil", "rows": [{"x": 1.5, "y": None}], "b": {}}


def test_only_json_text_members():
    assert json.loads(SplicingJSONRenderer().render({"rows": JSONText("[]")})) == {"rows": []}


def test_anything_else_renders_like_the_json_renderer():
    for data in ({"errors": [{"code": "x", "message": "é"}]}, [1, 2], None, {"s": "plain string"}):
        assert SplicingJSONRenderer().render(data) == JSONRenderer().render(data)


def test_indented_rendering_stays_valid_json():
    body = SplicingJSONRenderer().render(
        {"a": [1, 2], "rows": JSONText("[1]")}, "application/json; indent=2"
    )
    assert json.loads(body) == {"a": [1, 2], "rows": [1]}
