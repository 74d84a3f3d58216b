"""axe-core (tests/browser/vendor/axe-4.11.0.min.js, MPL-2.0, from the npm registry) run in
the page: the browser journeys fail on any critical or serious violation."""

from __future__ import annotations

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe-4.11.0.min.js").read_text(encoding="utf-8")
BLOCKING = {"critical", "serious"}


def axe_violations(page) -> list[dict]:
    """Violations of WCAG 2.1 A/AA rules on the page as it is now (impact, rule, targets)."""
    page.wait_for_load_state("networkidle")
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(AXE)  # evaluated through the DevTools protocol: the page's CSP allows it
    results = page.evaluate(
        """async () => {
          const r = await axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
        }"""
    )
    return results


def assert_accessible(page) -> None:
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(
        f"{page.url}: {v['impact']} {v['id']} ({v['help']}): {v['targets']}" for v in blocking
    )
