"""Fixtures of the page tests, shared with the other areas' tests."""

from tests.accompagnement.conftest import types_livrable  # noqa: F401 (fixture)
