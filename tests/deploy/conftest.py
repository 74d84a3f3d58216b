import pytest


@pytest.fixture(autouse=True)
def _ops_log_in_tmp(settings, tmp_path):
    """The operations log of the tests goes to a temporary folder, not var/ops/."""
    settings.OPS_LOG_DIR = tmp_path / "ops"
