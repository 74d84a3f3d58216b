"""Architecture rules that a linter does not check.

* No code but the workflow engine (``core/workflow.py``) writes a status: every change goes
  through a declared move, which checks the right and logs it. Migrations and tests are
  left out (tests set up states directly on purpose).
* The import rules between layers are import-linter's (``[tool.importlinter]`` in
  pyproject.toml, run by ``make test``); the test below checks that they are configured
  with the contracts the README describes.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "tenants", "referentiels", "accompagnement", "api", "platform")
ENGINE = ROOT / "core" / "workflow.py"

# The workflows' state fields: `statut`, and `etat` (the durable jobs' workflow, core.jobs).
STATUS = r"(?:statut|etat)"
# `x.statut = …`, `setattr(x, "statut", …)`, `….update(…statut=…)` (over several lines)
STATUS_WRITES = (
    re.compile(rf"\.{STATUS}\s*=(?!=)"),
    re.compile(rf"setattr\([^,]+,\s*[\"']{STATUS}[\"']"),
    re.compile(rf"\.update\((?:[^()]|\([^()]*\))*?\b{STATUS}\s*=(?!=)", re.S),
    # `x.etat, x.progression = …` (a tuple assignment)
    re.compile(rf"^[ \t]*[\w.]+\.{STATUS}\s*,[^=\n(]*=(?!=)", re.M),
)


def status_writes(source: str) -> list[str]:
    found = []
    for pattern in STATUS_WRITES:
        for match in pattern.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            found.append(f"{line}: {match.group(0).splitlines()[0].strip()}")
    return found


def _code_files():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path == ENGINE:
                continue
            yield path


def test_the_checker_sees_every_way_of_writing_a_status():
    assert status_writes("action.statut = Statut.FAIT")
    assert status_writes('setattr(version, "statut", to)')
    assert status_writes("Action.objects.filter(pk=1).update(\n    avancement=0, statut=to\n)")
    assert status_writes("qs.update(total=Count('x'), statut='fait')")
    assert not status_writes("if action.statut == Statut.FAIT:")
    assert not status_writes("Action.objects.filter(statut=Statut.FAIT).update(avancement=1)")
    assert not status_writes('defaults={"statut": action.statut}')
    assert status_writes("Job.objects.filter(pk=1, etat=current).update(etat=to)")
    assert status_writes("job.etat = Job.Etat.FAIT")
    assert not status_writes("Job.objects.filter(etat=Etat.EN_COURS).update(heartbeat_at=now)")
    assert status_writes("    export.etat, export.progression = (PRET, 100)")
    assert not status_writes("    check(export.etat, progression=1)")


def test_no_status_is_written_outside_the_workflow_engine():
    offenders = {
        str(path.relative_to(ROOT)): writes
        for path in _code_files()
        for writes in [status_writes(path.read_text(encoding="utf-8"))]
        if writes
    }
    assert offenders == {}, "statuses change only through core.workflow (a declared move)"


def test_import_rules_are_configured():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    forbidden = {
        (tuple(c["source_modules"]), tuple(sorted(c["forbidden_modules"])))
        for c in contracts
        if c["type"] == "forbidden"
    }
    assert (("core",), ("accompagnement", "api", "platform", "referentiels", "tenants")) in (
        forbidden
    )
    assert (("referentiels", "tenants"), ("accompagnement",)) in forbidden
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    assert layers[0] == "platform" and layers[1] == "api" and layers[-1] == "core"
    listed = {name.strip() for layer in layers for name in layer.split("|")}
    apps = {
        f"accompagnement.{path.parent.name}"
        for path in (ROOT / "accompagnement").glob("*/apps.py")
        # an app still being written (not yet in settings) joins the layers when it lands
    }
    from django.conf import settings

    installed = {app for app in apps if app in settings.INSTALLED_APPS}
    assert installed - listed == set(), "every accompagnement app has its place in the layers"


def test_the_api_rule_names_every_page_module():
    """The contract "the API never imports the pages" lists the views modules one by one
    (import-linter's wildcards replace whole names only): a new ``*views*.py`` must join it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["name"].startswith("The API uses services and selectors")
    )
    pages = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for package in ("tenants", "referentiels", "accompagnement")
        for path in (ROOT / package).rglob("*views*.py")
    }
    assert len(pages) > 20
    assert pages <= set(contract["forbidden_modules"]), sorted(
        pages - set(contract["forbidden_modules"])
    )
