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
