"""Heavy-truck plan: MIP = brute force on small cases, every plan passes the checker, the
checker catches broken plans, bad input names its field, infeasible targets say why."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace

import pytest

from freight.errors import InfeasibleError, InputError
from freight.network.loader import default_network
from freight.trucks.lanes import Lane, build_lanes, region_nodes, road_path
from freight.trucks.model import Existing
from freight.trucks.options import lane_options
from freight.trucks.plan import carried, plan_scenario
from freight.trucks.scenario import build_scenario
from freight.trucks.solve import UnitCosts, solve_mip, total_tkm
from freight.trucks.verify import check_plan


@pytest.fixture(scope="module")
def net():
    return default_network()


@pytest.fixture(scope="module")
def lanes2030(net):
    return build_lanes(2030, net).lanes


def _small(net, lanes2030, ids, **kw):
    lanes = tuple(x for x in lanes2030 if x.id in ids)
    return build_scenario(2030, lanes, net, **kw)


def brute_force(sc, options):
    """Cheapest plan by enumerating every lane's option and sizing stations minimally."""
    uc = UnitCosts.of(sc)
    tkm = total_tkm(options)
    best = math.inf
    lanes = sorted(options)
    for pick in itertools.product(*(options[lid] for lid in lanes)):
        el = sum(o.tkm_year for o in pick if o.electric)
        if el < sc.target_tkm_share * tkm - 1e-6:
            continue
        cost = sum(o.cost_cny_year for o in pick)
        busy, bats = {}, {}
        for o in pick:
            for ld in o.loads:
                s = (ld.site, ld.kind)
                busy[s] = [a + b for a, b in zip(busy.get(s, [0.0] * 24), ld.busy_min, strict=True)]
                bats[s] = [
                    a + b for a, b in zip(bats.get(s, [0.0] * 24), ld.batteries, strict=True)
                ]
        capex = 0.0
        for s, minutes in busy.items():
            units = max(0, math.ceil(max(minutes) / 60 - 1e-9))
            if s[1] == "swap":
                b = max(0, math.ceil(max(bats[s]) - 1e-9))
                cost += uc.swap_site_year + units * uc.bay_year + b * uc.battery_year
                capex += sc.stations.swap_site_cny + units * sc.stations.swap_bay_cny
                capex += b * uc.battery_capex
            else:
                cost += uc.charge_site_year + units * uc.charger_year
                capex += sc.stations.charge_site_cny + units * sc.stations.charger_cny
        if sc.budget_cny is not None and capex > sc.budget_cny + 1e-6:
            continue
        best = min(best, cost)
    return best


SMALL = [
    ("wh_coal>huyanghe", "siding_shikefeng_fert>huyanghe", "wh_steel>huyanghe"),
    ("hub_station_front>wusu", "etdz_north1>wusu", "wusu>wh_grain_oil"),
    ("dushanzi>siding_oil_depot", "hub_station_front>dushanzi", "wh_grain_oil>dushanzi"),
]


@pytest.mark.parametrize("ids", SMALL)
@pytest.mark.parametrize("target", [0.0, 0.5, 1.0])
def test_mip_equals_brute_force(net, lanes2030, ids, target):
    sc = _small(net, lanes2030, ids, target_tkm_share=target)
    options = lane_options(sc)
    assert all(any(o.electric for o in opts) for opts in options.values())
    bf = brute_force(sc, options)
    ch = solve_mip(sc, options, rel_gap=1e-9)
    assert ch.objective == pytest.approx(bf, rel=1e-7)


def test_mip_equals_brute_force_under_budget(net, lanes2030):
    sc = _small(net, lanes2030, SMALL[0], target_tkm_share=0.3, budget_cny=12e6)
    options = lane_options(sc)
    ch = solve_mip(sc, options, rel_gap=1e-9)
    assert ch.objective == pytest.approx(brute_force(sc, options), rel=1e-7)


def _random_lanes(net, n, seed):
    rng = random.Random(seed)
    region = sorted(region_nodes(net) & {k for lk in net.links.values() if lk.mode.is_road
                                         for k in (lk.source, lk.target)})  # fmt: skip
    out = []
    while len(out) < n:
        a, b = rng.sample(region, 2)
        path = road_path(net, a, b)
        if not set(path) <= set(region):
            continue
        hop = []
        for u, v in zip(path, path[1:], strict=False):
            hop.append(min(lk.length_km for lk in net.links.values() if lk.mode.is_road
                           and {lk.source, lk.target} == {u, v}))  # fmt: skip
        months = tuple(round(rng.uniform(500, 20000), 1) for _ in range(12))
        out.append(Lane(f"{a}>{b}", a, b, path, tuple(hop), (("coal", sum(months)),), months,
                        ("test",)))  # fmt: skip
    return tuple({x.id: x for x in out}.values())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_lanes_every_plan_checks(net, seed):
    lanes = _random_lanes(net, 25, seed)
    sc = build_scenario(2030, lanes, net, target_tkm_share=0.0)
    options = lane_options(sc)
    reach = sum(max((o.tkm_year for o in v if o.electric), default=0) for v in options.values())
    sc = replace(sc, target_tkm_share=round(0.9 * reach / total_tkm(options), 3))
    plan = plan_scenario(sc, time_limit_s=30, rel_gap=0.001)
    assert check_plan(sc, plan) == []
    assert plan.kpis["electrified_tkm_share"] >= sc.target_tkm_share - 1e-9
    for lp in plan.lanes:
        if lp.electrified:
            assert lp.via_stations and max(p.kwh for p in lp.energy_points) <= (
                sc.truck(lp.truck_type).usable_kwh + 1e-6
            )


def test_checker_catches_broken_plans(net, lanes2030):
    sc = _small(net, lanes2030, SMALL[0] + SMALL[1], target_tkm_share=1.0)
    plan = plan_scenario(sc)
    assert check_plan(sc, plan) == []
    st = plan.stations[0]
    fewer = tuple(replace(s, batteries=s.batteries - 3) if s.id == st.id else s
                  for s in plan.stations)  # fmt: skip
    assert any("battery stock" in p for p in check_plan(sc, replace(plan, stations=fewer)))
    no_bay = tuple(replace(s, bays=0, chargers=0) if s.id == st.id else s for s in plan.stations)
    assert any("busy minutes" in p for p in check_plan(sc, replace(plan, stations=no_bay)))
    lanes = tuple(replace(lp, energy_points=(), via_stations=()) if lp.electrified else lp
                  for lp in plan.lanes)  # fmt: skip
    assert any("no energy point" in p for p in check_plan(sc, replace(plan, lanes=lanes)))
    weak = replace(sc, trucks=tuple(replace(t, battery_kwh=t.battery_kwh / 3) if t.electric
                                    else t for t in sc.trucks))  # fmt: skip
    assert any("battery below zero" in p for p in check_plan(weak, plan))


def test_existing_stations_kept_and_grown(net, lanes2030):
    sc = _small(net, lanes2030, SMALL[0], target_tkm_share=1.0)
    first = plan_scenario(sc)
    later = _small(net, lanes2030, SMALL[0] + SMALL[1], target_tkm_share=0.0,
                   existing=carried(first))  # fmt: skip
    second = plan_scenario(later)
    old = {s.id: s for s in first.stations}
    new = {s.id: s for s in second.stations}
    for sid, s in old.items():
        assert sid in new and new[sid].bays >= s.bays and new[sid].batteries >= s.batteries
        assert not new[sid].new


def test_bad_input_names_the_field(net, lanes2030):
    with pytest.raises(InputError) as e:
        _small(net, lanes2030, SMALL[0], budget_cny=-1.0)
    assert e.value.issues[0].loc == "budget_cny"
    with pytest.raises(InputError) as e:
        _small(net, lanes2030, SMALL[0], existing=(Existing("nowhere", "swap", 1),))
    assert e.value.issues[0].loc == "existing[0].site"
    sc = _small(net, lanes2030, SMALL[0],
                truck_overrides={"bev_swap": {"battery_kwh": 10.0}})  # fmt: skip
    with pytest.raises(InputError) as e:
        lane_options(sc)
    assert e.value.issues[0].loc == "truck_types.bev_swap.battery_kwh"
    with pytest.raises(InputError) as e:
        _small(net, lanes2030, SMALL[0], truck_overrides={"bev_swap": {"payload_t": -3}})
    assert e.value.issues[0].loc == "trucks.bev_swap.payload_t"
    with pytest.raises(InputError) as e:
        _small(net, lanes2030, SMALL[0], site_ids=["st_kuytun", "nowhere"])
    assert e.value.issues[0].loc == "sites[1]"
    from freight.trucks.jobs import run

    for params, loc in (
        ({"year": 2030, "sites": ["nowhere"]}, "$.sites[0]"),
        ({"year": 2030, "budget_cny": -1}, "$.budget_cny"),
        ({"years": "2030-2026"}, "$.years"),
        ({"year": 2030, "years": "2026-2027"}, "$.year"),
    ):
        with pytest.raises(InputError) as e:
            run(params)
        assert e.value.issues[0].loc == loc


def test_restricted_sites_only_used(net, lanes2030):
    allowed = ["st_kuytun", "st_kuytun_west", "cs_dc_wusu"]
    sc = _small(net, lanes2030, SMALL[1], target_tkm_share=0.5, site_ids=allowed)
    plan = plan_scenario(sc)
    assert {s.site for s in plan.stations} <= set(allowed)


def test_infeasible_target_names_binding(net, lanes2030):
    # small packs: the long lanes have no station set within range, the short ones do
    small = {t: {"battery_kwh": 60.0} for t in ("bev_swap", "bev_plugin")}
    sc = build_scenario(2030, lanes2030, net, target_tkm_share=1.0, truck_overrides=small)
    opts = lane_options(sc)
    stuck = sorted(lid for lid, v in opts.items() if not any(o.electric for o in v))
    assert stuck and len(stuck) < len(opts)
    with pytest.raises(InfeasibleError) as e:
        plan_scenario(sc)
    assert "range" in e.value.binding and stuck[0] in str(e.value)
    sc = _small(net, lanes2030, SMALL[0], target_tkm_share=1.0, budget_cny=1e6)
    with pytest.raises(InfeasibleError) as e:
        plan_scenario(sc)
    assert "budget_cny" in e.value.binding


@pytest.mark.parametrize("ids", SMALL[:2])
def test_mip_no_worse_than_simple_policies(net, lanes2030, ids):
    from freight.trucks.policies import densest_first, terminals_only

    sc = _small(net, lanes2030, ids, target_tkm_share=0.5)
    best = plan_scenario(sc, rel_gap=1e-9)
    dense = densest_first(sc)
    assert check_plan(sc, dense) == []
    assert best.objective_cny_year <= dense.objective_cny_year + 1e-6
    try:
        term = terminals_only(sc)
    except InfeasibleError:
        return
    assert best.objective_cny_year <= term.objective_cny_year + 1e-6


def test_kept_lanes_keep_their_truck_type(net, lanes2030):
    sc = _small(net, lanes2030, SMALL[1], target_tkm_share=1.0)
    first = plan_scenario(sc)
    kept = tuple((lp.id, lp.truck_type) for lp in first.lanes if lp.electrified)
    # the other electric type made much cheaper: without the rule the lanes would switch
    other = {"bev_swap": "bev_plugin", "bev_plugin": "bev_swap"}[kept[0][1]]
    cheap = {other: {"price_cny": 1000.0, "maintenance_cny_per_km": 0.0}}
    free = _small(net, lanes2030, SMALL[1], target_tkm_share=1.0, truck_overrides=cheap)
    assert {lp.truck_type for lp in plan_scenario(free).lanes} == {other}
    second = plan_scenario(replace(free, kept_lanes=kept))
    assert {(lp.id, lp.truck_type) for lp in second.lanes} == set(kept)
    bad = replace(second, lanes=tuple(replace(lp, truck_type=other) for lp in second.lanes))
    assert any("earlier" in p for p in check_plan(replace(free, kept_lanes=kept), bad))


def test_job_budget_cuts_years_short_and_says_partial():
    from freight.trucks.jobs import run

    out = run({"years": "2026-2035", "time_limit_s": 10})
    assert out["kind"] == "heavy-truck-plan-years" and out["partial"] is True
    assert 1 <= len(out["plans"]) < 10
    assert out["years"] == list(range(2026, 2026 + len(out["plans"])))
