"""Checks run on any page of the browser journeys."""

from __future__ import annotations

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

CHARTS_JS = """() => Array.from(document.querySelectorAll("canvas")).map((canvas) => {
  const chart = window.Chart && window.Chart.getChart(canvas);
  if (!chart) return {id: canvas.id, drawn: false};
  const values = chart.data.datasets.flatMap((d) => d.data).filter((v) => v !== null);
  return {id: canvas.id, drawn: true, labels: chart.data.labels.length, values: values.length};
})"""


def charts_on(page) -> list[dict]:
    """Every canvas of the page, with what Chart.js drew in it."""
    page.wait_for_load_state("networkidle")
    return page.evaluate(CHARTS_JS)


def assert_every_chart_has_data(page) -> list[dict]:
    charts = charts_on(page)
    for chart in charts:
        assert chart["drawn"], f"no chart drawn in #{chart['id']}"
        assert chart["labels"] > 0 and chart["values"] > 0, f"empty chart #{chart['id']}"
    return charts


def screenshot(page, name: str) -> None:
    """A full-page screenshot in var/screenshots/ (git-ignored) for a reviewer to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
