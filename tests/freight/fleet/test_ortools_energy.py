"""The OR-Tools energy model: charging-visit nodes, energy dimension, and its pipeline."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace

import pytest
from fleet_helpers import brute_force, line_problem

from freight.errors import InputError
from freight.fleet.charging import schedule_route
from freight.fleet.instances import kuytun_day
from freight.fleet.problem import FleetProblem
from freight.fleet.result import ChargeVisit, FleetStatus
from freight.fleet.routing import Method, RouterParams, solve_fleet
from freight.fleet.routing.ortools_energy_search import EnergyModelOptions, search_ortools_energy
from freight.fleet.verify import verify_plan

ENERGY = RouterParams(time_limit_s=5, max_iterations=200, method=Method.ORTOOLS_ENERGY)

EV = {"id": "ev", "count": 1, "capacity_kg": 1000, "capacity_m3": 10, "battery_kwh": 50,
      "min_soc_kwh": 5, "kwh_per_km": 0.3, "kwh_per_km_per_tonne": 0.1,
      "fixed_cost_cny": 100, "cost_per_km_cny": 1.0}  # fmt: skip


def _search(
    p: FleetProblem,
    fleet: dict[str, int],
    limit: int = 100,
    options: EnergyModelOptions | None = None,
) -> object:
    return search_ortools_energy(
        p,
        range(len(p.stops)),
        list(p.vehicle_types),
        fleet,
        time_s=5,
        solution_limit=limit,
        options=options,
    )


@pytest.mark.parametrize("lean", [True, False])
def test_stop_reachable_only_with_a_charge_is_served_by_the_model_with_a_charge_visit(
    lean: bool,
) -> None:
    # stop at 100 km: 200 km x 0.3 kWh/km = 60 kWh > 45 usable; the charger is at km 60
    p = line_problem([100.0, 5.0, 10.0], sites_km=[60.0], vehicles=[EV])
    found = _search(p, {"ev": 1}, options=EnergyModelOptions(lean_first_solution=lean))
    assert found.unperformed == ()  # type: ignore[attr-defined]
    (route,) = found.routes  # type: ignore[attr-defined]
    assert sorted(route.stops) == [0, 1, 2]
    assert route.charges and all(c.site_id == "c0" for c in route.charges)
    # the model is conservative: the exact DP schedules its route as it stands
    assert schedule_route(p, route.vehicle_type, route.stops) is not None
    # without the charger the model leaves the far stop out (the energy dimension binds)
    bare = line_problem([100.0, 5.0, 10.0], vehicles=[EV])
    assert _search(bare, {"ev": 1}).unperformed == (0,)  # type: ignore[attr-defined]


def test_pipeline_serves_the_far_stop_with_a_verified_charging_visit() -> None:
    p = line_problem([100.0, 5.0, 10.0], sites_km=[60.0], vehicles=[EV])
    r = solve_fleet(p, ENERGY)
    assert verify_plan(p, r) == []
    assert r.status == FleetStatus.FEASIBLE and r.vehicles_used == 1
    assert r.method == "ortools-energy+charging"
    assert any(isinstance(v, ChargeVisit) for v in r.routes[0].visits)
    # 100 fixed + 200 km: the charger lies on the way, so no detour km
    assert r.objective_cny == pytest.approx(300.0, abs=1e-6)


def test_refrigerated_stops_only_on_the_refrigerated_vehicle() -> None:
    vehicles = [
        {**EV, "id": "ev", "count": 2},
        {**EV, "id": "reefer", "count": 1, "refrigerated": True, "fixed_cost_cny": 300},
    ]
    p = line_problem([5.0, -5.0, 8.0, -8.0], vehicles=vehicles,
                     refrigerated=[True, False, True, False])  # fmt: skip
    found = _search(p, {"ev": 2, "reefer": 1})
    assert found.unperformed == ()  # type: ignore[attr-defined]
    for route in found.routes:  # type: ignore[attr-defined]
        if any(p.stops[i].refrigerated for i in route.stops):
            assert route.vehicle_type.refrigerated
    r = solve_fleet(p, ENERGY)
    assert verify_plan(p, r) == [] and r.status == FleetStatus.FEASIBLE
    # the cheap answer puts everything on the reefer (one fixed cost), never a reefer
    # stop on an ordinary vehicle
    for route in r.routes:
        if route.vehicle_type == "ev":
            assert not any(p.stops[int(s[1:])].refrigerated for s in route.stop_ids)


@pytest.mark.parametrize("what", ["kg", "m3"])
def test_capacity_dimensions_split_the_load(what: str) -> None:
    # four stops of 400 kg / 0.5 m3; capacity 1000 kg or 1.0 m3 forces two per vehicle
    cap = {"capacity_kg": 1000, "capacity_m3": 10} if what == "kg" else {
        "capacity_kg": 5000, "capacity_m3": 1.0}  # fmt: skip
    p = line_problem([3.0, 4.0, -3.0, -4.0], vehicles=[{**EV, "count": 3, **cap}],
                     demand_kg=[400.0] * 4)  # fmt: skip
    found = _search(p, {"ev": 3})
    assert found.unperformed == ()  # type: ignore[attr-defined]
    assert len(found.routes) == 2  # type: ignore[attr-defined]
    for route in found.routes:  # type: ignore[attr-defined]
        assert sum(p.stops[i].demand_kg for i in route.stops) <= route.vehicle_type.capacity_kg
        assert sum(p.stops[i].demand_m3 for i in route.stops) <= route.vehicle_type.capacity_m3
    r = solve_fleet(p, ENERGY)
    assert verify_plan(p, r) == [] and r.vehicles_used == 2


@pytest.mark.parametrize("seed", range(5))
def test_one_vehicle_cost_equals_brute_force_optimum(seed: int) -> None:
    rng = random.Random(100 + seed)
    n = rng.randint(4, 6)
    xs = [round(rng.uniform(-30, 30), 1) for _ in range(n)]
    wins = []
    for _ in range(n):
        h = rng.randint(7, 13)
        slot = (f"{h:02d}:00", f"{h + 2:02d}:00")
        wins.append(slot if rng.random() < 0.5 else ("06:00", "22:00"))
    kg = [float(rng.choice([100, 200, 300])) for _ in range(n)]
    p = line_problem(xs, vehicles=[{**EV, "battery_kwh": 40}], windows=wins, demand_kg=kg)
    served, cost = brute_force(p)
    r = solve_fleet(p, ENERGY)
    assert verify_plan(p, r) == []
    assert r.served_count == served
    assert r.objective_cny == pytest.approx(cost, abs=1e-6)


def _best_with_charging(p: FleetProblem) -> tuple[int, float]:
    """(most stops, least cost) for one vehicle over every subset and order, each order
    scheduled by the exact charging DP (itself checked against brute force elsewhere)."""
    vt = p.vehicle_types[0]
    best = (0, 0.0)
    for k in range(1, len(p.stops) + 1):
        costs = [
            plan.cost_cny
            for sub in itertools.combinations(range(len(p.stops)), k)
            for order in itertools.permutations(sub)
            if (plan := schedule_route(p, vt, list(order))) is not None
        ]
        if costs:
            best = (k, min(costs))
    return best


def test_one_vehicle_with_charging_matches_exhaustive_search() -> None:
    # two far stops on opposite sides, chargers on both sides: charging binds
    p = line_problem([70.0, -65.0, 10.0, -12.0], sites_km=[40.0, -40.0], vehicles=[EV],
                     speed_kmh=90.0)  # fmt: skip
    served, cost = _best_with_charging(p)
    r = solve_fleet(p, ENERGY)
    assert verify_plan(p, r) == []
    assert r.served_count == served == 4
    assert r.objective_cny == pytest.approx(cost, abs=1e-6)
    assert any(isinstance(v, ChargeVisit) for v in r.routes[0].visits)


@pytest.mark.parametrize("ev_only", [True, False])
def test_search_routes_are_schedulable_exactly_on_a_kuytun_day(ev_only: bool) -> None:
    p = kuytun_day(60, seed=7)
    if ev_only:
        p = replace(p, vehicle_types=tuple(v for v in p.vehicle_types if v.is_electric))
    found = _search(p, {v.id: v.count for v in p.vehicle_types}, limit=50)
    assert found.routes  # type: ignore[attr-defined]
    for route in found.routes:  # type: ignore[attr-defined]
        assert schedule_route(p, route.vehicle_type, route.stops) is not None


def test_deterministic_with_a_solution_limit() -> None:
    p = kuytun_day(30, seed=3)
    p = replace(p, vehicle_types=tuple(v for v in p.vehicle_types if v.is_electric))
    fleet = {v.id: v.count for v in p.vehicle_types}
    a = _search(p, fleet, limit=80)
    b = _search(p, fleet, limit=80)
    assert a.routes == b.routes  # type: ignore[attr-defined]
    assert a.objective == b.objective  # type: ignore[attr-defined]
    r1 = solve_fleet(p, replace(ENERGY, max_iterations=40))
    r2 = solve_fleet(p, replace(ENERGY, max_iterations=40))
    assert [x.stop_ids for x in r1.routes] == [x.stop_ids for x in r2.routes]
    assert r1.objective_cny == r2.objective_cny
    assert verify_plan(p, r1) == []


def test_bad_options_are_input_errors() -> None:
    with pytest.raises(InputError, match="charge_levels"):
        EnergyModelOptions(charge_levels=(0.5, 1.5))
    with pytest.raises(InputError, match="copies_per_level"):
        EnergyModelOptions(copies_per_level=0)
    p = line_problem([5.0])
    with pytest.raises(InputError, match="time_s"):
        search_ortools_energy(p, [0], list(p.vehicle_types), {"ev": 1}, time_s=0)
    assert math.isfinite(p.vehicle_types[0].usable_kwh)


def test_depot_without_vehicles_is_not_a_stop() -> None:
    from freight.fleet.problem_json import parse_problem

    p = parse_problem(
        {
            "speed_kmh": 30,
            "depots": [
                {"id": "d0", "lat": 44.42, "lon": 84.90, "open": "06:00", "close": "22:00"},
                {"id": "d1", "lat": 44.45, "lon": 84.95, "open": "06:00", "close": "22:00"},
            ],
            "vehicle_types": [{**EV, "depot": "d1", "count": 2}],
            "stops": [
                {"id": f"s{k}", "lat": 44.43 + 0.01 * k, "lon": 84.91, "demand_kg": 100}
                for k in range(3)
            ],
        }
    )
    found = _search(p, {"ev": 2})
    assert found.unperformed == ()  # type: ignore[attr-defined]
    assert sorted(i for r in found.routes for i in r.stops) == [0, 1, 2]  # type: ignore[attr-defined]
    r = solve_fleet(p, ENERGY)
    assert verify_plan(p, r) == [] and r.status == FleetStatus.FEASIBLE
