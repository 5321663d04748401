"""Bookings against a live ``freight serve --workers 2``: concurrent bookings for one train
run never overbook it, and a kill -9 mid-burst loses no answered booking and leaves no
capacity held by a booking that does not exist."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from api.booking_store import BookingRow
from api.capacity_store import DepartureCapacityRow, TerminalCapacityRow
from api.db import Database, run_migrations
from api.security import create_key
from tests.api.conftest import free_port

pytestmark = [pytest.mark.db, pytest.mark.slow]

PARTIES = {
    "shipper": {"name": "Kuytun Cotton Co.", "contact": "+86 992 111"},
    "consignee": {"name": "Alashankou Forwarding", "contact": "ops@example.cn"},
}


class Service:
    """``freight serve --workers N`` in its own process group (kill -9 takes all of it)."""

    def __init__(self, db_url: str, workers: int = 2) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "FREIGHT_DATABASE_URL": db_url, "FREIGHT_RATE_LIMITS": "off",
               "FREIGHT_LOG_LEVEL": "WARNING", "FREIGHT_RUN_JOBS": "false"}  # fmt: skip
        exe = str(Path(sys.executable).parent / "freight")
        self.proc = subprocess.Popen(
            [exe, "serve", "--port", str(self.port), "--workers", str(workers)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"server exited with {self.proc.returncode}"
            try:
                if httpx.get(self.base + "/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("server did not become healthy")

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


@pytest.fixture()
def service(db_url: str):
    started: list[Service] = []

    def start() -> Service:
        s = Service(db_url)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def operator_key(db_url: str) -> dict[str, str]:
    db = Database(db_url)
    run_migrations(db)
    _, secret = create_key(db, "operator", "live-ops")
    db.dispose()
    return {"Authorization": f"Bearer {secret}"}


def offer(base: str, teu: float) -> dict[str, Any]:
    r = httpx.post(
        base + "/v1/routes",
        json={"origin": "kuytun", "destination": "alashankou",
              "cargo": {"commodity": "cotton", "form": "container", "quantity": teu,
                        "unit": "teu"},
              "ready_at": "2025-03-03T06:00:00", "avoid": {"modes": ["road"]}},
        timeout=30,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    alt = r.json()["alternatives"][0]
    assert alt["legs"][0]["service"] == "reg_kuytun_alashankou"  # an 80 TEU run
    return alt


def stored(db_url: str) -> tuple[dict[str, dict], dict[tuple, list[float]], dict[tuple, list]]:
    """Bookings by id, and booked amounts per capacity row."""
    db = Database(db_url)
    try:
        with db.read() as s:
            rows = {r.id: r.data for r in s.scalars(select(BookingRow))}
            caps: dict[tuple, list[float]] = {
                ("departure", c.service, c.depart): [c.booked_t, c.booked_teu, c.capacity_teu]
                for c in s.scalars(select(DepartureCapacityRow))
            }
            terms: dict[tuple, list] = {
                ("terminal", c.node, c.day): [c.booked_t, c.booked_teu]
                for c in s.scalars(select(TerminalCapacityRow))
            }
    finally:
        db.dispose()
    return rows, caps, terms


def held_by_bookings(rows: dict[str, dict]) -> dict[tuple, list[float]]:
    held: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for data in rows.values():
        if data["status"] == "cancelled":
            continue
        for c in data["claims"]:
            h = held[(c["kind"], c["resource"], c["when"])]
            h[0] += c["tonnes"]
            h[1] += c["teu"]
    return held


def burst(base: str, auth: dict[str, str], offer_id: str, n: int = 60) -> list[tuple[int, Any]]:
    """``n`` bookings of one offer at once (30 threads): each answer's status and body."""

    def post(i: int) -> tuple[int, Any]:
        with httpx.Client(timeout=60) as http:
            r = http.post(
                base + "/v1/bookings", json={"offer_id": offer_id, **PARTIES}, headers=auth
            )
            return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=30) as pool:
        return list(pool.map(post, range(n)))


def test_concurrent_bookings_never_overbook_a_train(db_url, service) -> None:
    auth = operator_key(db_url)
    srv = service()
    alt = offer(srv.base, 20)  # 80 TEU run: exactly four of these fit

    answers = burst(srv.base, auth, alt["offer_id"])
    codes = sorted(code for code, _ in answers)
    assert all(code in (201, 409) for code in codes), codes
    created = {body["id"] for code, body in answers if code == 201}
    assert len(created) == 4, codes
    for code, body in answers:
        if code == 409:
            assert body["resources"] == [
                "departure reg_kuytun_alashankou 2025-03-03T10:00:00+08:00"
            ]
    rows, caps, _ = stored(db_url)
    assert set(rows) == created
    (booked,) = caps.values()
    assert booked[1] == 80.0 and booked[1] <= booked[2]


def test_kill_9_mid_burst_loses_no_booking(db_url, service) -> None:
    auth = operator_key(db_url)
    srv = service()
    alt = offer(srv.base, 1)  # 1 TEU each: 80 fit, the rest are refused
    answered: list[tuple[int, Any]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(timeout=10) as http:
            while not stop.is_set():
                try:
                    r = http.post(
                        srv.base + "/v1/bookings",
                        json={"offer_id": alt["offer_id"], **PARTIES}, headers=auth,
                    )  # fmt: skip
                except httpx.HTTPError:
                    continue  # the connection died with the service: no answer, no promise
                with lock:
                    answered.append((r.status_code, r.json()))

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with lock:
            if sum(1 for code, _ in answered if code == 201) >= 20:
                break
        time.sleep(0.02)
    srv.kill9()
    stop.set()
    for t in threads:
        t.join(30)
    codes = [code for code, _ in answered]
    assert codes and all(code in (201, 409) for code in codes), sorted(set(codes))
    created = {body["id"] for code, body in answered if code == 201}
    assert len(created) >= 20
    rows, caps, terms = stored(db_url)
    assert created <= set(rows)  # every answered booking survived
    held = held_by_bookings(rows)
    for key, (t, teu, cap_teu) in caps.items():
        assert abs(held[key][0] - t) < 1e-6 and abs(held[key][1] - teu) < 1e-6, key
        assert teu <= cap_teu + 1e-9
    for key, (t, teu) in terms.items():
        assert abs(held[key][0] - t) < 1e-6 and abs(held[key][1] - teu) < 1e-6, key
    # the service comes back and serves the survivors
    again = service()
    some = sorted(created)[0]
    r = httpx.get(f"{again.base}/v1/bookings/{some}", headers=auth, timeout=30)
    assert r.status_code == 200 and r.json()["status"] == "confirmed"


PB_RUN = "departure pb_kuytun_urumqi 2030-03-04T21:00:00+08:00"


def test_concurrent_piggyback_bookings_never_overbook_trailer_slots(db_url, service) -> None:
    """Part-load reefer trailers (20 t each) on a 40-slot, 1,200 t piggyback run: by
    tonnes 60 would fit, by trailer slots 40; two worker processes book 60 at once."""
    auth = operator_key(db_url)
    srv = service()
    r = httpx.post(
        srv.base + "/v1/routes?year=2030",
        json={"origin": "kuytun_west", "destination": "urumqi",
              "cargo": {"commodity": "cold_food", "form": "reefer", "quantity": 20, "unit": "t"},
              "ready_at": "2030-03-04T08:00:00"},
        timeout=30,
    )  # fmt: skip
    assert r.status_code == 200, r.text
    alt = r.json()["alternatives"][0]
    (leg,) = alt["legs"]
    assert (leg["mode"], leg["service"], leg["trailers"]) == (
        "rail_piggyback",
        "pb_kuytun_urumqi",
        1,
    )

    answers = burst(srv.base, auth, alt["offer_id"])
    codes = sorted(code for code, _ in answers)
    assert all(code in (201, 409) for code in codes), codes
    created = {body["id"] for code, body in answers if code == 201}
    assert len(created) == 40, codes
    assert all(body["resources"] == [PB_RUN] for code, body in answers if code == 409)
    db = Database(db_url)
    try:
        with db.read() as s:
            (row,) = s.scalars(select(DepartureCapacityRow)).all()
            assert (row.booked_trailers, row.capacity_trailers, row.booked_t) == (40.0, 40.0, 800.0)
    finally:
        db.dispose()
    cap = httpx.get(
        srv.base + "/v1/capacity/departures",
        params={"service": "pb_kuytun_urumqi", "from": "2030-03-04", "to": "2030-03-04"},
        headers=auth, timeout=30,
    )  # fmt: skip
    assert cap.status_code == 200, cap.text
    (use,) = cap.json()
    assert (use["capacity_trailers"], use["booked_trailers"], use["booked_t"]) == (40, 40, 800)
