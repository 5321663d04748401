"""Bookings and capacity views in headless chromium against the real service: quote on the
route tab, book under one bill (bad parties first), see the legs on the map, record a delay
that misses the train (re-plan, ETA change), an out-of-order event refused with its field
marked, then the departure fill and terminal load charts. Screenshots are saved."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ENGLISH

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def operator_key(service: str) -> str:
    from api.db import Database
    from api.security import create_key

    db = Database(os.environ["KFO_E2E_DB_URL"])
    try:
        _, secret = create_key(db, "operator", "e2e-bookings", "e2e-bookings-org")
    finally:
        db.dispose()
    return secret


def _open(browser: Any, base: str) -> tuple[Any, Any, list[str]]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(ENGLISH)  # these tests read the English wording
    page = ctx.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(base) else problems.append(r.url))
    page.goto(base + "/")
    page.wait_for_selector("body[data-network='ready']", timeout=20_000)
    return ctx, page, problems


def test_book_track_and_capacity_views(
    service: str, browser: Any, operator_key: str, artifacts: Path
) -> None:
    ctx, page, problems = _open(browser, service)
    try:
        page.fill("#apikey", operator_key)
        page.fill("#origin", "bonded_center")
        page.fill("#destination", "urumqi")
        page.select_option("#form", "container")
        page.fill("#quantity", "20")
        page.select_option("#unit", "teu")
        page.fill("#ready_at", "2025-03-03T06:00")
        page.press("#quantity", "Enter")
        page.wait_for_selector("#alternatives-table", timeout=30_000)

        page.click("#tab-bookings")
        assert "Alternative 1" in page.locator("#book-offer").inner_text()
        # malformed parties: refused, the field the API names is marked, nothing booked
        page.fill("#bk-shipper-contact", "+86 992 111")
        page.fill("#bk-consignee-name", "Urumqi Depot")
        page.fill("#bk-consignee-contact", "ops@example.cn")
        page.click("#book-submit")
        page.wait_for_selector("#book-error:not([hidden])", timeout=15_000)
        assert "$.shipper.name" in page.locator("#book-error").inner_text()
        assert page.get_attribute("#bk-shipper-name", "aria-invalid") == "true"
        assert "0 booking(s)" in page.locator("#bookings-list").inner_text()

        page.fill("#bk-shipper-name", "Kuytun Cotton Co.")
        page.click("#book-submit")
        page.wait_for_selector("#booking-card", timeout=15_000)
        assert page.locator("#booking-status").inner_text() == "confirmed"
        assert page.locator("#book-error").is_hidden()
        assert page.locator("#bookings-table tbody tr").count() == 1
        # the booking carries the legs of the alternative shown when it was booked
        offered = page.evaluate("kfo.route.alts[kfo.route.chosen].legs.length")
        assert page.locator("#booking-legs li").count() == offered >= 2
        assert page.locator("path.route-leg.route-chosen").count() >= 1
        eta_before = page.locator("#booking-eta").inner_text()
        page.screenshot(path=str(artifacts / "web-booking.png"))

        # a 12 h delay on the truck: the train is missed, the rest is re-planned
        page.select_option("#ev-type", "delayed")
        page.select_option("#ev-leg", "1")
        page.fill("#ev-at", "2025-03-03T06:30")
        page.fill("#ev-delay_minutes", "720")
        page.click("#ev-submit")
        page.wait_for_selector("#booking-replans", timeout=15_000)
        assert page.locator("#booking-status").inner_text() == "replanned"
        assert page.locator("#booking-eta").inner_text() != eta_before
        assert page.locator("#booking-etas li").count() >= 1
        assert "delayed" in page.locator("#booking-events").inner_text()
        # an event before the previous one: refused, its field marked, timeline unchanged
        page.select_option("#ev-type", "gate_in")
        page.fill("#ev-at", "2025-03-03T06:00")
        page.fill("#ev-delay_minutes", "")
        page.click("#ev-submit")
        page.wait_for_selector("#event-error:not([hidden])", timeout=15_000)
        assert "$.at" in page.locator("#event-error").inner_text()
        assert page.get_attribute("#ev-at", "aria-invalid") == "true"
        assert page.locator("#booking-events li").count() == 1
        page.screenshot(path=str(artifacts / "web-booking-replanned.png"))

        page.click("#tab-capacity")
        page.fill("#cap-from", "2025-02-10")  # China-Europe runs leave days before Kuytun
        page.fill("#cap-to", "2025-03-10")
        page.click("#cap-dep-load")
        page.wait_for_selector("#cap-dep-summary", timeout=15_000)
        # the re-planned booking holds exactly one run (the missed one was given back)
        assert ", 1 with bookings" in page.locator("#cap-dep-summary").inner_text()
        assert page.locator("#cap-departures figure.chart svg rect.bar").count() == 1
        page.fill("#cap-date", "2025-03-03")
        page.click("#cap-term-load")
        page.wait_for_selector("#cap-term-summary", timeout=15_000)
        assert "with bookings" in page.locator("#cap-term-summary").inner_text()
        page.screenshot(path=str(artifacts / "web-capacity.png"))
        assert problems == [], problems
    finally:
        ctx.close()
