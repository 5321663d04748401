"""Replay of a year's shipments as bookings: deterministic, consistent, never overbooked."""

from __future__ import annotations

from freight.booking.replay import replay
from freight.demand import load_shipments
from freight.network.loader import default_network
from freight.routing import RoutingIndex


def test_replay_is_deterministic_and_never_overbooks() -> None:
    index = RoutingIndex(default_network())
    shipments = list(load_shipments(2025))
    a = replay(index, shipments, year=2025, days=2, seed=3).to_dict()
    b = replay(index, shipments, year=2025, days=2, seed=3).to_dict()
    a.pop("wall_s"), b.pop("wall_s")
    assert a == b
    assert a["shipments"] == sum(1 for s in shipments if s.ready_date.day <= 2
                                 and s.ready_date.month == 1)  # fmt: skip
    assert a["accepted"] + sum(a["refused"].values()) == a["shipments"]
    assert 0 < a["accepted_rail"] <= a["accepted"]
    assert a["replanned"] <= a["delayed"] <= a["accepted"]
    assert 0.0 <= a["on_time_share"] <= 1.0
    for svc in a["fill_by_service"].values():
        assert 0 < svc["mean_fill"] <= 1.0 + 1e-9 and svc["full_runs"] <= svc["runs"]
    assert a["departures_used"] == sum(v["runs"] for v in a["fill_by_service"].values())


def test_replay_ledger_counts_piggyback_trailer_slots() -> None:
    """The replay's counters refuse a part-load trailer once a piggyback run's slots are
    taken (tonnes left over or not), and count the run full."""
    from datetime import datetime

    from freight.booking import Claim
    from freight.booking.model import BEIJING
    from freight.booking.replay import _Ledger
    from freight.network.years import default_network_for_year

    ledger = _Ledger(RoutingIndex(default_network_for_year(2030)))
    when = "2030-03-04T21:00:00+08:00"
    now = datetime(2030, 3, 4, 8, 0, tzinfo=BEIJING)
    slot = Claim("departure", "pb_kuytun_urumqi", when, 20.0, 0.0, 1.0)
    for _ in range(40):
        assert ledger.move((slot,), (), now)
    assert not ledger.move((slot,), (), now)  # 800 t of 1,200 t, but 40 of 40 slots
    assert ledger.fill(slot) == 1.0
    assert ledger.move((slot,), (slot,), now)  # give one back, take one: fits again
