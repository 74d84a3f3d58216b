"""Fixtures of the input/output security tests: the diagnostics' small frame is reused."""

from tests.diagnostics.conftest import autodiagnostic, frame  # noqa: F401 - pytest fixtures
