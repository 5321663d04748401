"""Matching view in headless chromium against the real service: the open pool on the map,
a round's assignment drawn as empty and loaded lines with its KPIs, a decline."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ENGLISH

pytestmark = pytest.mark.browser

TRUCK = {
    "id": "e2e-T1",
    "kind": "flatbed",
    "capacity_t": 30,
    "location": "wusu",
    "available_from": "2025-06-02T05:00:00+08:00",
    "available_until": "2025-06-03T06:00:00+08:00",
}
OUT = {
    "id": "e2e-out",
    "origin": "kuytun",
    "destination": "dushanzi",
    "cargo": {"commodity": "steel", "form": "general", "quantity": 20, "unit": "t"},
    "pickup_from": "2025-06-02T06:00:00+08:00",
    "pickup_until": "2025-06-02T10:00:00+08:00",
    "deliver_by": "2025-06-02T18:00:00+08:00",
}
BACK = {
    **OUT,
    "id": "e2e-back",
    "origin": "dushanzi",
    "destination": "kuytun",
    "pickup_from": "2025-06-02T08:00:00+08:00",
    "pickup_until": "2025-06-02T16:00:00+08:00",
    "deliver_by": "2025-06-03T02:00:00+08:00",
}


@pytest.fixture(scope="module")
def key(service: str) -> str:
    from api.db import Database
    from api.security import create_key

    db = Database(os.environ["KFO_E2E_DB_URL"])
    try:
        _, secret = create_key(db, "platform", "e2e-matching")
    finally:
        db.dispose()
    h = {"Authorization": f"Bearer {secret}"}
    assert httpx.post(f"{service}/v1/matching/vehicles", json=TRUCK, headers=h).status_code == 200
    r = httpx.post(f"{service}/v1/matching/loads/batch", json={"items": [OUT, BACK]}, headers=h)
    assert r.status_code == 200, r.text
    return secret


def test_pool_round_lines_and_decline(
    service: str, browser: Any, key: str, artifacts: Path
) -> None:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(ENGLISH)  # these tests read the English wording
    page = ctx.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto(service + "/")
        page.wait_for_selector("body[data-network='ready']", timeout=20_000)
        page.fill("#apikey", key)
        page.click("#tab-matching")
        page.wait_for_selector("#mt-loads tbody tr", timeout=20_000)
        assert page.locator("#mt-loads tbody tr").count() >= 2
        assert page.locator("path.match-load").count() >= 1
        assert page.locator("path.match-truck").count() >= 1
        page.click("#mt-run")
        page.wait_for_selector("#mt-table tbody tr", timeout=30_000)
        row = page.locator("#mt-table tbody tr").filter(has_text="e2e-T1")
        assert "e2e-out" in row.inner_text() and "e2e-back" in row.inner_text()
        # one empty drive (Wusu -> Kuytun) and two loaded legs (out and back)
        assert page.locator("path.match-empty").count() == 1
        assert page.locator("path.match-loaded").count() == 2
        assert "2 / 2" in page.locator("#mt-kpi-matched").inner_text()
        page.screenshot(path=str(artifacts / "matching.png"))
        row.get_by_role("button", name="Decline").click()
        page.wait_for_function(
            "() => [...document.querySelectorAll('#mt-table .mt-st')]"
            ".some(c => c.textContent === 'declined')"
        )
        # declining again is a conflict shown as a problem
        row.get_by_role("button", name="Decline").click()
        page.wait_for_selector("#mt-error:not([hidden])")
        assert "409" in page.locator("#mt-error").inner_text()
        assert problems == []
    finally:
        ctx.close()
