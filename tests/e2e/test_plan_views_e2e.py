"""Plan views in headless chromium: the fleet plan (contract-shaped job served by request
interception, and a real tiny plan) and the assignment (a real job; the conversion view is
checked by test_web_e2e.py::test_plan_job_with_key through the Jobs tab), the
place picker's swallowed-click bug, keyboard use and both page widths (screenshots saved)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import make_key, open_english_page, run_plan_section

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def planner_key(service: str) -> str:
    return make_key("planner", "e2e-plan-views")


def _shot_panel(page: Any, path: Path) -> None:
    """Screenshot of the whole panel: the panel scrolls inside the page, so it is shown unclipped
    (the same page, only the scroll container let out) for the artifact."""
    page.add_style_tag(content=".layout{height:auto!important}.panel{overflow:visible!important}")
    page.screenshot(path=str(path), full_page=True)


def _fleet_year(year: int, k: float) -> dict[str, Any]:
    """One year of the fleet-plan contract, numbers growing with ``k``."""
    light, van, reefer = round(300 * k), round(120 * k), max(2, round(3 * k))
    vehicles = [
        {"type": "bev_light", "depot": "dep_station_front", "count": light, "powertrain": "bev",
         "refrigerated": False, "battery_kwh": 81.0},
        {"type": "bev_van", "depot": "dep_industrial", "count": van, "powertrain": "bev",
         "refrigerated": False, "battery_kwh": 60.0},
        {"type": "bev_reefer", "depot": "dep_industrial", "count": reefer, "powertrain": "bev",
         "refrigerated": True, "battery_kwh": 81.0},
    ]  # fmt: skip
    c1, c2 = -(-light // 4), -(-(van + reefer) // 4)
    if year == 2026:  # one depot over 4:1, the city as a whole within
        c1, c2 = c1 + 5, c2 - 3
    return {
        "year": year,
        "vehicles": vehicles,
        "chargers": [
            {
                "site": "cs_dep_station_front",
                "depot": "dep_station_front",
                "power_kw": 22.0,
                "count": c1,
                "peak_kw": 18.0 * c1,
                "energy_kwh": 80.0 * light,
                "occupancy": 0.7,
                "energy_cost_cny": 50.0 * light,
                "short_kwh": 0.0,
                "binding": None,
            },
            {
                "site": "cs_dep_industrial",
                "depot": "dep_industrial",
                "power_kw": 60.0,
                "count": c2,
                "peak_kw": 50.0 * c2,
                "energy_kwh": 70.0 * van,
                "occupancy": 0.6,
                "energy_cost_cny": 45.0 * van,
                "short_kwh": 0.0,
                "binding": None,
                # midday charging only from 2030 (before: all zero, columns hidden)
                "midday_kwh": 12.5 * c2 if year >= 2030 else 0.0,
                "midday_peak_kw": 120.0 if year >= 2030 else 0.0,
                "midday_vehicles": 3 if year >= 2030 else 0,
            },
        ],  # fmt: skip
        "vehicles_per_charger": round((light + van + reefer) / (c1 + c2), 2),
        "vehicles_per_charger_by_depot": [
            {
                "depot": "dep_station_front",
                "plug_in_vehicles": light,
                "chargers": c1,
                "ratio": round(light / c1, 2),
            },
            {
                "depot": "dep_industrial",
                "plug_in_vehicles": van + reefer,
                "chargers": c2,
                "ratio": round((van + reefer) / c2, 2),
            },
        ],  # fmt: skip
        "refrigerated_share": round(reefer / (light + van + reefer), 4),
        "overnight_energy_ok": True,
        "daily_check": [
            {
                "day": d,
                "stops": 9000,
                "served": 9000,
                "unserved": 0,
                "routes": round((light + van) * f * 1.5),
                "vehicles_used": round((light + van) * f),
                "duty_lower_bound": round((light + van) * f) - 7,
                "duties_with_midday_charge": 11,
                "distance_km": 1e5,
                "energy_kwh": 3e4,
                "verified": True,
                "wall_s": 10.0,
            }
            for d, f in (("winter", 0.95), ("summer", 0.85))
        ],  # fmt: skip
        "policy": {
            "target_new_energy_vehicles": 3000,
            "target_year": 2035,
            "planned_new_energy_vehicles": light + van + reefer,
            "max_vehicles_per_charger": 4,
            "min_refrigerated_share": 0.005,
            "note": "demand needs fewer vehicles than the target",
        },  # fmt: skip
        "cost": {
            "vehicles_cny_per_year": 1e6 * k,
            "chargers_cny_per_year": 2e5 * k,
            "energy_cny_per_year": 3e5 * k,
            "driver_and_maintenance_cny_per_year": 4e6 * k,
            "total_cny_per_year": 5.5e6 * k,
        },  # fmt: skip
        "assumptions": {"operating_days_per_year": 300},
        "sampled": False,
        "partial": False,
        "wall_s": 100.0,
    }


def _serve_fake_fleet_job(page: Any, result: dict[str, Any]) -> dict[str, Any]:
    """Intercept the fleet-plan job API: 202, two polls running, then the result."""
    seen: dict[str, Any] = {"posted": None, "polls": 0, "auth": None}
    job = {"id": "fake-fleet-job", "kind": "fleet-plan", "message": "", "partial": False}
    job.update({"attempts": 1, "time_limit_s": 60, "timings": {}, "error": None, "links": {}})

    def post(route: Any) -> None:
        seen["posted"] = json.loads(route.request.post_data or "{}")
        seen["auth"] = route.request.headers.get("authorization")
        body = {**job, "status": "queued", "progress": 0.0}
        route.fulfill(status=202, content_type="application/json", body=json.dumps(body))

    def poll(route: Any) -> None:
        seen["polls"] += 1
        done = seen["polls"] > 2
        body = {
            **job,
            "status": "succeeded" if done else "running",
            "progress": 1.0 if done else 0.45,
            "message": "" if done else "routing winter day",
        }
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    def res(route: Any) -> None:
        body = {"id": job["id"], "kind": "fleet-plan", "partial": False, "result": result}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    def report(route: Any) -> None:
        seen["report_auth"] = route.request.headers.get("authorization")
        route.fulfill(status=200, content_type="text/html", body="<h1>Fleet plan</h1>")

    page.route("**/v1/fleet/plans", post)
    page.route(re.compile(r".*/v1/fleet/plans/fake-fleet-job/report\?format=html$"), report)
    page.route(re.compile(r".*/v1/jobs/fake-fleet-job$"), poll)
    page.route(re.compile(r".*/v1/jobs/fake-fleet-job/result$"), res)
    return seen


def _fleet_section(page: Any) -> Any:
    page.click("#tab-plans")
    section = page.locator("#plans section.plan[data-path='/v1/fleet/plans']")
    section.wait_for(timeout=10_000)
    return section


def test_fleet_plan_view_contract(service: str, browser: Any, artifacts: Path) -> None:
    plans = [_fleet_year(y, k) for y, k in ((2026, 1.0), (2030, 2.2), (2035, 4.0))]
    result = {"plans": plans, "wall_s": 300.0, "partial": False,
              "report_md": "# Fleet plan 2026–2035\n\n<svg></svg>\n"}  # fmt: skip
    ctx, page, errors = open_english_page(browser, service)
    try:
        seen = _serve_fake_fleet_job(page, result)
        page.fill("#apikey", "kfo_fake_planner")
        section = _fleet_section(page)
        # the year field writes the JSON body that is sent
        section.locator("input[name='years']").fill("2026, 2030, 2035")
        section.locator("input[name='max_stops']").fill("40")
        section.locator("button.run-plan").click()
        out = section.locator(".plan-out")
        out.locator("progress").first.wait_for(timeout=10_000)  # job progress is shown
        out.locator(".fleet-view").wait_for(timeout=15_000)
        assert seen["posted"]["years"] == [2026, 2030, 2035]
        assert seen["posted"]["max_stops"] == 40
        assert seen["auth"] == "Bearer kfo_fake_planner"
        # charts, each with a text alternative naming its data
        figs = out.locator("figure.chart")
        assert figs.count() >= 8
        fleet = out.locator("figure.stacked", has_text="Fleet by year and vehicle type")
        label = fleet.locator("svg").get_attribute("aria-label") or ""
        assert (
            "2035" in label and f"total {sum(v['count'] for v in plans[2]['vehicles']):,}" in label
        )
        assert fleet.locator("rect title").count() == 3 * 3  # three years, three types stacked
        ratio = out.locator("figure", has_text="Vehicles per charger, city-wide")
        assert ratio.locator("line[stroke-dasharray]").count() == 1  # the 4:1 limit line
        assert "4:1 limit" in (ratio.locator("svg").get_attribute("aria-label") or "")
        # 2026 over the limit at one depot is flagged, the others are not
        per_depot = out.locator("figure.hbar", has_text="Plug-in vehicles per charger")
        assert per_depot.locator("rect.bar-over").count() == 0  # 2035 shown first: all within
        # the 2035 detail: route and duty columns in the daily check, midday charging columns
        detail = out.locator(".fleet-year-detail")
        heads = detail.locator("table.data th").all_text_contents()
        for head in ("Routes", "Vehicles used (duties)", "Duty lower bound",
                     "Duties with midday charge", "Midday (kWh)", "Midday peak (kW)"):  # fmt: skip
            assert head in heads, heads
        day = plans[2]["daily_check"][0]
        winter = detail.locator("table.data tr", has_text="winter").text_content() or ""
        for key in ("routes", "duty_lower_bound"):
            assert f"{day[key]:,}" in winter, (key, winter)
        assert "Winter vs summer representative day, 2035: routes" in (detail.text_content() or "")
        page.select_option("select.fleet-year", "0")
        assert "2026" in out.locator(".fleet-year-detail h4").inner_text()
        heads = detail.locator("table.data th").all_text_contents()
        assert "Duty lower bound" in heads and "Midday (kWh)" not in heads  # no midday in 2026
        assert per_depot.locator("rect.bar-over").count() == 1  # dep_industrial over 4:1
        assert "1 at or over" in (per_depot.locator("svg").get_attribute("aria-label") or "")
        policy = out.locator("figure", has_text="policy target")
        assert "policy target 3,000" in (policy.locator("svg").get_attribute("aria-label") or "")
        assert out.locator("figure", has_text="Refrigerated share").count() == 1
        assert out.locator("figure", has_text="Winter vs summer").count() >= 1
        assert out.locator("figure", has_text="Peak charging load by site").count() == 1
        # every chart has a text alternative, and its data is in a table too
        unlabelled = page.evaluate(
            """[...document.querySelectorAll('.fleet-view svg')]
               .filter(s => s.getAttribute('role') !== 'img'
                            || !(s.getAttribute('aria-label') || '').trim()).length"""
        )
        assert unlabelled == 0
        assert out.locator("details table.data").count() >= 6
        # the report downloads as Markdown
        with page.expect_download() as dl:
            out.locator("a.report-md").click()
        path = dl.value.path()
        assert dl.value.suggested_filename == "fleet-plan-2026-2035.md"
        assert Path(path).read_text(encoding="utf-8") == result["report_md"]
        # and as HTML from the report endpoint, with the key
        with page.expect_download() as dl:
            out.locator("button.report-html").click()
        assert dl.value.suggested_filename == "fleet-plan-2026-2035.html"
        assert Path(dl.value.path()).read_text(encoding="utf-8") == "<h1>Fleet plan</h1>"
        assert seen["report_auth"] == "Bearer kfo_fake_planner"
        _shot_panel(page, artifacts / "web-fleet-plan.png")
        assert errors == [], errors
    finally:
        ctx.close()


def test_fleet_plan_view_phone_width(service: str, browser: Any, artifacts: Path) -> None:
    result = _fleet_year(2035, 4.0)
    result["report_md"] = "# Fleet plan 2035\n"
    ctx, page, errors = open_english_page(browser, service, width=390, height=844)
    try:
        _serve_fake_fleet_job(page, result)
        page.fill("#apikey", "kfo_fake_planner")
        section = _fleet_section(page)
        # keyboard only: the year field, then Enter submits the plan
        section.locator("input[name='years']").focus()
        page.keyboard.press("Control+a")
        page.keyboard.type("2035")
        page.keyboard.press("Enter")
        section.locator(".fleet-view").wait_for(timeout=15_000)
        assert section.locator("figure.chart").count() >= 6
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(artifacts / "web-fleet-plan-phone.png"), full_page=True)
        assert errors == [], errors
    finally:
        ctx.close()


def test_assignment_view_and_map_overlay(
    service: str, browser: Any, artifacts: Path, planner_key: str
) -> None:
    ctx, page, errors = open_english_page(browser, service)
    try:
        page.fill("#apikey", planner_key)
        out = run_plan_section(page, "/v1/assignments", {"year": 2025, "time_limit_s": 20}, 90_000)
        view = out.locator("section.assignment-view")
        assert view.count() == 1, out.inner_text()[:500]
        lines = view.locator("figure.hbar", has_text="Rail line utilisation")
        assert lines.locator("rect").count() >= 1
        # bars are sorted, highest first
        label = lines.locator("svg").get_attribute("aria-label") or ""
        assert "at or over 90 %" in label
        util = page.evaluate(
            """() => [...document.querySelectorAll('.assignment-view tbody tr')]
                 .map(r => parseFloat(r.cells[6].textContent))"""
        )
        assert util == sorted(util, reverse=True)
        over = sum(u > 90 for u in util)
        assert view.locator("tbody tr.over").count() == over
        # the map overlay colours links by utilisation, and goes away again
        button = view.locator("button.util-map")
        button.click()
        assert page.locator("path.util-link").count() >= 1
        assert button.get_attribute("aria-pressed") == "true"
        page.screenshot(path=str(artifacts / "web-assignment.png"))
        button.press("Enter")  # keyboard toggles it off
        assert page.locator("path.util-link").count() == 0
        assert errors == [], errors
    finally:
        ctx.close()


def test_first_click_after_typing_destination_is_not_swallowed(
    service: str, browser: Any, artifacts: Path
) -> None:
    """Regression: with a native <datalist>, the first mouse click after typing into the
    destination only closed the suggestion popup, and the route query never went out."""
    ctx, page, errors = open_english_page(browser, service)
    try:
        page.fill("#origin", "kuytun_west")
        page.click("#destination")
        page.keyboard.type("Alasha", delay=20)
        listbox = page.locator("#destination-listbox")
        listbox.wait_for(state="visible", timeout=5_000)
        assert listbox.locator("[role=option]").count() >= 1  # suggestions are offered
        page.screenshot(path=str(artifacts / "web-suggestions.png"))
        sent: list[str] = []
        page.on(
            "request",
            lambda r: sent.append(r.url) if urlparse(r.url).path == "/v1/routes" else None,
        )
        box = page.locator("#route-submit").bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        deadline = time.monotonic() + 5
        while not sent and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        assert sent, "the first click on 'Find routes' was swallowed"
        # a suggestion chosen with the mouse fills the field in one click
        page.fill("#destination", "")
        page.keyboard.type("阿拉山口")
        listbox.locator("[role=option]").first.click()
        assert re.search(r"\(alashankou[^)]*\)$", page.input_value("#destination"))
        assert listbox.is_hidden()
        # and with the keyboard: ArrowDown + Enter picks, Escape closes
        page.fill("#origin", "")
        page.focus("#origin")
        page.keyboard.type("kuytun")
        page.keyboard.press("ArrowDown")
        assert page.get_attribute("#origin", "aria-activedescendant") == "origin-listbox-0"
        page.keyboard.press("Enter")
        assert "(" in page.input_value("#origin")
        assert page.get_attribute("#origin", "aria-expanded") == "false"
        assert errors == [], errors
    finally:
        ctx.close()


def test_real_tiny_fleet_plan(
    service: str, browser: Any, artifacts: Path, planner_key: str
) -> None:
    ctx, page, errors = open_english_page(browser, service)
    try:
        page.fill("#apikey", planner_key)
        section = _fleet_section(page)
        section.locator("input[name='years']").fill("2030")
        section.locator("input[name='max_stops']").fill("40")
        section.locator("input[name='time_limit_s']").fill("30")
        section.locator("button.run-plan").click()
        out = section.locator(".plan-out")
        out.locator(".fleet-view, .error").first.wait_for(timeout=60_000)
        assert out.locator(".fleet-view").count() == 1, out.inner_text()[:500]
        assert out.locator("figure.chart").count() >= 6
        assert "sampled" in out.inner_text().lower()
        # the job's report, from the service's report endpoint, as HTML
        with page.expect_download() as dl:
            out.locator("button.report-html").click()
        assert dl.value.suggested_filename == "fleet-plan-2030.html"
        assert "<svg" in Path(dl.value.path()).read_text(encoding="utf-8")
        # the routes come from the plan's routes endpoint (the job result has none) when drawn
        with page.expect_response(lambda r: "/routes?year=2030&season=winter" in r.url) as got:
            out.locator("button.fleet-routes-map").click()
        assert got.value.status == 200 and "geo+json" in got.value.headers["content-type"]
        page.wait_for_function("document.querySelectorAll('#map path.fleet-route').length > 0")
        _shot_panel(page, artifacts / "web-fleet-plan-real.png")
        assert errors == [], errors
    finally:
        ctx.close()
