"""The page as operators use it: Chinese by default with a remembered English switch, place
search (names in both languages, pinyin, initials, ids; Enter takes the best match; a map
click picks), shareable view URLs, axe-core on every view, phone and wide layouts, and no
request to any host but the service."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "web" / "node_modules" / "axe-core" / "axe.min.js"
VIEWS = ["route", "plans", "jobs", "bookings", "capacity", "matching", "scenarios"]
STATIONS = {"freight_station", "hazmat_station"}


class Page:
    """A fresh browser context and page that records outside requests and page errors."""

    def __init__(self, browser: Any, base: str, width: int = 1280, height: int = 800) -> None:
        self.base = base
        self.ctx = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.ctx.new_page()
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.route_bodies: list[dict[str, Any]] = []
        self.page.on("request", self._request)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _request(self, r: Any) -> None:
        if not r.url.startswith(self.base) and not r.url.startswith(("data:", "blob:")):
            self.outside.append(r.url)
        if urlparse(r.url).path == "/v1/routes" and r.method == "POST":
            self.route_bodies.append(json.loads(r.post_data or "{}"))

    def open(self, fragment: str = "") -> Any:
        self.page.goto(self.base + "/" + fragment)
        self.page.wait_for_selector("body[data-view='ready']", timeout=20_000)
        return self.page

    def close(self) -> None:
        self.ctx.close()
        assert self.outside == [], f"requests to other hosts: {self.outside}"
        assert self.errors == [], f"page errors: {self.errors}"


def _route_from(p: Page, typed: str) -> None:
    """Type ``typed`` as the origin with the destination set, press Enter, await the answer."""
    page = p.page
    page.fill("#destination", "alashankou")
    page.fill("#origin", "")
    page.type("#origin", typed)
    n = len(p.route_bodies)
    page.press("#origin", "Enter")
    page.wait_for_function(
        "document.querySelector('#alternatives-table')"
        " || !document.querySelector('#route-error').hidden",
        timeout=30_000,
    )
    assert len(p.route_bodies) == n + 1, "Enter did not send the route query"
    assert page.locator("#route-error").is_hidden(), page.locator("#route-error").inner_text()


def test_chinese_by_default_and_english_remembered(
    service: str, browser: Any, artifacts: Path
) -> None:
    p = Page(browser, service)
    try:
        page = p.open()
        assert page.get_attribute("html", "lang") == "zh-CN"
        assert page.inner_text("#tab-route") == "路线查询"
        assert page.inner_text("label[for='origin']") == "起点"
        assert "个地点" in page.inner_text("#map-status")
        assert page.inner_text("#route-submit") == "查询路线"
        # the legend, units and kinds are Chinese too
        legend = page.inner_text(".legend")
        assert "铁路货运站" in legend and "国界" in legend
        # a route answer: Chinese table headers, yuan, Beijing time
        _route_from(p, "奎屯西站")
        head = page.inner_text("#alternatives-table thead")
        assert "费用（元）" in head and "距离（公里）" in head
        assert "¥" in page.inner_text("#alternatives-table tbody")
        assert "北京时间" in page.inner_text("#route-results")
        page.screenshot(path=str(artifacts / "i18n-zh-route.png"))
        # an API error whose type the page knows is titled in Chinese; the detail keeps the id
        page.fill("#destination", "atlantis-nowhere")
        page.press("#quantity", "Enter")
        err = page.locator("#route-error")
        err.wait_for(state="visible", timeout=15_000)
        assert "未找到" in err.inner_text() and "atlantis-nowhere" in err.inner_text()

        # English: switched, remembered over a reload and in a new page of the same browser
        page.select_option("#lang", "en")
        page.wait_for_selector("body[data-view='ready']", timeout=20_000)
        assert page.get_attribute("html", "lang") == "en-GB"
        assert page.inner_text("#tab-route") == "Route query"
        again = p.ctx.new_page()
        again.goto(service + "/")
        again.wait_for_selector("body[data-view='ready']", timeout=20_000)
        assert again.inner_text("label[for='origin']") == "From (origin)"
        assert "places" in again.inner_text("#map-status")
    finally:
        p.close()


@pytest.mark.parametrize(
    "typed",
    ["奎屯西站", "Kuytun West Station", "Kuytun West", "kuitunxizhan", "ktxz", "kuytun_west"],
)
def test_enter_takes_the_best_match(service: str, browser: Any, typed: str) -> None:
    p = Page(browser, service)
    try:
        p.open()
        _route_from(p, typed)
        assert p.route_bodies[-1]["origin"] == "kuytun_west"
        assert p.route_bodies[-1]["destination"] == "alashankou"
    finally:
        p.close()


def test_pinyin_initials_offer_kuytun_stations_first(service: str, browser: Any) -> None:
    p = Page(browser, service)
    try:
        page = p.open()
        kinds = page.evaluate(
            "Object.fromEntries([...kfo.netmap.nodesById.values()].map(n => [n.id, n.kind]))"
        )
        zh = page.evaluate(
            "Object.fromEntries([...kfo.netmap.nodesById.values()].map(n => [n.id, n.name_zh]))"
        )
        for typed in ["kt", "kuitun", "Kuytun"]:
            page.fill("#origin", "")
            page.type("#origin", typed)
            page.wait_for_selector("#origin-listbox li", timeout=5_000)
            ids = page.eval_on_selector_all(
                "#origin-listbox li", "els => els.map(e => e.dataset.id)"
            )
            n_st = sum(1 for i in ids if kinds[i] in STATIONS)
            assert n_st >= 3, (typed, ids)
            # the stations lead the list, and they are Kuytun's (奎屯…)
            assert all(kinds[i] in STATIONS for i in ids[:n_st]), (typed, ids)
            assert all(zh[i].startswith("奎屯") for i in ids[:n_st]), (typed, ids)
            # each option names its kind and district
            first = page.inner_text("#origin-listbox li >> nth=0")
            assert "铁路货运站" in first or "危险品货运站" in first
        # the hub with the same words comes after the station
        page.fill("#origin", "")
        page.type("#origin", "Kuytun West")
        page.wait_for_selector("#origin-listbox li", timeout=5_000)
        ids = page.eval_on_selector_all("#origin-listbox li", "els => els.map(e => e.dataset.id)")
        assert ids.index("kuytun_west") < ids.index("hub_west_coldchain")
        page.press("#origin", "Escape")

        # a place is picked by clicking it on the map (origin first, then destination)
        page.fill("#origin", "")
        page.fill("#destination", "")
        page.click("path.nid-kuytun_west", force=True)
        assert "(kuytun_west)" in page.input_value("#origin")
        page.click("path.nid-bonded_center", force=True)
        assert "(bonded_center)" in page.input_value("#destination")
    finally:
        p.close()


def test_keyboard_only_route_query(service: str, browser: Any) -> None:
    p = Page(browser, service)
    try:
        page = p.open()
        page.keyboard.press("Tab")  # the skip link comes first
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        for _ in range(3):  # the view tabs, then the first field
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == "origin":
                break
        assert page.evaluate("document.activeElement.id") == "origin"
        page.keyboard.type("kt")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")  # takes the highlighted (first) option
        assert "(kuytun" in page.input_value("#origin")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "destination"
        page.keyboard.type("alsk")  # 阿拉山口 by its pinyin initials
        page.keyboard.press("Enter")  # single best match, and the form is sent
        page.wait_for_selector("#alternatives-table", timeout=30_000)
        assert p.route_bodies[-1]["destination"] == "alashankou"
        assert p.route_bodies[-1]["origin"].startswith("kuytun")
    finally:
        p.close()


def test_shared_urls_reopen_the_view(service: str, browser: Any) -> None:
    p = Page(browser, service)
    try:
        page = p.open()
        _route_from(p, "奎屯西站")
        url = page.url
        assert "#/routes?" in url and "from=kuytun_west" in url and "to=alashankou" in url
        table = page.inner_text("#alternatives-table tbody")
        # the link opened elsewhere (a new browser context) shows the same query and answer
        other = Page(browser, service)
        try:
            o = other.open(url[len(service) + 1 :])
            o.wait_for_selector("#alternatives-table", timeout=30_000)
            assert "(kuytun_west)" in o.input_value("#origin")
            assert "(alashankou)" in o.input_value("#destination")
            assert o.inner_text("#alternatives-table tbody") == table
            assert other.route_bodies[-1]["origin"] == "kuytun_west"
        finally:
            other.close()
        # a tab is a view with its own URL; reload reopens it, Back returns to the route
        page.click("#tab-capacity")
        assert page.url.endswith("#/capacity")
        page.reload()
        page.wait_for_selector("body[data-view='ready']", timeout=20_000)
        assert page.get_attribute("#tab-capacity", "aria-selected") == "true"
        assert page.is_hidden("#view-route")
        page.go_back()
        page.wait_for_function("location.hash.startsWith('#/routes')")
        assert page.get_attribute("#tab-route", "aria-selected") == "true"
        for view in ["plans", "jobs", "bookings", "matching"]:
            page.goto(f"{service}/#/{view}")
            page.reload()
            page.wait_for_selector("body[data-view='ready']", timeout=20_000)
            tab = "#tab-" + view
            assert page.get_attribute(tab, "aria-selected") == "true", view
    finally:
        p.close()


def _axe(page: Any) -> list[str]:
    """Serious and critical violations, scanned once the map has stopped moving; a finding
    must show in two scans in a row (a zoom animation fades text for a moment)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    page.wait_for_function("!document.querySelector('.leaflet-zoom-anim, .leaflet-pan-anim')")
    first = _axe_scan(page)
    if not first:
        return first
    page.wait_for_timeout(500)
    again = set(_axe_scan(page))
    return [v for v in first if v in again]


def _axe_scan(page: Any) -> list[str]:
    found = page.evaluate(
        """async () => {
          const r = await axe.run(document, { resultTypes: ["violations"] });
          return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.id} (${v.impact}): `
              + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
        }"""
    )
    return list(found)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axe_has_no_serious_violation_on_any_view(service: str, browser: Any, lang: str) -> None:
    assert AXE.exists(), "web/node_modules/axe-core is missing: cd web && npm ci"
    p = Page(browser, service)
    try:
        if lang == "en":
            p.ctx.add_init_script("localStorage.setItem('kfo-lang', 'en')")
        page = p.open()
        _route_from(p, "奎屯西站")  # the route view with an answer and its legs on the map
        bad = {"route": _axe(page)}
        for view in VIEWS[1:]:
            page.click(f"#tab-{view}")
            page.wait_for_load_state("networkidle")  # the view has loaded its list
            page.wait_for_timeout(200)
            bad[view] = _axe(page)
        assert all(not v for v in bad.values()), bad
    finally:
        p.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1920, 1080)])
def test_layout_has_no_horizontal_scroll(
    service: str, browser: Any, artifacts: Path, width: int, height: int
) -> None:
    p = Page(browser, service, width, height)
    try:
        page = p.open()
        _route_from(p, "奎屯西站")
        overflow = {}
        for view in VIEWS:
            page.click(f"#tab-{view}")
            page.wait_for_timeout(300)
            sw, cw = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if sw > cw:
                overflow[view] = (sw, cw)
            page.screenshot(path=str(artifacts / f"layout-{width}-{view}.png"), full_page=True)
        assert overflow == {}, overflow
    finally:
        p.close()


@pytest.fixture(scope="module")
def operator_key(service: str) -> str:
    from api.db import Database
    from api.security import create_key

    db = Database(os.environ["KFO_E2E_DB_URL"])
    try:
        _, secret = create_key(db, "operator", "e2e-keyboard", "e2e-keyboard-org")
    finally:
        db.dispose()
    return secret


def _tab_to(page: Any, element_id: str, key: str = "Tab", limit: int = 8) -> None:
    for _ in range(limit):
        if page.evaluate("document.activeElement.id") == element_id:
            return
        page.keyboard.press(key)
    assert page.evaluate("document.activeElement.id") == element_id


def test_keyboard_only_booking_and_its_url(
    service: str, browser: Any, operator_key: str, artifacts: Path
) -> None:
    p = Page(browser, service)
    try:
        page = p.open()
        kb = page.keyboard
        _tab_to(page, "apikey")
        kb.type(operator_key)
        _tab_to(page, "", "Shift+Tab")  # back to the skip link (it has no id)
        assert page.evaluate("document.activeElement.className") == "skip"
        kb.press("Enter")
        _tab_to(page, "origin")
        kb.type("奎屯保税")
        kb.press("Enter")  # the one match; the form asks for the destination and focuses it
        page.wait_for_function("document.activeElement.id === 'destination'")
        kb.type("wlmq")  # 乌鲁木齐 by its pinyin initials
        kb.press("Enter")
        page.wait_for_selector("#alternatives-table", timeout=30_000)
        assert p.route_bodies[-1]["origin"] == "bonded_center"
        assert p.route_bodies[-1]["destination"] == "urumqi"
        # to the Bookings tab: back to the selected tab, arrow keys move along the tabs
        _tab_to(page, "tab-route", "Shift+Tab")
        for _ in range(3):
            kb.press("ArrowRight")
        assert page.evaluate("document.activeElement.id") == "tab-bookings"
        assert "方案 1" in page.inner_text("#book-offer")
        for field, text in [
            ("bk-shipper-name", "奎屯棉业"),
            ("bk-shipper-contact", "+86 992 3210000"),
            ("bk-consignee-name", "乌鲁木齐北站堆场"),
            ("bk-consignee-contact", "ops@example.cn"),
        ]:
            _tab_to(page, field)
            kb.type(text)
        _tab_to(page, "book-submit")
        kb.press("Enter")
        page.wait_for_selector("#booking-card", timeout=15_000)
        assert page.inner_text("#booking-status") == "已确认"
        bill = page.inner_text("#bill-h code")
        assert "#/bookings/" in page.url
        page.screenshot(path=str(artifacts / "i18n-booking.png"))
        # the booking's URL reopens it (the key stays in this tab's sessionStorage)
        page.reload()
        page.wait_for_selector("#booking-card", timeout=20_000)
        assert page.get_attribute("#tab-bookings", "aria-selected") == "true"
        assert page.inner_text("#bill-h code") == bill
        assert page.locator("#booking-legs li").count() >= 1
    finally:
        p.close()
