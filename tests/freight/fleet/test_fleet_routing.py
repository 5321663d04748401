"""The router: optimal on small cases (brute force), charging visits, PHEVs, plug counts."""

from __future__ import annotations

import random

import pytest
from fleet_helpers import brute_force, line_problem

from freight.fleet.instances import kuytun_day
from freight.fleet.problem_json import parse_problem
from freight.fleet.result import ChargeVisit, FleetStatus
from freight.fleet.routing import Method, RouterParams, solve_fleet
from freight.fleet.verify import verify_plan

FAST = RouterParams(time_limit_s=1.5, max_iterations=300, seed=1)


def _random_case(rng: random.Random) -> tuple[list[float], list[tuple[str, str]], list[float]]:
    n = rng.randint(3, 7)
    xs = [round(rng.uniform(-40, 40), 1) for _ in range(n)]
    wins = []
    for _ in range(n):
        if rng.random() < 0.5:
            h = rng.randint(6, 12)
            wins.append((f"{h:02d}:00", f"{h + 1:02d}:30"))
        else:
            wins.append(("06:00", "22:00"))
    kg = [float(rng.choice([100, 250, 400, 600])) for _ in range(n)]
    return xs, wins, kg


@pytest.mark.parametrize("seed", range(6))
def test_small_instances_are_optimal_vs_brute_force(seed: int) -> None:
    # mixed fleet: a small cheap EV (energy binds: 50 kWh) and a PHEV with a higher per-km cost
    rng = random.Random(seed)
    xs, wins, kg = _random_case(rng)
    vehicles = [
        {"id": "ev", "count": 1, "capacity_kg": 1000, "capacity_m3": 10, "battery_kwh": 40,
         "min_soc_kwh": 5, "kwh_per_km": 0.3, "kwh_per_km_per_tonne": 0.1,
         "fixed_cost_cny": 100, "cost_per_km_cny": 1.0},
        {"id": "phev", "count": 1, "capacity_kg": 800, "capacity_m3": 10, "battery_kwh": None,
         "fixed_cost_cny": 150, "cost_per_km_cny": 1.6},
    ]  # fmt: skip
    p = line_problem(xs, vehicles=vehicles, windows=wins, demand_kg=kg)
    served, cost = brute_force(p)
    r = solve_fleet(p, FAST)
    assert verify_plan(p, r) == []
    assert r.served_count == served
    assert r.objective_cny == pytest.approx(cost, abs=0.05)


def test_stop_beyond_battery_range_is_served_via_charging_visit() -> None:
    # stop at 100 km; EV 50 kWh, min 5, 0.3 kWh/km (+0.1/t x 0.1 t): a 200 km round trip
    # needs ~62 kWh > 45 usable, so only a detour to the charger at km 60 makes it possible
    p = line_problem([100.0], sites_km=[60.0])
    r = solve_fleet(p, FAST)
    assert verify_plan(p, r) == []
    assert r.status == FleetStatus.FEASIBLE
    (route,) = r.routes
    assert any(isinstance(v, ChargeVisit) for v in route.visits)
    # the plain method (no charging visits) cannot serve it and says why
    plain = solve_fleet(
        p, RouterParams(time_limit_s=1, max_iterations=100, method=Method.ORTOOLS_PLAIN)
    )
    assert verify_plan(p, plain) == []
    assert [u.id for u in plain.unserved] == ["s0"]
    assert "charging" in plain.unserved[0].reason


def test_without_a_charger_the_far_stop_is_unserved_with_energy_reason() -> None:
    p = line_problem([100.0])
    r = solve_fleet(p, FAST)
    assert r.status == FleetStatus.PARTIAL
    assert r.unserved[0].reason == "out of battery range even with charging visits"


def test_phev_null_battery_has_no_energy_limit() -> None:
    vehicles = [{"id": "phev", "count": 1, "capacity_kg": 1000, "capacity_m3": 10,
                 "battery_kwh": None, "fixed_cost_cny": 50, "cost_per_km_cny": 2.0}]  # fmt: skip
    p = line_problem([300.0], vehicles=vehicles, speed_kmh=120)
    r = solve_fleet(p, FAST)
    assert verify_plan(p, r) == []
    assert r.served_count == 1
    assert r.routes[0].visits[0].soc_kwh is None
    assert r.objective_cny == pytest.approx(50 + 2.0 * 600)


def test_plug_count_makes_the_second_vehicle_queue() -> None:
    # two far stops, each needs its own vehicle (capacity), both must charge at the single
    # plug at km 60: their charging intervals must not overlap
    vehicles = [{"id": "ev", "count": 2, "capacity_kg": 500, "capacity_m3": 10,
                 "battery_kwh": 50, "min_soc_kwh": 5, "kwh_per_km": 0.3,
                 "fixed_cost_cny": 100, "cost_per_km_cny": 1.0}]  # fmt: skip
    p = line_problem(
        [100.0, 101.0], vehicles=vehicles, demand_kg=[400, 400], sites_km=[60.0], site_power_kw=30
    )
    r = solve_fleet(p, FAST)
    assert verify_plan(p, r) == []
    assert r.served_count == 2
    charges = sorted(
        (v.start_min, v.start_min + v.charge_min)
        for route in r.routes
        for v in route.visits
        if isinstance(v, ChargeVisit)
    )
    assert len(charges) == 2
    assert charges[1][0] >= charges[0][1] - 1e-9


def test_refrigerated_stop_only_on_refrigerated_vehicle() -> None:
    vehicles = [
        {"id": "van", "count": 1, "capacity_kg": 1000, "capacity_m3": 10, "battery_kwh": 80,
         "kwh_per_km": 0.3, "fixed_cost_cny": 10, "cost_per_km_cny": 1.0},
        {"id": "reefer", "count": 1, "capacity_kg": 1000, "capacity_m3": 10, "battery_kwh": 80,
         "kwh_per_km": 0.4, "fixed_cost_cny": 200, "cost_per_km_cny": 2.0, "refrigerated": True},
    ]  # fmt: skip
    p = line_problem([10.0, 12.0], vehicles=vehicles, refrigerated=[False, True])
    r = solve_fleet(p, FAST)
    assert verify_plan(p, r) == []
    assert r.served_count == 2
    for route in r.routes:
        if "s1" in route.stop_ids:
            assert route.vehicle_type == "reefer"


@pytest.mark.parametrize("method", [Method.PYVRP, Method.ORTOOLS])
def test_kuytun_day_plans_verify_and_are_deterministic(method: Method) -> None:
    p = kuytun_day(40, seed=3)
    # the iteration cap binds (the time limit is only a safety cap): reproducible under load
    params = RouterParams(time_limit_s=20.0, max_iterations=200, seed=7, method=method)
    a = solve_fleet(p, params)
    assert verify_plan(p, a) == []
    assert a.served_count + len(a.unserved) == 40
    if method == Method.PYVRP:
        b = solve_fleet(p, params)
        assert [r.stop_ids for r in a.routes] == [r.stop_ids for r in b.routes]
        assert a.objective_cny == b.objective_cny


def test_repair_frees_the_only_capable_vehicle_by_moving_its_route() -> None:
    # "big" (73 kWh) alone reaches the far stop s1 (240 km: 72 kWh) but not with s0 at -5 km
    # too (250 km: 75 kWh); "small" (30 kWh)
    # can do the near stop s0. Start from the bad assignment big -> [s0]: repair must move
    # s0 to small and send big to s1.
    from collections import Counter

    from freight.fleet.charging import ChargerBook, schedule_route
    from freight.fleet.routing.repair import repair

    vehicles = [
        {"id": "big", "count": 1, "capacity_kg": 1000, "capacity_m3": 10, "battery_kwh": 73,
         "kwh_per_km": 0.3, "fixed_cost_cny": 100, "cost_per_km_cny": 1.0},
        {"id": "small", "count": 1, "capacity_kg": 1000, "capacity_m3": 10, "battery_kwh": 30,
         "kwh_per_km": 0.3, "fixed_cost_cny": 100, "cost_per_km_cny": 1.0},
    ]  # fmt: skip
    p = line_problem([-5.0, 120.0], vehicles=vehicles)
    big = p.vehicle_type("big")
    book = ChargerBook.for_problem(p)
    plan = schedule_route(p, big, [0])
    assert plan is not None
    routes = [(big, [0], plan)]
    used = Counter({"big": 1})
    assert repair(p, routes, [1], book, used, deadline=1e18, allow_charging=True) == [1]
    assert sorted((vt.id, seq) for vt, seq, _ in routes) == [("big", [1]), ("small", [0])]


@pytest.mark.parametrize("method", [Method.ORTOOLS, Method.ORTOOLS_PLAIN])
def test_ortools_search_ignores_a_depot_without_vehicles(method: Method) -> None:
    """A second depot with no vehicles must not be forced into (or read back from) a route."""
    data = {
        "speed_kmh": 30,
        "depots": [
            {"id": "a", "lat": 44.42, "lon": 84.90, "open": "06:00", "close": "22:00"},
            {"id": "b", "lat": 44.45, "lon": 84.95, "open": "06:00", "close": "22:00"},
        ],
        "vehicle_types": [
            {"id": "ev", "depot": "a", "count": 2, "capacity_kg": 1000, "capacity_m3": 10,
             "battery_kwh": 80, "min_soc_kwh": 8, "kwh_per_km": 0.3, "fixed_cost_cny": 100,
             "cost_per_km_cny": 1.0, "shift_start": "07:00", "shift_end": "20:00"},
        ],
        "stops": [
            {"id": f"s{k}", "lat": 44.40 + 0.01 * k, "lon": 84.88 + 0.005 * k, "demand_kg": 50,
             "demand_m3": 0.2, "service_min": 5, "window": ["08:00", "18:00"]}
            for k in range(4)
        ],
    }  # fmt: skip
    problem = parse_problem(data)
    res = solve_fleet(
        problem, RouterParams(time_limit_s=2, seed=0, method=method, max_iterations=50)
    )
    assert sorted(v for r in res.routes for v in r.stop_ids) == ["s0", "s1", "s2", "s3"]
    assert not res.unserved
    assert verify_plan(problem, res) == []
