"""The web page in headless chromium against the real service: map, route query, errors."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import ENGLISH

pytestmark = pytest.mark.browser


def _open(browser, base: str, width: int = 1280, height: int = 800):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    ctx.add_init_script(ENGLISH)  # these tests read the English wording
    page = ctx.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(base) else outside.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "/")
    page.wait_for_selector("body[data-network='ready']", timeout=20_000)
    return ctx, page, outside, errors


def _network(base: str, year: str) -> dict:
    with urllib.request.urlopen(f"{base}/v1/network?year={year}", timeout=10) as r:
        return json.load(r)


def test_map_route_query_and_error(service: str, browser, artifacts: Path) -> None:
    ctx, page, outside, errors = _open(browser, service)
    try:
        # the map shows the network of the page's network year (the current one by default)
        year = page.get_attribute("body", "data-network-year")
        assert year == page.input_value("#year")
        fc = _network(service, year)
        n_links = sum(f["geometry"]["type"] == "LineString" for f in fc["features"])
        n_nodes = sum(f["geometry"]["type"] == "Point" for f in fc["features"])
        # every link and node of the network is drawn
        assert page.locator("path.net-link").count() == n_links
        assert page.locator("path.net-node").count() == n_nodes
        assert page.locator(".legend").is_visible()
        assert "places" in page.locator("#map-status").inner_text()
        page.screenshot(path=str(artifacts / "web-map.png"))

        # route query typed with a Chinese name for the origin and an id for the destination
        zh = next(
            f["properties"]["name_zh"]
            for f in fc["features"]
            if f["properties"].get("id") == "kuytun_west"
        )
        page.fill("#origin", zh)
        page.fill("#destination", "alashankou")
        page.select_option("#form", "container")
        page.fill("#quantity", "40")
        page.select_option("#unit", "teu")
        page.press("#quantity", "Enter")  # implicit submit, by keyboard
        page.wait_for_selector("#alternatives-table", timeout=30_000)
        rows = page.locator("#alternatives-table tbody tr")
        assert rows.count() >= 1
        first = rows.nth(0).inner_text()
        assert any(ch.isdigit() for ch in first)
        assert page.locator("path.route-leg.route-chosen").count() >= 1
        assert page.locator("ol.legs li").count() >= 1
        assert page.locator("#route-error").is_hidden()
        page.screenshot(path=str(artifacts / "web-route.png"))

        # an error the API returns (unknown place) is shown with its message
        page.fill("#destination", "atlantis")
        page.press("#quantity", "Enter")  # implicit submit, by keyboard
        err = page.locator("#route-error")
        try:
            err.wait_for(state="visible", timeout=15_000)
        finally:
            page.screenshot(path=str(artifacts / "web-error.png"))
        assert "atlantis" in err.inner_text()
        assert page.locator("#alternatives-table").count() == 0
        page.screenshot(path=str(artifacts / "web-error.png"))

        # bad quantity: the field the API names is marked invalid
        page.fill("#destination", "alashankou")
        page.fill("#quantity", "-5")
        page.press("#quantity", "Enter")  # implicit submit, by keyboard
        page.wait_for_selector("#quantity[aria-invalid='true']", timeout=15_000)
        assert page.locator("#quantity-err").inner_text().strip() != ""

        assert outside == [], f"page loaded from outside: {outside[:5]}"
        assert errors == [], errors
    finally:
        ctx.close()


def test_phone_width_and_keyboard(service: str, browser, artifacts: Path) -> None:
    ctx, page, outside, errors = _open(browser, service, width=390, height=844)
    try:
        # the panel stacks below the map and nothing overflows sideways
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        # tabs work with the keyboard
        page.focus("#tab-route")
        page.keyboard.press("ArrowRight")
        assert page.locator("#view-plans").is_visible()
        assert page.evaluate("document.activeElement.id") == "tab-plans"
        # the plan services the OpenAPI document offers are listed with their parameters
        page.wait_for_selector("#plans section.plan", timeout=10_000)
        page.screenshot(path=str(artifacts / "web-plans-phone.png"))
        page.keyboard.press("ArrowLeft")
        assert page.locator("#view-route").is_visible()
        # every form control has a label
        unlabeled = page.evaluate(
            """[...document.querySelectorAll('input,select,textarea')]
               .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length)
                            && !e.getAttribute('aria-label')).map(e => e.id)"""
        )
        assert unlabeled == []
        page.screenshot(path=str(artifacts / "web-phone.png"), full_page=True)
        assert outside == [] and errors == []
    finally:
        ctx.close()


def test_page_load_has_no_failed_request(service: str, browser) -> None:
    """Opening the page asks for nothing the service does not have (the icon included)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        page.goto(service + "/")
        page.wait_for_selector("body[data-network='ready']", timeout=20_000)
        page.wait_for_load_state("networkidle")
        icon = page.evaluate("document.querySelector('link[rel=icon]').href")
        assert icon == service + "/static/favicon.svg"
        with urllib.request.urlopen(icon, timeout=5) as answer:
            assert answer.headers["content-type"].startswith("image/svg+xml")
        assert failed == []
    finally:
        ctx.close()


def test_static_refuses_paths(service: str) -> None:
    for bad in ("/static/..%2Fmain.py", "/static/nope.js"):
        try:
            urllib.request.urlopen(service + bad, timeout=5)
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
        else:
            raise AssertionError(f"{bad} was served")


def test_plan_job_with_key(service: str, browser, artifacts: Path) -> None:
    """A planner's conversion job, started over the API, is opened from the Jobs tab: progress,
    then the conversion view's charts (the first plan listed, the fleet plan, takes minutes)."""
    import os

    from api.db import Database
    from api.security import create_key

    db = Database(os.environ["KFO_E2E_DB_URL"])
    try:
        _, secret = create_key(db, "planner", "e2e-planner")
    finally:
        db.dispose()
    req = urllib.request.Request(
        service + "/v1/conversion-plans",
        data=json.dumps({"time_limit_s": 20}).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 202
        job_id = json.load(r)["id"]
    ctx, page, outside, errors = _open(browser, service)
    try:
        page.fill("#apikey", secret)
        page.click("#tab-jobs")
        row = page.locator("#jobs-list tr", has_text=job_id[:12])
        row.wait_for(timeout=10_000)
        assert page.locator("#plans section.plan").count() >= 1  # the plan list is there too
        row.locator("button").click()
        out = page.locator("#job-view")
        out.locator("progress").first.wait_for(timeout=10_000)
        out.locator("section.conversion-view, .error").first.wait_for(timeout=60_000)
        view = out.locator("section.conversion-view")
        assert view.count() == 1, out.inner_text()[:500]
        assert view.locator("figure", has_text="Converted tonnes by terminal").count() == 1
        load = view.locator("figure.hbar", has_text="Terminal peak load vs capacity")
        assert load.locator("rect").count() >= 1
        assert "capacity" in (load.locator("svg").get_attribute("aria-label") or "")
        assert view.locator("figure", has_text="Container pool").count() == 1
        by_terminal = view.locator("details[open] table.data").first
        assert by_terminal.locator("tbody tr").count() >= 1  # converted flows by terminal
        flows = view.locator("details", has_text="flows: which convert where")
        assert flows.locator("tbody tr").count() >= by_terminal.locator("tbody tr").count()
        # the panel scrolls inside the page: let it out for the full-page artifact
        page.add_style_tag(
            content=".layout{height:auto!important}.panel{overflow:visible!important}"
        )
        page.screenshot(path=str(artifacts / "web-conversion-plan.png"), full_page=True)
        assert outside == [] and errors == []
    finally:
        ctx.close()
