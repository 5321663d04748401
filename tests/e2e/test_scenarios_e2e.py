"""Scenarios view in headless chromium: create from the JSON editor (errors by JSON path),
list, shareable URL, the network year on the map, a real two-sided assignment comparison
(?year= vs ?scenario=) whose figures match the jobs' results, delete; axe and the 390 px
layout on the view."""

from __future__ import annotations

import json
import os
import re
import urllib.request
from typing import Any

import pytest

from tests.e2e.conftest import ENGLISH
from tests.e2e.test_i18n_e2e import Page, _axe

pytestmark = pytest.mark.browser

CLOSED = "r_kuytun__kuqa"  # the Kuytun–Kuqa railway, opened by the 2035 network
SCENARIO = {
    "name": "Kuqa railway closed",
    "base_year": 2035,
    "changes": [{"op": "remove", "table": "links", "id": CLOSED}],
}


@pytest.fixture(scope="module")
def planner_key(service: str) -> str:
    from api.db import Database
    from api.security import create_key

    db = Database(os.environ["KFO_E2E_DB_URL"])
    try:
        _, secret = create_key(db, "planner", "e2e-scenarios")
    finally:
        db.dispose()
    return secret


def _get(base: str, path: str, key: str) -> Any:
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def _open(
    browser: Any, service: str, key: str, width: int = 1280, height: int = 800, english: bool = True
) -> Page:
    p = Page(browser, service, width, height)
    if english:
        p.ctx.add_init_script(ENGLISH)
    p.ctx.add_init_script(f"sessionStorage.setItem('kfo-api-key', {json.dumps(key)})")
    return p


def _num(text: str) -> float:
    """A figure as the page prints it (grouping commas, CNY sign, % suffix) as a number."""
    cleaned = re.sub(r"[^0-9.\-−]", "", text).replace("−", "-")
    return float(cleaned)


def test_create_list_compare_delete(service: str, browser: Any, planner_key: str) -> None:
    p = _open(browser, service, planner_key)
    assignments: list[tuple[str, dict[str, Any]]] = []
    p.page.on(
        "request",
        lambda r: (
            assignments.append((r.url, json.loads(r.post_data or "{}")))
            if "/v1/assignments?" in r.url and r.method == "POST"
            else None
        ),
    )
    try:
        page = p.open("#/scenarios")
        assert page.locator("#tab-scenarios").get_attribute("aria-selected") == "true"
        page.wait_for_selector("#sc-list >> text=No scenarios yet.")
        # the editor starts with the documented example, which is a valid scenario
        example = json.loads(page.input_value("#sc-json"))
        assert example["changes"] and example["base_year"] >= 2000

        # a bad change is refused with its JSON path, nothing stored
        bad = {**SCENARIO, "changes": [{"op": "update", "table": "links", "id": CLOSED,
                                        "values": {"capacity_per_day": "many"}}]}  # fmt: skip
        page.fill("#sc-json", json.dumps(bad))
        page.click("#sc-create")
        err = page.locator("#sc-create-out .error")
        err.wait_for()
        assert "$.changes[0]" in err.inner_text(), err.inner_text()
        assert _get(service, "/v1/scenarios", planner_key)["total"] == 0
        page.fill("#sc-json", "{not json")
        page.click("#sc-create")
        page.wait_for_selector("#sc-create-out >> text=Not valid JSON")

        page.fill("#sc-json", json.dumps(SCENARIO))
        page.click("#sc-create")
        page.wait_for_selector("#sc-table tbody tr")
        stored = _get(service, "/v1/scenarios", planner_key)["items"]
        assert [s["name"] for s in stored] == [SCENARIO["name"]]
        sid = stored[0]["id"]
        assert page.locator("#sc-table tbody tr").count() == 1
        assert SCENARIO["name"] in page.locator("#sc-table").inner_text()
        page.wait_for_function(f"location.hash === '#/scenarios/{sid}'")
        assert "$.changes[0]" in page.locator("#sc-detail").inner_text()

        # the network year selector draws that year's network
        page.select_option("#sc-netyear", "2035")
        page.wait_for_selector("#sc-netstatus >> text=Network 2035")
        net = _get(service, "/v1/network?year=2035", planner_key)
        assert any(f.get("properties", {}).get("id") == CLOSED for f in net["features"])

        # compare the 2035 network with the scenario: two real assignment jobs
        assert page.input_value("#sc-b") == f"scenario:{sid}"
        page.select_option("#sc-a", "year:2035")
        page.select_option("#sc-demand", "2035")
        page.fill("#sc-limit", "20")
        page.click("#sc-run")
        table = page.locator("#sc-compare-table")
        table.wait_for(timeout=240_000)
        assert [u.split("/v1/assignments")[1] for u, _ in assignments] == [
            "?year=2035",
            f"?scenario={sid}",
        ]
        assert all(b == {"year": 2035, "time_limit_s": 20} for _, b in assignments)
        jobs = [
            re.search(r"/jobs/([^\"]+)", page.locator(f"#sc-job-{s} a").get_attribute("href") or "")
            for s in "ab"
        ]
        results = [
            _get(service, f"/v1/jobs/{m.group(1)}/result", planner_key)["result"] for m in jobs if m
        ]
        assert len(results) == 2
        assert [(r["network_year"], r["network_scenario"]) for r in results] == [
            (2035, None),
            (2035, sid),
        ]
        cells = {
            row.get_attribute("data-metric"): [c.inner_text() for c in row.locator("td").all()]
            for row in table.locator("tbody tr").all()
        }
        for i, r in enumerate(results):
            rail = _num(cells["rail_t"][i])
            road = _num(cells["road_t"][i])
            unassigned = _num(cells["unassigned_t"][i])
            total = _num(cells["total_t"][i])
            assert total == pytest.approx(r["tonnes_total"], rel=1e-3, abs=1)
            assert unassigned == pytest.approx(r["tonnes_unassigned"], rel=1e-3, abs=1)
            assert rail + road == pytest.approx(r["tonnes_assigned"], rel=1e-3, abs=2)
            assert rail + road + unassigned == pytest.approx(total, rel=1e-3, abs=3)
            assert _num(cells["rail_share"][i]) == pytest.approx(100 * r["rail_share"], abs=0.06)
            assert _num(cells["co2_t"][i]) == pytest.approx(r["co2_kg"] / 1000, rel=1e-3, abs=1)
            assert _num(cells["cost_cny"][i]) == pytest.approx(r["objective_cny"], rel=1e-3, abs=1)
            for form in ("piggyback", "drop_and_hook"):  # tonnes by multimodal form
                shown = _num(cells[f"{form}_t"][i])
                assert shown == pytest.approx(r["tonnes_by_multimodal_form"][form], rel=1e-3, abs=1)
        assert cells["total_t"][0] == cells["total_t"][1]  # the same demand on both sides
        # the scenario is applied: without the Kuqa railway, freight moves from rail to road
        rail = [r["rail_share"] * r["tonnes_assigned"] for r in results]
        assert rail[1] < rail[0] - 1000, rail
        assert cells["rail_t"][2].startswith("−") and cells["road_t"][2].startswith("+")
        assert _num(cells["rail_t"][2]) == pytest.approx(rail[1] - rail[0], rel=1e-3, abs=2)
        chart = page.locator(".scenario-comparison svg[role='img']")
        assert chart.count() == 1 and "Tonnes by mode" in (chart.get_attribute("aria-label") or "")

        assert _axe(page) == []

        # a shared URL reopens the scenario
        page.goto(f"{service}/#/scenarios/{sid}")
        page.reload()
        page.wait_for_selector(f"#sc-detail >> text={SCENARIO['name']}")

        page.locator(f"#sc-table button[data-act='delete'][data-id='{sid}']").click()
        page.wait_for_selector("#sc-list >> text=No scenarios yet.")
        assert _get(service, "/v1/scenarios", planner_key)["total"] == 0
    finally:
        p.close()


def test_phone_width_in_chinese_has_no_horizontal_scroll(
    service: str, browser: Any, planner_key: str, artifacts: Any
) -> None:
    p = _open(browser, service, planner_key, 390, 844, english=False)  # the default: Chinese
    try:
        page = p.open("#/scenarios")
        page.wait_for_selector("#sc-list >> text=尚无情景。")
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        assert page.inner_text("#tab-scenarios") == "情景"
        assert page.inner_text("#sc-h") == "路网情景"
        page.fill("#sc-json", json.dumps({**SCENARIO, "name": "phone"}))
        page.click("#sc-create")
        page.wait_for_selector("#sc-table tbody tr")
        sw, cw = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        page.screenshot(path=str(artifacts / "scenarios-390.png"), full_page=True)
        assert sw <= cw, (sw, cw)
        assert _axe(page) == []
        assert "基准年" in page.inner_text("#sc-table thead")
        page.locator("#sc-table button[data-act='delete']").click()
        page.wait_for_selector("#sc-list >> text=尚无情景。")
    finally:
        p.close()
