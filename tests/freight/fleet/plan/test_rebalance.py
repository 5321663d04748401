"""Depot capacity rebalancing: parts move to covering depots with room."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import pytest

from freight.demand import load_charging_sites, load_depots
from freight.demand.model import UrbanDepot
from freight.errors import DataError
from freight.fleet.plan import PlanParams, plan_fleet
from freight.fleet.plan import planner as planner_mod
from freight.fleet.plan.build import Part, rehome_part
from freight.fleet.plan.defaults import load_fleet_defaults
from freight.fleet.plan.rebalance import MARGIN, plan_moves
from freight.fleet.problem import FleetProblem, Stop


def _depot(id_: str, lon: float, zones: tuple[str, ...]) -> UrbanDepot:
    return UrbanDepot(id_, id_, 44.40, lon, "06:00", "21:00", "x", zones)


def _part(key: str, depot: str, lon: float, n: int, zones: frozenset[str]) -> Part:
    stops = tuple(
        Stop(f"{key}-{k}", 44.41, lon + 0.001 * k, 100.0, 0.5, 10.0, 480.0, 660.0, False)
        for k in range(n)
    )
    dep = load_depots()[0]
    problem = FleetProblem(
        (dataclasses.replace(_to_depot(dep), id=depot),), (), (), stops, 1.3, 30.0
    )
    return Part(key, key.split("/")[0], depot, problem, zones)


def _to_depot(d: UrbanDepot) -> Any:
    from freight.fleet.plan.build import to_depot

    return to_depot(d)


def test_moves_go_to_covering_depots_with_room_cheapest_first() -> None:
    a = _depot("A", 84.90, ("z1", "z2"))
    b = _depot("B", 84.80, ("z1",))  # covers z1 only, near the west parts
    c = _depot("C", 85.00, ("z1", "z2"))  # covers all, far east
    parts = {
        "winter": [
            _part("winter/A/o0", "A", 84.81, 10, frozenset({"z1"})),
            _part("winter/A/o1", "A", 84.82, 10, frozenset({"z1", "z2"})),
            _part("winter/A/o2", "A", 84.99, 10, frozenset({"z2"})),
            _part("winter/A/o3", "A", 84.90, 10, frozenset({"z1"})),
        ]
    }
    # A: 40 vehicles on 40 stops, room for 28 -> shed 30 % + margin = 14 stops -> 2 parts
    moves = plan_moves(parts, {"A": 40}, {"A": 28, "B": 100, "C": 100}, [a, b, c])
    assert {(m.key, m.to) for m in moves} == {("winter/A/o0", "B"), ("winter/A/o2", "C")}
    # every move respects coverage
    zones = {p.key: p.zones for p in parts["winter"]}
    dep = {"A": a, "B": b, "C": c}
    for m in moves:
        assert zones[m.key] <= set(dep[m.to].zones)
    moved = sum(m.stops for m in moves)
    assert moved >= (40 - 28) / 40 * 40 + MARGIN * 40 - 1e-9


def test_no_room_anywhere_means_no_move_and_no_limit_means_none_needed() -> None:
    a = _depot("A", 84.90, ("z1",))
    b = _depot("B", 84.80, ("z1",))
    parts = {"winter": [_part("winter/A/o0", "A", 84.81, 10, frozenset({"z1"}))]}
    assert plan_moves(parts, {"A": 10, "B": 10}, {"A": 5, "B": 10}, [a, b]) == []
    assert plan_moves(parts, {"A": 10}, {"A": None, "B": None}, [a, b]) == []
    assert plan_moves(parts, {"A": 10}, {"A": 10, "B": 50}, [a, b]) == []


def test_rehome_keeps_stops_and_share_and_refuses_uncovered_zones() -> None:
    d = load_fleet_defaults()
    deps = load_depots()
    src = next(x for x in deps if x.id == "dep_station_front")
    dst = next(x for x in deps if x.id == "dep_bonded_center")
    east = next(x for x in deps if x.id == "dep_east_industrial")
    part = _part("winter/dep_station_front/o3", src.id, 84.85, 5, frozenset({"kt11"}))
    moved = rehome_part(part, dst, d)
    assert moved.key == "winter/dep_bonded_center/o3<dep_station_front"
    assert moved.problem.stops == part.problem.stops
    assert moved.problem.charging_sites == part.problem.charging_sites
    assert moved.problem.depots[0].id == dst.id
    assert all(vt.depot == dst.id for vt in moved.problem.vehicle_types)
    with pytest.raises(DataError, match="kt11"):
        rehome_part(part, east, d)  # the east depot does not cover zone kt11


def test_planner_moves_sectors_when_depot_sites_are_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """With 1 plug per depot site (4 vehicles at 4:1) the station-area depot overflows."""
    sites = [
        dataclasses.replace(s, max_plugs=1) if s.kind == "depot" else s
        for s in load_charging_sites()
    ]
    monkeypatch.setattr(planner_mod, "load_charging_sites", lambda: sites)
    params = PlanParams(max_stops=150, workers=1, seed=5, time_limit_s=300.0)
    plan = plan_fleet(2035, params).to_dict()
    moves = plan["policy"]["depot_rebalancing"]
    assert moves, "no sector was moved although depot sites were full"
    assert all(r["from"] != r["to"] and r["stops"] > 0 for r in moves)
    # every stop is still served and both merged days verify after the move
    for day in plan["daily_check"]:
        assert day["verified"] and day["unserved"] == 0 and day["served"] == day["stops"]
    # the overflowing depot bases fewer vehicles than without the move, the receivers more
    monkeypatch.setattr(planner_mod, "plan_moves", lambda *a: [])
    before = plan_fleet(2035, params).to_dict()
    assert before["policy"]["depot_rebalancing"] == []

    def by_depot(p: dict[str, Any]) -> Counter[str]:
        c: Counter[str] = Counter()
        for v in p["vehicles"]:
            c[v["depot"]] += v["count"]
        return c

    after_n, before_n = by_depot(plan), by_depot(before)
    for frm in {r["from"] for r in moves}:
        assert after_n[frm] < before_n[frm]
    for to in {r["to"] for r in moves}:
        assert after_n[to] > before_n[to]
    assert "depot_rebalancing" in plan["policy"]["note"]
