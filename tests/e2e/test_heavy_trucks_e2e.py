"""Heavy-truck plan view in headless chromium: a real job from the Plans tab, its KPIs and
charts (each with a text alternative), the stations table, the year selector of a
multi-year result, and the stations and electrified lanes drawn on the map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import make_key, open_english_page, run_plan_section

pytestmark = pytest.mark.browser

PATH = "/v1/heavy-trucks/plans"


@pytest.fixture(scope="module")
def planner_key(service: str) -> str:
    return make_key("planner", "e2e-heavy-trucks")


def _run(page: Any, body: dict[str, Any], timeout_ms: int) -> Any:
    return run_plan_section(page, PATH, body, timeout_ms)


def test_heavy_truck_plan_view_and_map(
    service: str, browser: Any, artifacts: Path, planner_key: str
) -> None:
    ctx, page, errors = open_english_page(browser, service)
    try:
        page.fill("#apikey", planner_key)
        out = _run(page, {"year": 2030, "time_limit_s": 60}, 240_000)
        view = out.locator("section.trucks-view")
        assert view.count() == 1, out.inner_text()[:500]
        text = view.inner_text()
        assert "electrified t-km" in text and "MIP gap" in text
        assert view.locator(".kpi.ok", has_text="MIP gap").count() == 1  # gap <= 1 %
        figs = view.locator("figure.chart")
        assert figs.count() >= 4
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('.trucks-view svg')]
               .filter(s => s.getAttribute('role') !== 'img'
                            || !(s.getAttribute('aria-label') || '').trim()).length"""
        )
        assert unlabelled == 0
        stations = view.locator(".trucks-year-detail table.data").first.locator("tbody tr")
        n_stations = stations.count()
        assert n_stations >= 1
        button = view.locator("button.trucks-map")
        button.click()
        assert button.get_attribute("aria-pressed") == "true"
        assert page.locator("path.truck-station").count() == n_stations
        assert page.locator("path.truck-lane").count() >= 1
        page.screenshot(path=str(artifacts / "web-heavy-trucks.png"))
        with page.expect_download() as dl:  # the report, fetched with the key
            view.locator("button.trucks-report").click()
        assert dl.value.suggested_filename == "heavy-truck-plan-2030.html"
        report = Path(dl.value.path()).read_text(encoding="utf-8")
        assert report.lower().startswith("<!doctype html>") and "<svg" in report
        button.press("Enter")  # the keyboard hides them again
        assert page.locator("path.truck-station").count() == 0
        assert errors == [], errors
    finally:
        ctx.close()


def test_heavy_truck_years_selector(service: str, browser: Any, planner_key: str) -> None:
    ctx, page, errors = open_english_page(browser, service)
    try:
        page.fill("#apikey", planner_key)
        out = _run(page, {"years": "2026-2027", "time_limit_s": 60}, 300_000)
        view = out.locator("section.trucks-view")
        assert view.count() == 1, out.inner_text()[:500]
        fleet = view.locator("figure.stacked", has_text="fleet by year")
        label = fleet.locator("svg").get_attribute("aria-label") or ""
        assert "2026" in label and "2027" in label
        assert "2027" in view.locator(".trucks-year-detail h4").inner_text()
        page.select_option("select.trucks-year", "0")
        assert "2026" in view.locator(".trucks-year-detail h4").inner_text()
        assert errors == [], errors
    finally:
        ctx.close()
