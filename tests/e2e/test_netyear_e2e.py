"""Headless chromium: the page's network year (the route form's year selector draws
GET /v1/network?year=Y, offers that year's places and sends ?year=Y with route queries; the
year is in the route URL, reloads and Back), the comparison settings of the Scenarios tab in
the URL, and the regional basemap's mountain ranges and urban areas; axe and the 390 px
layout on these states."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import ENGLISH
from tests.e2e.test_i18n_e2e import Page, _axe

pytestmark = pytest.mark.browser

EARLY, LATE = 2027, 2030  # two network years the selector offers


def _network(base: str, year: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"{base}/v1/network?year={year}", timeout=10) as r:
        return dict(json.load(r))


def _places(fc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f["properties"]["id"]: f["properties"]
        for f in fc["features"]
        if f["geometry"]["type"] == "Point"
    }


def _counts(fc: dict[str, Any]) -> tuple[int, int]:
    kinds = [f["geometry"]["type"] for f in fc["features"]]
    return kinds.count("Point"), kinds.count("LineString")


def _offered(page: Any, typed: str) -> list[str]:
    """Ids the origin picker offers for ``typed``."""
    page.fill("#origin", "")
    page.type("#origin", typed)
    page.wait_for_timeout(150)
    ids = page.eval_on_selector_all(
        "#origin-listbox [role=option]", "els => els.map(e => e.dataset.id)"
    )
    page.press("#origin", "Escape")
    return list(ids)


def _hash(page: Any) -> tuple[str, dict[str, list[str]]]:
    frag = urlparse(page.url).fragment
    path, _, query = frag.partition("?")
    return path, parse_qs(query)


def _drawn(page: Any, year: int) -> None:
    page.wait_for_selector(f"body[data-network-year='{year}']", timeout=20_000)


def test_network_year_drives_map_places_and_routes(
    service: str, browser: Any, artifacts: Path
) -> None:
    early, late = _network(service, EARLY), _network(service, LATE)
    # a place the plan opens between the two years (from the data, not a fixed id)
    opened = [
        p
        for pid, p in _places(late).items()
        if pid not in _places(early) and p.get("accepts_freight") and p.get("name_zh")
    ]
    assert opened, f"no place opens between {EARLY} and {LATE}"
    new = opened[0]
    p = Page(browser, service)
    p.ctx.add_init_script(ENGLISH)
    routes: list[str] = []
    p.page.on(
        "request",
        lambda r: routes.append(r.url) if urlparse(r.url).path == "/v1/routes" else None,
    )
    try:
        page = p.open()
        this_year = datetime.now(ZoneInfo("Asia/Shanghai")).year
        # by default the current year (Beijing), the API's default network
        assert page.input_value("#year") == str(this_year)
        _drawn(page, this_year)

        page.select_option("#year", str(EARLY))
        _drawn(page, EARLY)
        assert _hash(page) == ("/routes", {"year": [str(EARLY)]})
        nodes, links = _counts(early)
        assert page.locator("path.net-node").count() == nodes
        assert page.locator("path.net-link").count() == links
        assert "Network 2027" in page.inner_text("#map-status")
        # the place that opens later is not offered, by Chinese name or by id
        assert new["id"] not in _offered(page, new["name_zh"])
        assert new["id"] not in _offered(page, new["id"])

        page.select_option("#year", str(LATE))
        _drawn(page, LATE)
        nodes, links = _counts(late)
        assert page.locator("path.net-node").count() == nodes
        assert page.locator("path.net-link").count() == links
        assert new["id"] in _offered(page, new["name_zh"])

        # a route query from it goes to the chosen year's network and names it in the URL
        page.fill("#destination", "alashankou")
        page.fill("#origin", "")
        page.type("#origin", new["name_zh"])
        page.press("#origin", "Enter")
        page.wait_for_selector("#alternatives-table", timeout=30_000)
        assert parse_qs(urlparse(routes[-1]).query) == {"year": [str(LATE)]}
        path, query = _hash(page)
        assert path == "/routes"
        assert query["from"] == [new["id"]] and query["year"] == [str(LATE)]
        answer = page.inner_text("#alternatives-table tbody")

        # reload: the same year, places and answer
        sent = len(routes)
        page.reload()
        page.wait_for_selector("body[data-view='ready']", timeout=20_000)
        page.wait_for_selector("#alternatives-table", timeout=30_000)
        assert page.input_value("#year") == str(LATE)
        assert page.get_attribute("body", "data-network-year") == str(LATE)
        assert len(routes) == sent + 1 and f"year={LATE}" in routes[-1]
        assert page.inner_text("#alternatives-table tbody") == answer
        page.screenshot(path=str(artifacts / "netyear-route.png"))
        assert _axe(page) == []

        # Back to the earlier year: its network again, the results dropped, the origin flagged
        page.go_back()  # the query's entry -> the year-only entry of LATE
        page.go_back()  # -> EARLY
        _drawn(page, EARLY)
        assert page.input_value("#year") == str(EARLY)
        assert page.locator("#alternatives-table").count() == 0
        assert page.get_attribute("#origin", "aria-invalid") == "true"
        assert "2027" in page.inner_text("#origin-err")
        # a route query now is refused by the API (that year has no such place), not rerouted
        page.press("#destination", "Enter")
        page.locator("#route-error").wait_for(state="visible", timeout=15_000)
        assert new["id"] in page.inner_text("#route-error")
        assert f"year={EARLY}" in routes[-1]
    finally:
        p.close()


def test_scenarios_year_selector_is_the_page_year(service: str, browser: Any) -> None:
    """Choosing a year on the Scenarios tab changes the route form's places as well."""
    p = Page(browser, service)
    p.ctx.add_init_script(ENGLISH)
    try:
        page = p.open("#/scenarios")
        page.select_option("#sc-netyear", str(LATE))
        _drawn(page, LATE)
        page.wait_for_selector(f"#sc-netstatus >> text=Network {LATE}")
        page.click("#tab-route")
        assert page.input_value("#year") == str(LATE)
        assert _hash(page) == ("/routes", {"year": [str(LATE)]})
        late = _places(_network(service, LATE))
        shown = page.evaluate("[...window.kfo.netmap.nodesById.keys()]")
        assert sorted(shown) == sorted(late)
    finally:
        p.close()


@pytest.fixture(scope="module")
def planner(service: str) -> str:
    from tests.e2e.conftest import make_key

    return make_key("planner", "e2e-netyear")


def _create_scenario(base: str, key: str) -> str:
    body = {
        "name": "Kuqa railway doubled (URL test)",
        "base_year": 2035,
        "changes": [
            {
                "op": "update",
                "table": "links",
                "id": "r_kuytun__kuqa",
                "values": {"capacity_per_day": 40},
            }
        ],
    }
    req = urllib.request.Request(
        base + "/v1/scenarios",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return str(json.load(r)["id"])


def _fake_assignments(page: Any, calls: list[str]) -> None:
    """Answer the assignment jobs in the page (the comparison itself is checked with real
    jobs in test_scenarios_e2e): each side's figures come from its own query, so a side
    that went to the wrong network shows different numbers."""

    def result_for(query: str) -> dict[str, Any]:
        seed = sum(query.encode()) % 97
        return {
            "tonnes_total": 100_000.0,
            "tonnes_assigned": 90_000.0 - seed * 10,
            "tonnes_unassigned": 10_000.0 + seed * 10,
            "rail_share": 0.3 + seed / 1000,
            "objective_cny": 5_000_000.0 + seed * 1000,
            "co2_kg": 1_000_000.0 + seed * 100,
        }

    def handle(route: Any) -> None:
        url = urlparse(route.request.url)
        if url.path == "/v1/assignments" and route.request.method == "POST":
            calls.append(url.query)
            job = f"job-{len(calls)}-{url.query}"
            route.fulfill(status=202, json={"id": job, "status": "queued"})
        elif url.path.startswith("/v1/jobs/job-"):
            job = url.path.split("/")[3]
            if url.path.endswith("/result"):
                query = job.split("-", 2)[2]
                route.fulfill(json={"id": job, "result": result_for(query)})
            else:
                route.fulfill(json={"id": job, "status": "succeeded", "progress": 1.0})
        else:
            route.fallback()

    page.route(
        lambda url: (
            urlparse(url).path == "/v1/assignments"
            or urlparse(url).path.startswith("/v1/jobs/job-")
        ),
        handle,
    )


def test_comparison_settings_in_the_url(service: str, browser: Any, planner: str) -> None:
    sid = _create_scenario(service, planner)
    p = Page(browser, service, 390, 844)
    p.ctx.add_init_script(ENGLISH)
    p.ctx.add_init_script(f"sessionStorage.setItem('kfo-api-key', {json.dumps(planner)})")
    calls: list[str] = []
    _fake_assignments(p.page, calls)
    try:
        page = p.open("#/scenarios")
        page.wait_for_selector("#sc-table tbody tr")
        page.select_option("#sc-a", "year:2035")
        page.select_option("#sc-b", f"scenario:{sid}")
        page.select_option("#sc-demand", "2035")
        page.fill("#sc-limit", "20")
        page.click("#sc-run")
        page.wait_for_selector("#sc-compare-table")
        first = page.inner_text("#sc-compare-table")
        assert calls == ["year=2035", f"scenario={sid}"]
        assert _hash(page) == (
            "/scenarios",
            {"a": ["2035"], "b": [sid], "year": ["2035"], "limit": ["20"]},
        )
        # a second comparison: another entry in the history
        page.select_option("#sc-a", "year:2030")
        page.select_option("#sc-demand", "2030")
        page.click("#sc-run")
        page.wait_for_function("location.hash.includes('a=2030')")
        page.wait_for_selector("#sc-compare-table >> text=Network 2030")
        second = page.inner_text("#sc-compare-table")
        assert second != first

        # Back: the first comparison's settings and figures again (this tab has them)
        page.go_back()
        page.wait_for_function("location.hash.includes('a=2035')")
        page.wait_for_selector("#sc-compare-table >> text=Network 2035")
        assert page.input_value("#sc-a") == "year:2035"
        assert page.input_value("#sc-demand") == "2035"
        assert page.inner_text("#sc-compare-table") == first
        assert len(calls) == 4

        # the link in a new tab (same key) runs the same comparison again: same figures
        link = page.url
        q = Page(browser, service, 390, 844)
        q.ctx.add_init_script(ENGLISH)
        q.ctx.add_init_script(f"sessionStorage.setItem('kfo-api-key', {json.dumps(planner)})")
        again: list[str] = []
        _fake_assignments(q.page, again)
        try:
            other = q.open("#" + urlparse(link).fragment)
            other.wait_for_selector("#sc-compare-table", timeout=20_000)
            assert again == ["year=2035", f"scenario={sid}"]
            assert other.input_value("#sc-b") == f"scenario:{sid}"
            assert other.input_value("#sc-limit") == "20"
            assert other.inner_text("#sc-compare-table") == first
            sw, cw = other.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert sw <= cw, (sw, cw)
            assert _axe(other) == []
        finally:
            q.close()
    finally:
        p.close()


def _regional(page: Any) -> None:
    """Wait until the map has zoomed out to the regional view and stopped moving."""
    page.wait_for_selector("#map.zoom-region", timeout=10_000)
    page.wait_for_function("!document.querySelector('.leaflet-zoom-anim, .leaflet-pan-anim')")


def test_basemap_ranges_and_urban_areas(service: str, browser: Any, artifacts: Path) -> None:
    for width, height in [(1280, 800), (390, 844)]:
        p = Page(browser, service, width, height)
        p.ctx.add_init_script(ENGLISH)
        try:
            page = p.open()
            # the city view (Kuytun) hides them: too coarse at that scale
            assert not page.locator("path.bm-range-area >> nth=0").is_visible()
            assert not page.locator("path.bm-urban >> nth=0").is_visible()
            if not page.evaluate("document.querySelector('.legend details').open"):
                page.click(".legend summary")  # closed at phone width
            page.click(".legend button[data-view=region]")
            _regional(page)
            assert page.locator("path.bm-range-area >> nth=0").is_visible()
            assert page.locator("path.bm-urban >> nth=0").is_visible()
            fill = page.get_attribute("path.bm-range-area >> nth=0", "fill")
            assert fill == "url(#bm-hatch)" and page.locator("pattern#bm-hatch").count() == 1
            labels = page.locator(".bm-range").all_inner_texts()
            assert "Tianshan Mountains" in labels
            credit = page.inner_text(".leaflet-control-attribution")
            assert "Natural Earth (border, mountain ranges, urban areas)" in credit
            legend = page.inner_text(".legend")
            assert "Mountain range" in legend and "Urban area" in legend
            sw, cw = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert sw <= cw, (sw, cw)
            page.screenshot(path=str(artifacts / f"basemap-region-{width}.png"))
            assert _axe(page) == []
        finally:
            p.close()


def test_tianshan_lies_where_the_data_puts_it(service: str, browser: Any) -> None:
    """The hatched Tianshan covers Sayram Lake's south shore hills and not Kuytun's city
    centre or Ebinur Lake (points tested against the drawn SVG paths' fill, through
    Leaflet's projection)."""
    p = Page(browser, service)
    try:
        page = p.open()
        page.click(".legend button[data-view=region]")
        _regional(page)
        hits = page.evaluate(
            """() => {
              const m = window.kfo.netmap.map;
              const at = (lat, lon) => {
                const pt = m.latLngToLayerPoint([lat, lon]);
                return [...document.querySelectorAll("path.bm-range-area")]
                  .some(e => e.isPointInFill(new DOMPoint(pt.x, pt.y)));
              };
              return {
                tianshan: at(43.3, 84.6), kuytun: at(44.427, 84.904), ebinur: at(44.9, 82.9),
              };
            }"""
        )
        assert hits == {"tianshan": True, "kuytun": False, "ebinur": False}, hits
    finally:
        p.close()


PIGGYBACK_WORDS = {
    "en": {"mode": "Piggyback train", "form": "Piggyback", "swap": "Drop-and-hook transfer",
           "trailers": "1 semitrailer(s)", "kind": "Road → Piggyback train"},
    "zh": {"mode": "驮背运输班列", "form": "驮背运输", "swap": "甩挂换装",
           "trailers": "1 辆半挂车", "kind": "公路 → 驮背运输班列"},
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_2030_route_query_draws_and_labels_a_piggyback_leg(
    service: str, browser: Any, artifacts: Path, lang: str
) -> None:
    """Refrigerated food Kuytun West -> Urumqi on the 2030 network: the cheapest route is
    a piggyback train (驮背; the API answers it so, checked first): its chip, form, leg and
    transfer texts, its own line style on the map, and the legend's entries."""
    cargo = {"commodity": "cold_food", "form": "reefer", "quantity": 20, "unit": "t"}
    body = {"origin": "kuytun_west", "destination": "urumqi", "ready_at": "2030-03-04T08:00:00",
            "cargo": cargo}  # fmt: skip
    req = urllib.request.Request(
        f"{service}/v1/routes?year={LATE}", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(req, timeout=30) as r:
        best = json.load(r)["alternatives"][0]
    assert [leg["mode"] for leg in best["legs"]] == ["rail_piggyback"]
    words = PIGGYBACK_WORDS[lang]
    p = Page(browser, service)
    if lang == "en":
        p.ctx.add_init_script(ENGLISH)
    try:
        page = p.open()
        page.select_option("#year", str(LATE))
        _drawn(page, LATE)
        legend = page.inner_text(".legend")
        assert words["mode"] in legend and words["swap"] in legend
        page.fill("#origin", "kuytun_west")
        page.fill("#destination", "urumqi")
        page.select_option("#commodity", "cold_food")
        page.select_option("#form", "reefer")
        page.fill("#quantity", "20")
        page.select_option("#unit", "t")
        page.fill("#ready_at", "2030-03-04T08:00")
        page.click("#route-submit")
        page.wait_for_selector("#alternatives-table", timeout=30_000)
        first = page.inner_text("#alternatives-table tbody tr:first-child")
        assert words["mode"] in first and words["form"] in first
        legs = page.inner_text("ol.legs")
        assert words["mode"] in legs and words["trailers"] in legs and "pb_kuytun_urumqi" in legs
        assert words["kind"] in page.inner_text("#route-results")
        drawn = page.locator("path.route-leg-rail_piggyback.route-chosen")
        assert drawn.count() >= 1
        assert drawn.first.get_attribute("stroke-dasharray") == "12 4 2 4"
        assert drawn.first.get_attribute("stroke") == "#00897b"
        page.screenshot(path=str(artifacts / f"piggyback-route-{lang}.png"))
        assert _axe(page) == []
    finally:
        p.close()


def test_a_drop_and_hook_transfer_is_marked_and_labelled(service: str, browser: Any) -> None:
    """2035, containers of cotton Kuytun -> Alashankou: one of the alternatives the API
    answers swaps semitrailers (甩挂) at a terminal; shown, it gets the dashed teal ring on
    the map and its transfer reads drop-and-hook with the tractor cost it saves."""
    cargo = {"commodity": "cotton", "form": "container", "quantity": 2, "unit": "teu"}
    body = {"origin": "kuytun", "destination": "alashankou", "ready_at": "2035-03-06T08:00:00",
            "alternatives": 6, "cargo": cargo}  # fmt: skip
    req = urllib.request.Request(
        f"{service}/v1/routes?year=2035", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(req, timeout=30) as r:
        alts = json.load(r)["alternatives"]
    swaps = [i for i, a in enumerate(alts) if "drop_and_hook" in a["multimodal_forms"]]
    assert swaps, [a["multimodal_forms"] for a in alts]
    i = swaps[0]
    saved = [t["tractor_saved_cny"] for t in alts[i]["transfers"] if t["drop_and_hook"]]
    assert saved and saved[0] > 0
    p = Page(browser, service)
    p.ctx.add_init_script(ENGLISH)
    try:
        page = p.open()
        page.select_option("#year", "2035")
        _drawn(page, 2035)
        page.fill("#origin", "kuytun")
        page.fill("#destination", "alashankou")
        page.select_option("#commodity", "cotton")
        page.select_option("#form", "container")
        page.fill("#quantity", "2")
        page.select_option("#unit", "teu")
        page.fill("#ready_at", "2035-03-06T08:00")
        page.fill("#alternatives", "6")
        page.click("#route-submit")
        page.wait_for_selector("#alternatives-table", timeout=30_000)
        row = page.locator("#alternatives-table tbody tr").nth(i).inner_text()
        assert "Drop-and-hook" in row
        page.click(f"button.show-alt[data-i='{i}']")
        assert page.locator("path.route-transfer-drop-and-hook").count() >= 1
        swap = page.locator("#route-results li.transfer-drop-and-hook").first.inner_text()
        assert "Drop-and-hook" in swap and "tractor time saved" in swap
        assert _axe(page) == []
    finally:
        p.close()
