"""Replay: shipments become truckloads the supply can carry; both methods run."""

from __future__ import annotations

from datetime import date, datetime

from freight.demand import load_shipments
from freight.matching.model import load_tonnes
from freight.matching.replay import replay, road_shipments, supply, truckloads
from freight.matching.roads import BEIJING, road_tables
from freight.matching.solve import Method
from freight.network.loader import default_network
from freight.network.model import CargoForm

NET = default_network()


def test_truckloads_cover_the_shipment_and_fit_the_trucks() -> None:
    ships = road_shipments(NET, load_shipments(2025))[:200]
    rt = road_tables(NET)
    start = datetime(2024, 12, 1, tzinfo=BEIJING)
    end = datetime(2026, 3, 1, tzinfo=BEIJING)
    loads = []
    for s in ships:
        xs = truckloads(NET, rt, s, start, end)
        carried = sum(load_tonnes(NET, x) for x in xs)
        assert carried >= s.tonnes - 1e-6 * s.tonnes - 1e-6, s.id
        assert all(
            x.pickup_from >= datetime.combine(s.ready_date, datetime.min.time(), tzinfo=BEIJING)
            for x in xs
        )
        loads += xs
    trucks = supply(NET, loads, 28, start)
    for form in CargoForm:
        mine = [x for x in loads if x.cargo.form is form]
        cap = max((v.capacity_t for v in trucks if form.value in _forms(v.kind)), default=0.0)
        assert all(load_tonnes(NET, x) <= cap for x in mine), form


def _forms(kind: str) -> set[str]:
    return {
        "container_truck": {"container"},
        "bulk_truck": {"bulk"},
        "flatbed": {"general"},
        "van": {"general"},
        "tanker": {"hazmat"},
        "reefer": {"reefer"},
    }[kind]


def test_replay_runs_both_methods_on_the_same_loads() -> None:
    ships = [s for s in load_shipments(2025) if s.ready_date <= date(2025, 1, 2)][:60]
    r = replay(
        NET,
        ships,
        2025,
        1,
        60.0,
        date(2025, 1, 1),
        methods=(Method.AUTO, Method.GREEDY),
        lead_h=0.0,
        commit_h=None,
    )
    assert [s.method for s in r.results] == ["auto", "greedy"]
    for s in r.results:
        assert s.loads == r.loads and 0 < s.matched <= s.loads
        assert 0 <= s.empty_share < 1 and s.trucks_used <= s.trucks
        assert s.mean_wait_min >= 0
    assert r.results[0].loads > 0


def test_posting_lead_and_commitment_horizon() -> None:
    """Loads are listed ``lead_h`` before their window; held methods still carry loads,
    and every committed load was matched no earlier than its posting."""
    ships = [s for s in load_shipments(2025) if s.ready_date <= date(2025, 1, 2)][:60]
    rt = road_tables(NET)
    start = datetime(2025, 1, 1, tzinfo=BEIJING)
    end = datetime(2025, 1, 3, tzinfo=BEIJING)
    for s in road_shipments(NET, ships)[:20]:
        for x in truckloads(NET, rt, s, start, end, lead_h=12.0):
            assert x.posted_at is not None
            assert (x.pickup_from - x.posted_at).total_seconds() == 12 * 3600
    r = replay(NET, ships, 2025, 1, 60.0, date(2025, 1, 1), lead_h=12.0, commit_h=2.0)
    assert r.lead_h == 12.0 and r.commit_h == 2.0
    assert [s.method for s in r.results] == ["auto+hold2h", "greedy", "greedy+hold2h"]
    for s in r.results:
        assert s.loads == r.loads and 0 < s.matched <= s.loads
        assert s.mean_wait_min >= 0 and 0 <= s.empty_share < 1
