"""Candidate-route generation: parallel trains, the road fallback, private sidings.

Each test builds a tiny network whose route costs are worked out by hand (rates in
``tests.freight.routing.helpers.costs``) and checks the LP optimum against an enumeration
of every way to split the demand over the routes that exist on that network.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

import pytest

from freight.assign import AssignOptions, assign
from freight.assign.candidates import candidate_routes, parallel_services, private_nodes
from freight.network.model import CargoForm, Handling, LinkMode, NodeKind
from freight.routing import RoutingIndex
from tests.freight.assign.test_assign import Ship, ships
from tests.freight.routing.helpers import corridor, node, rail, road, service

# corridor(), 1 t of general cargo (see its docstring): road 213 CNY/t, rail 145 CNY/t
ROAD_T, RAIL_T = 213.0, 145.0
RUN_T = 3000.0  # capacity of one train run


def brute_force(tonnes_k: int, routes: list[tuple[float, float | None]]) -> float:
    """Least cost of carrying ``tonnes_k`` kt over routes (CNY/t, capacity kt or None).

    Enumerates every split in whole kt (the optimum here lies on whole kt because all
    capacities are whole kt); tonnes no route can carry cost nothing but make the split
    infeasible, so the result is the optimum that serves everything.
    """
    best = float("inf")
    caps = [tonnes_k if cap is None else int(cap) for _, cap in routes]
    for split in itertools.product(*(range(c + 1) for c in caps[:-1])):
        rest = tonnes_k - sum(split)
        if 0 <= rest <= caps[-1]:
            cost = sum(k * c for k, (c, _) in zip((*split, rest), routes, strict=True))
            best = min(best, cost * 1000.0)
    return best


def two_trains(weekdays2: range | tuple[int, ...] = range(7)):
    """corridor() plus s2, the same stops and rail links as s1, leaving at 14:00."""
    net = corridor()
    s2 = service("s2", ("a", "b"), (0.0, 10.0), depart="14:00", weekdays=weekdays2)
    return replace(net, services={**net.services, "s2": s2})


def test_parallel_trains_are_both_candidates() -> None:
    net = two_trains()
    assert [s.id for s in parallel_services(net)[("a", "b")]] == ["s1", "s2"]
    cands, why = candidate_routes(RoutingIndex(net), "p", "d", "steel", CargoForm.GENERAL)
    assert why is None
    svcs = {r for c in cands for r, _ in c.uses if r.startswith("service:")}
    assert svcs == {"service:s1", "service:s2"}
    rail_costs = sorted(c.cost_cny_per_t for c in cands if c.rail)
    assert rail_costs == pytest.approx([RAIL_T, RAIL_T])


def test_weekly_parallel_train_found_on_its_own_day() -> None:
    net = two_trains(weekdays2=(3,))  # s2 only on Thursdays
    cands, _ = candidate_routes(RoutingIndex(net), "p", "d", "steel", CargoForm.GENERAL)
    assert any(r == "service:s2" for c in cands for r, _ in c.uses)


def test_parallel_capacity_is_usable_and_lp_is_optimal() -> None:
    """150 kt in March: s1 and s2 carry 93 kt each (31 daily runs), so no truck needed."""
    out = assign(two_trains(), ships(50, 3000.0), AssignOptions(time_limit_s=3)).to_dict()
    assert out["tonnes_unassigned"] == pytest.approx(0.0, abs=1e-6)
    assert out["rail_share"] == pytest.approx(1.0)
    cap_k = 31 * RUN_T / 1000
    expect = brute_force(150, [(RAIL_T, cap_k), (RAIL_T, cap_k), (ROAD_T, None)])
    assert out["objective_cny"] == pytest.approx(expect, rel=1e-9)
    loads = {u["id"]: u["load"] for u in out["utilization"] if u["kind"] == "service"}
    assert loads["s1"] + loads["s2"] == pytest.approx(150_000)


def test_road_route_is_kept_when_the_train_is_full() -> None:
    """Only one route per OD kept: it used to be the (cheaper) train, leaving 27 kt over."""
    opts = AssignOptions(time_limit_s=3, max_routes_per_od=1)
    out = assign(corridor(), ships(40, 3000.0), opts).to_dict()  # 120 kt, train 93 kt
    assert out["tonnes_unassigned"] == pytest.approx(0.0, abs=1e-6)
    assert out["rail_share"] == pytest.approx(93 / 120, abs=1e-6)
    expect = brute_force(120, [(RAIL_T, 31 * RUN_T / 1000), (ROAD_T, None)])
    assert out["objective_cny"] == pytest.approx(expect, rel=1e-9)


def siding_net():
    """corridor() plus x, a plant siding off station a (2 km siding, handling 2 CNY/t).

    Third-party cargo p -> d could truck 20 km to x (transfer 2 CNY/t) and shunt to a,
    instead of transferring at a (10 CNY/t): 7.7 CNY/t cheaper, but x is private.
    """
    net = corridor()
    x = node("x", NodeKind.SIDING, rail=True)
    x = replace(x, handling=Handling(frozenset(CargoForm), 2.0, 40.0, 2.0, 50_000, 2_000))
    links = [road("r_px", "p", "x", 20), rail("sd_xa", "x", "a", 2, mode=LinkMode.SIDING)]
    return replace(
        net, nodes={**net.nodes, "x": x}, links={**net.links, **{lk.id: lk for lk in links}}
    )


def test_private_siding_is_no_public_transfer_point() -> None:
    net = siding_net()
    assert private_nodes(net) == {"x"}
    index = RoutingIndex(net)
    third, _ = candidate_routes(index, "p", "d", "steel", CargoForm.GENERAL)
    assert third and not any(r == "terminal:x" for c in third for r, _ in c.uses)
    assert min(c.cost_cny_per_t for c in third) == pytest.approx(RAIL_T)
    own, _ = candidate_routes(index, "x", "d", "steel", CargoForm.GENERAL)
    assert any(r == "terminal:x" for c in own for r, _ in c.uses)
    demand = [
        Ship("t", "p", "d", "steel", "general", 1000.0, date(2025, 3, 3)),
        Ship("o", "x", "d", "steel", "general", 500.0, date(2025, 3, 3)),
    ]
    out = assign(net, demand, AssignOptions(time_limit_s=3)).to_dict()
    term = {u["id"]: u["load"] for u in out["utilization"] if u["kind"] == "terminal"}
    assert term["x"] == pytest.approx(500.0)  # only its owner's cargo
    assert out["tonnes_unassigned"] == pytest.approx(0.0, abs=1e-6)


def test_candidate_count_is_bounded() -> None:
    """Nine parallel daily trains: at most 2 x max_routes + 1 candidates survive."""
    net = corridor()
    extra = {
        f"t{k}": service(f"t{k}", ("a", "b"), (0.0, 10.0), depart=f"{11 + k:02d}:00")
        for k in range(9)
    }
    net = replace(net, services={**net.services, **extra})
    cands, _ = candidate_routes(
        RoutingIndex(net), "p", "d", "steel", CargoForm.GENERAL, max_routes=2
    )
    assert len(cands) <= 2 * 2 + 1
    assert any(not c.rail for c in cands)
    assert len({r for c in cands for r, _ in c.uses if r.startswith("service:")}) == 2
