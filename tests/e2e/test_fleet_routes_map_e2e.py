"""The fleet-plan view draws the chosen year's kept routes of one representative day on the
map, fetched from the plan's routes endpoint only when asked (headless chromium; the plan
job is served by request interception)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import open_english_page
from tests.e2e.test_i18n_e2e import _axe
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


def _geojson(days: list[dict[str, Any]]) -> dict[str, Any]:
    """The routes endpoint's GeoJSON of ``days``: a LineString per route (depot, stops,
    depot) with the route's properties, a Point per unserved stop."""
    feats: list[dict[str, Any]] = []
    for d in days:
        home = [DEPOT["lon"], DEPOT["lat"]]
        for n, r in enumerate(d["routes"], 1):
            line = [home] + [[s["lon"], s["lat"]] for s in r["stops"]] + [home]
            props = {"route": n, "depot": r["depot"], "vehicle": r["vehicle"],
                     "stops": [s["id"] for s in r["stops"]], "distance_km": r["distance_km"],
                     "start": r["start"], "end": r["end"], "year": d["year"],
                     "season": d["season"]}  # fmt: skip
            feats.append({"type": "Feature", "id": f"{d['year']}-{d['season']}-route-{n}",
                          "geometry": {"type": "LineString", "coordinates": line},
                          "properties": props})  # fmt: skip
    feats.append({"type": "Feature", "id": "unserved-x",
                  "geometry": {"type": "Point", "coordinates": [84.95, 44.45]},
                  "properties": {"unserved": "x", "reason": "time window"}})  # fmt: skip
    return {"type": "FeatureCollection", "features": feats}


def test_the_years_routes_are_drawn_on_the_map(service: str, browser: Any) -> None:
    kept = {y: _days(y) for y in (2030, 2035)}
    # the job result leaves the routes out (routes null), as GET /v1/jobs/{id}/result does
    plans = [{**_fleet_year(y, k), "routes": None} for y, k in ((2030, 1.0), (2035, 2.0))]
    result = {"plans": plans, "wall_s": 10.0, "partial": False}
    asked: list[dict[str, list[str]]] = []

    def routes(route: Any) -> None:
        q = parse_qs(urlparse(route.request.url).query)
        asked.append(q)
        year, season = int(q["year"][0]), q["season"][0]
        days = [d for d in kept[year] if d["season"] == season]
        route.fulfill(status=200, content_type="application/geo+json",
                      body=json.dumps(_geojson(days)))  # fmt: skip

    ctx, page, errors = open_english_page(browser, service)
    try:
        _serve_fake_fleet_job(page, result)
        page.route(re.compile(r".*/v1/fleet/plans/fake-fleet-job/routes\?.*"), routes)
        urls: list[str] = []
        page.on("request", lambda r: urls.append(r.url))
        page.fill("#apikey", "kfo_fake_planner")
        section = _fleet_section(page)
        section.locator("input[name='years']").fill("2030, 2035")
        section.locator("button.run-plan").click()
        out = section.locator(".plan-out")
        out.locator(".fleet-view").wait_for(timeout=15_000)
        button = out.locator("button.fleet-routes-map")
        lines = page.locator("#map path.fleet-route")
        assert lines.count() == 0 and asked == []  # nothing fetched before the user asks
        button.click()
        assert button.get_attribute("aria-pressed") == "true"
        page.wait_for_function("document.querySelectorAll('#map path.fleet-route').length == 2")
        page.select_option("select.fleet-route-day", "summer")
        page.wait_for_function("document.querySelectorAll('#map path.fleet-route').length == 3")
        page.select_option("select.fleet-year", "0")  # 2030, summer
        page.wait_for_function("document.querySelectorAll('#map path.fleet-route').length == 3")
        page.select_option("select.fleet-route-day", "winter")
        page.wait_for_function("document.querySelectorAll('#map path.fleet-route').length == 2")
        assert [(q["year"], q["season"], q["format"]) for q in asked] == [
            (["2035"], ["winter"], ["geojson"]), (["2035"], ["summer"], ["geojson"]),
            (["2030"], ["summer"], ["geojson"]), (["2030"], ["winter"], ["geojson"]),
        ]  # fmt: skip
        page.select_option("select.fleet-year", "1")  # 2035 winter again: drawn from the cache
        page.wait_for_function("document.querySelectorAll('#map path.fleet-route').length == 2")
        assert len(asked) == 4
        results = [u for u in urls if "/v1/jobs/fake-fleet-job/result" in u]
        assert results and all("routes=true" not in u for u in results)
        assert not out.locator(".fleet-routes-err").inner_text().strip()
        assert _axe(page) == []
        button.click()
        assert lines.count() == 0 and button.get_attribute("aria-pressed") == "false"
        assert not errors, errors
    finally:
        ctx.close()
