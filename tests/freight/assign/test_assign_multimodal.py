"""Assignment with piggyback trains and drop-and-hook terminals under their capacities."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from freight.assign import assign
from freight.network.model import DROP_AND_HOOK, PIGGYBACK_RAMP, TerminalOption
from freight.tables import assignment_tables
from tests.freight.routing.helpers import ALL_FORMS, Ship, piggyback_corridor, ramp

MARCH = [
    Ship(f"s{k}", "p", "d", "general", "general", 60.0, date(2026, 3, 1 + k % 28))
    for k in range(1000)
]  # 60,000 t in March 2026 (31 days)


def corridor(ramp_trailers_per_day: float, *extra: TerminalOption):
    """``piggyback_corridor`` with 30 t trucks (= one trailer) and ramps of the given size.

    Per tonne (hand-computed, see ``piggyback_corridor``): piggyback 3,500 / 30 = 116.7 CNY,
    wagons 4,350 / 30 = 145 CNY, road 6,390 / 30 = 213 CNY.
    """
    net = piggyback_corridor()
    small = tuple(
        replace(ramp(n), capacity_trailers_per_day=ramp_trailers_per_day) for n in ("a", "b")
    )
    return replace(net, costs=replace(net.costs, road_truck_payload_t=30.0), options=small + extra)


def test_piggyback_takes_what_its_ramps_allow_and_wagons_the_rest():
    res = assign(corridor(30.0), MARCH)
    d = res.to_dict()
    # ramps: 30 trailers a day x 31 days x 30 t = 27,900 t; the rest rides wagons
    assert d["tonnes_by_multimodal_form"]["piggyback"] == pytest.approx(27_900.0)
    assert d["tonnes_by_multimodal_form"]["drop_and_hook"] == 0.0
    assert d["tonnes_unassigned"] == pytest.approx(0.0)
    assert d["rail_share"] == pytest.approx(1.0)
    assert d["objective_cny"] == pytest.approx(27_900 * 3500 / 30 + 32_100 * 4350 / 30)
    ramps = [b for b in d["bottlenecks"] if b["kind"] == "ramp"]
    assert {b["id"] for b in ramps} == {"a", "b"}
    assert all(b["unit"] == "trailers" and b["capacity"] == 930.0 for b in ramps)
    summary = assignment_tables(d)["summary"]
    assert summary.loc[0, "piggyback_t"] == pytest.approx(27_900.0)
    assert summary.loc[0, "drop_and_hook_t"] == 0.0
    # the route flows name their forms (for downstream planners)
    pb = sum(f.tonnes for f in res.flows if "piggyback" in f.forms)
    assert pb == pytest.approx(27_900.0)


def test_the_trailer_slots_of_the_piggyback_train_bind_when_the_ramps_do_not():
    res = assign(corridor(1000.0), MARCH).to_dict()
    # pb1: 40 trailers per run, 31 runs: 1,240 trailers = 37,200 t
    assert res["tonnes_by_multimodal_form"]["piggyback"] == pytest.approx(37_200.0)
    pb = [u for u in res["utilization"] if u["id"] == "pb1" and u["unit"] == "trailers"]
    assert pb and pb[0]["ratio"] == pytest.approx(1.0)


def test_drop_and_hook_tonnes_are_reported_and_capped_by_the_trailer_pool():
    # a swap at B saves 0.5 * 150 = 75 CNY of tractor time for a 20 CNY fee on wagon routes
    swap = TerminalOption("b", DROP_AND_HOOK, 1.0, 20.0, 10.0, frozenset(ALL_FORMS))
    res = assign(corridor(30.0, swap), MARCH).to_dict()
    forms = res["tonnes_by_multimodal_form"]
    assert forms["piggyback"] == pytest.approx(27_900.0)
    # the pool: 10 trailers a day x 31 days x 30 t = 9,300 t of the wagon tonnes
    assert forms["drop_and_hook"] == pytest.approx(9_300.0)
    assert any(b["kind"] == "drop_hook" and b["id"] == "b" for b in res["bottlenecks"])


def test_no_ramps_no_piggyback():
    net = corridor(30.0)
    net = replace(net, options=tuple(o for o in net.options if o.option != PIGGYBACK_RAMP))
    res = assign(net, MARCH).to_dict()
    assert res["tonnes_by_multimodal_form"]["piggyback"] == 0.0
    assert res["objective_cny"] == pytest.approx(60_000 * 4350 / 30)
