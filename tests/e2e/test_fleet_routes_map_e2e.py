"""The fleet-plan view draws the chosen year's kept routes of one representative day on the
map (headless chromium; the plan job is served by request interception)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import open_english_page
from tests.e2e.test_plan_views_e2e import _fleet_section, _fleet_year, _serve_fake_fleet_job

pytestmark = pytest.mark.browser

DEPOT = {"id": "dep_station_front", "lon": 84.893, "lat": 44.433}


def _route(n: int, stops: int) -> dict[str, Any]:
    """A contract-shaped kept route of ``stops`` stops east of the depot."""
    return {
        "vehicle": f"bev_light@{DEPOT['id']}#{n}", "vehicle_type": "bev_light",
        "depot": DEPOT["id"], "start": "08:00+08:00", "end": "10:00+08:00",
        "start_min": 480.0, "end_min": 600.0, "distance_km": 8.5, "energy_kwh": 2.6,
        "cost_cny": 150.0, "load_kg": 100.0 * stops,
        "stops": [
            {"id": f"s{n}-{k}", "lon": 84.90 + 0.004 * k, "lat": 44.43 + 0.002 * n,
             "arrive": "08:30+08:00", "arrive_min": 510.0 + k, "start_min": 510.0 + k,
             "depart_min": 515.0 + k, "load_kg": 100.0 * (stops - k - 1), "soc_kwh": 70.0}
            for k in range(stops)
        ],
        "charging": [],
    }  # fmt: skip


def _days(year: int) -> list[dict[str, Any]]:
    return [
        {"year": year, "season": "winter", "depots": [DEPOT],
         "routes": [_route(1, 3), _route(2, 2)], "unserved": []},
        {"year": year, "season": "summer", "depots": [DEPOT],
         "routes": [_route(1, 4), _route(2, 3), _route(3, 2)], "unserved": []},
    ]  # fmt: skip


def test_the_years_routes_are_drawn_on_the_map(service: str, browser: Any) -> None:
    plans = [{**_fleet_year(y, k), "routes": _days(y)} for y, k in ((2030, 1.0), (2035, 2.0))]
    result = {"plans": plans, "wall_s": 10.0, "partial": False}
    ctx, page, errors = open_english_page(browser, service)
    try:
        _serve_fake_fleet_job(page, result)
        page.fill("#apikey", "kfo_fake_planner")
        section = _fleet_section(page)
        section.locator("input[name='years']").fill("2030, 2035")
        section.locator("button.run-plan").click()
        out = section.locator(".plan-out")
        out.locator(".fleet-view").wait_for(timeout=15_000)
        button = out.locator("button.fleet-routes-map")
        lines = page.locator("#map path.fleet-route")
        assert lines.count() == 0
        button.click()
        assert button.get_attribute("aria-pressed") == "true"
        page.wait_for_function("document.querySelectorAll('#map path.fleet-route').length == 2")
        page.select_option("select.fleet-route-day", "summer")
        page.wait_for_function("document.querySelectorAll('#map path.fleet-route').length == 3")
        button.click()
        assert lines.count() == 0 and button.get_attribute("aria-pressed") == "false"
        assert not errors, errors
    finally:
        ctx.close()
