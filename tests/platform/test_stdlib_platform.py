"""The folder platform/ must never hide Python's standard `platform` module."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = "import platform, uuid; uuid.uuid4(); print(platform.system(), platform.python_version())"


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=120, **kwargs)


def test_stdlib_functions_available_in_this_process():
    import uuid

    import platform

    uuid.uuid4()
    assert platform.system() == "Linux"
    assert platform.python_implementation() == "CPython"
    assert platform.settings.__name__ == "platform.settings"


def test_repo_root_first_on_sys_path():
    result = run(sys.executable, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Linux")


def test_manage_py_entry_point():
    result = run(sys.executable, "manage.py", "shell", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    assert "Linux" in result.stdout


def test_wsgi_entry_point():
    result = run(sys.executable, "-c", "import platform.wsgi; " + PROBE)
    assert result.returncode == 0, result.stderr
    assert "Linux" in result.stdout


def test_gunicorn_entry_point():
    result = run(sys.executable, "-m", "gunicorn", "--check-config", "platform.wsgi:application")
    assert result.returncode == 0, result.stderr


def test_celery_worker_entry_point():
    result = run(sys.executable, "-m", "celery", "-A", "platform.celery", "report")
    assert result.returncode == 0, result.stderr
    assert "platform -> system:Linux" in result.stdout


@pytest.mark.parametrize("module", ["pytest"])
def test_pytest_entry_point(module):
    result = run(sys.executable, "-m", module, "--version")
    assert result.returncode == 0, result.stderr
