"""The conversion MIP against brute-force enumeration, plus plan invariants."""

from __future__ import annotations

import itertools
import math

import pytest

from freight.conversion import (
    Mode,
    check_plan,
    flow_options,
    parse_scenario,
    plan_conversion,
    plan_cost_cny,
)
from freight.conversion.model import Scenario
from freight.errors import InfeasibleError

from .conftest import random_data


def brute_force_cny(sc: Scenario) -> float | None:
    """Optimum by enumerating every option per flow and every equipment count per terminal."""
    options = [flow_options(sc, f) for f in sc.flows]
    eq_cost = {
        e.id: e.capex_cny * sc.annuity_factor(e.life_years) + e.opex_cny_per_year
        for e in sc.equipment
    }
    thr = {e.id: e.throughput_t_per_h for e in sc.equipment}
    p = sc.pool
    owned_cny = p.purchase_cny_per_teu * sc.annuity_factor(p.life_years) + (
        p.maintenance_cny_per_teu_year
    )
    leased_cny = p.lease_cny_per_teu_day * 365
    best: float | None = None
    for combo in itertools.product(*options):
        # policy floors
        ok = True
        for name, c in sc.commodities.items():
            mine = [(f, o) for f, o in zip(sc.flows, combo, strict=True) if f.commodity == name]
            if mine and c.min_converted_share > 0:
                conv = sum(f.annual_t for f, o in mine if o.mode is Mode.CONTAINER_RAIL)
                if conv < c.min_converted_share * sum(f.annual_t for f, _ in mine) - 1e-6:
                    ok = False
        if not ok:
            continue
        cost = sum(o.cost_cny for o in combo)
        for term in sc.terminals:
            peak = max(
                sum(o.tonnes_month[m] for o in combo if o.terminal == term.id) for m in range(12)
            )
            if peak > term.max_t_per_month + 1e-6:
                ok = False
                break
            types = [e.id for e in sc.equipment]
            ranges = [range(term.max_units.get(t, 0) + 1) for t in types]
            cheapest = math.inf
            for counts in itertools.product(*ranges):
                cap = sum(n * thr[t] for n, t in zip(counts, types, strict=True))
                if cap * term.hours_per_month + 1e-6 >= peak:
                    cheapest = min(
                        cheapest, sum(n * eq_cost[t] for n, t in zip(counts, types, strict=True))
                    )
            if cheapest == math.inf:
                ok = False
                break
            cost += cheapest
        if not ok:
            continue
        need = max(sum(o.teu_month[m] for o in combo) for m in range(12))
        boxes = math.ceil(need - 1e-7)
        best_pool = math.inf
        for owned in range(0, min(boxes, p.max_owned_teu) + 1):
            leased = boxes - owned
            if leased <= p.max_leased_teu:
                best_pool = min(best_pool, owned * owned_cny + leased * leased_cny)
        if best_pool == math.inf:
            continue
        cost += best_pool
        best = cost if best is None else min(best, cost)
    return best


def test_tiny_optimum_matches_enumeration(tiny) -> None:
    sc = parse_scenario(tiny, "tiny")
    plan = plan_conversion(sc, time_limit_s=3, relative_gap=1e-9, baselines=False)
    assert plan.status == "optimal"
    assert plan.objective_cny == pytest.approx(brute_force_cny(sc), rel=1e-6)
    assert check_plan(sc, plan) == []


@pytest.mark.parametrize("seed", range(12))
def test_random_small_instances_match_enumeration(seed: int) -> None:
    sc = parse_scenario(random_data(seed), f"seed{seed}")
    expected = brute_force_cny(sc)
    if expected is None:
        with pytest.raises(InfeasibleError):
            plan_conversion(sc, time_limit_s=3, relative_gap=1e-9, baselines=False)
        return
    plan = plan_conversion(sc, time_limit_s=3, relative_gap=1e-9, baselines=False)
    assert plan.objective_cny == pytest.approx(expected, rel=1e-6)
    assert plan.bound_cny <= plan.objective_cny + 1e-6
    assert check_plan(sc, plan) == []
    assert plan_cost_cny(sc, plan) == pytest.approx(plan.objective_cny, rel=1e-9)


def test_option_cost_worked_by_hand(tiny) -> None:
    """f1 by bulk rail: 400 kt × (15 + 0.10 × km) + 400 kt × 1.6 % × 600 CNY/t."""
    sc = parse_scenario(tiny, "tiny")
    km = 20.0 * 111.19492664455873  # haversine of 20 degrees on the equator, R = 6371.0088 km
    bulk = next(o for o in flow_options(sc, sc.flows[0]) if o.mode is Mode.BULK_RAIL)
    assert bulk.cost_cny == pytest.approx(
        400000 * (15 + 0.10 * km) + 400000 * 0.016 * 600, rel=1e-4
    )
    assert bulk.losses_t == pytest.approx(6400.0)
    via_t1 = next(o for o in flow_options(sc, sc.flows[0]) if o.terminal == "t1")
    # boxes tied in January: 48 kt/33 t × (3 + 2 × rail days + 2 × drayage days)/31 × 1.1
    rail_km, dray_km = km - 0.05 * 111.19492664455873, 0.05 * 111.19492664455873
    cycle = 3 + 2 * rail_km / 500 + 2 * dray_km / 500
    jan_t = 400000 * 12 / 100
    assert via_t1.teu_month[0] == pytest.approx(jan_t / 33 * cycle / 31 * 1.1, rel=1e-4)


def test_every_plan_is_integral_and_conserves_tonnes(tiny) -> None:
    sc = parse_scenario(tiny, "tiny")
    plan = plan_conversion(sc, time_limit_s=3)
    assert sum(f.tonnes for f in plan.flows) == pytest.approx(sum(f.annual_t for f in sc.flows))
    assert isinstance(plan.containers_teu, int)
    assert all(isinstance(n, int) for t in plan.terminals for n in t.equipment.values())
    assert all(0 <= t.utilization_peak <= 1 + 1e-9 for t in plan.terminals)
    # the optimum is never worse than either baseline
    assert plan.objective_cny <= plan.baselines["all_bulk"] + 1e-3
    if plan.baselines["all_container"] is not None:
        assert plan.objective_cny <= plan.baselines["all_container"] + 1e-3


def test_forcing_containers_uses_only_container_rail(tiny) -> None:
    sc = parse_scenario(tiny, "tiny")
    plan = plan_conversion(sc, time_limit_s=3, force=Mode.CONTAINER_RAIL, baselines=False)
    assert {f.mode for f in plan.flows} == {Mode.CONTAINER_RAIL}
    assert check_plan(sc, plan) == []
    assert plan.containers_teu > 0


def test_policy_floor_is_honoured(tiny) -> None:
    tiny["commodities"]["coal"]["min_converted_share"] = 1.0
    tiny["commodities"]["coal"]["bulk_loss_rate"] = 0.0  # make bulk attractive
    sc = parse_scenario(tiny, "tiny")
    plan = plan_conversion(sc, time_limit_s=3, relative_gap=1e-9, baselines=False)
    assert plan.flows[0].mode is Mode.CONTAINER_RAIL
    assert check_plan(sc, plan) == []


def test_co2_price_raises_rail_and_never_lowers_cost(tiny) -> None:
    tiny["flows"][1]["destination"] = "t2"  # a short flow where road competes
    base = plan_conversion(parse_scenario(tiny, "tiny"), time_limit_s=3, baselines=False)
    tiny["meta"]["co2_price_cny_per_t"] = 5000.0
    priced = plan_conversion(parse_scenario(tiny, "tiny"), time_limit_s=3, baselines=False)
    assert priced.objective_cny >= base.objective_cny
    assert priced.kpis["co2_t"] <= base.kpis["co2_t"] + 1e-6
