"""Per-hour route cost: departure push-forward, router choice, verification, JSON.

Brute force is written from the contract's text, independently of ``freight.fleet.charging``:
a route's paid time runs from leaving the depot to returning, waiting included.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace
from typing import Any

import pytest
from fleet_helpers import line_problem

from freight.errors import InputError
from freight.fleet.charging import ChargerBook, schedule_route
from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.problem_json import parse_problem, problem_to_dict
from freight.fleet.result import (
    FleetResult,
    FleetStatus,
    RoutePlan,
    StopVisit,
)
from freight.fleet.routing import Method, RouterParams, solve_fleet
from freight.fleet.routing.params import unit_duration_cost
from freight.fleet.verify import verify_plan

EV: dict[str, Any] = {
    "id": "ev",
    "count": 2,
    "capacity_kg": 1000,
    "capacity_m3": 10,
    "battery_kwh": 50,
    "min_soc_kwh": 5,
    "kwh_per_km": 0.3,
    "fixed_cost_cny": 100,
    "cost_per_km_cny": 1.0,
    "cost_per_hour_cny": 40.0,
}


def _result(plans: list[RoutePlan]) -> FleetResult:
    return FleetResult(
        FleetStatus.FEASIBLE,
        sum(p.cost_cny for p in plans),
        sum(p.distance_km for p in plans),
        len(plans),
        tuple(plans),
        (),
        0.0,
    )


def _min_duration(p: FleetProblem, order: tuple[int, ...]) -> float | None:
    """Least departure-to-return minutes of ``order`` over every whole departure minute."""
    vt = p.vehicle_types[0]
    depot = p.index_of(vt.depot)
    best = None
    for dep in range(int(vt.shift_start_min), int(vt.shift_end_min) + 1):
        t, here, ok = float(dep), depot, True
        for i in order:
            s = p.stops[i]
            j = p.first_stop_index + i
            t = max(t + p.minutes(here, j), s.window_open_min)
            if t > s.window_close_min + 1e-9:
                ok = False
                break
            t += s.service_min
            here = j
        t += p.minutes(here, depot)
        if ok and t <= vt.shift_end_min + 1e-9 and (best is None or t - dep < best):
            best = t - dep
    return best


def _random_windows(rng: random.Random, n: int) -> list[tuple[str, str]]:
    out = []
    for _ in range(n):
        h = rng.choice([6, 7, 8, 9, 10, 11, 12, 13, 14])
        m = rng.choice([0, 15, 30])
        length = rng.choice([30, 60, 180])
        a = h * 60 + m
        b = a + length
        out.append((f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}"))
    return out


@pytest.mark.parametrize("seed", range(12))
def test_push_forward_gives_the_least_duration_of_the_order(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 3)
    xs = [float(rng.randint(-40, 40)) for _ in range(n)]
    p = line_problem(
        xs, vehicles=[{**EV, "count": 1}], windows=_random_windows(rng, n), demand_kg=[50.0] * n
    )
    vt = p.vehicle_types[0]
    checked = 0
    for order in itertools.permutations(range(n)):
        plan = schedule_route(p, vt, list(order), allow_charging=False)
        want = _min_duration(p, order)
        if want is None:
            assert plan is None
            continue
        assert plan is not None
        assert plan.duration_min == pytest.approx(want, abs=1e-6)
        assert plan.cost_cny == pytest.approx(
            100 + plan.distance_km + 40 * plan.duration_min / 60, abs=1e-9
        )
        assert verify_plan(p, _result([plan])) == []
        checked += 1
    assert checked > 0 or n > 1  # a single stop with a window is always feasible here


def test_push_forward_stops_at_the_tightest_later_window() -> None:
    # s0 opens 06:00 at km 10 (arrive 06:10 when leaving 06:00), s1 at km 20 closes 07:00,
    # opens 06:50: waiting 30 min before s1, but s0 closes 06:15, so leave by 06:05 at most
    p = line_problem(
        [10.0, 20.0],
        vehicles=[{**EV, "count": 1}],
        windows=[("06:00", "06:15"), ("06:50", "07:00")],
    )
    plan = schedule_route(p, p.vehicle_types[0], [0, 1], allow_charging=False)
    assert plan is not None
    assert plan.start_min == pytest.approx(365.0)  # 06:05: s0 served at its close, 06:15
    v0, v1 = plan.visits
    assert v0.start_min == pytest.approx(375.0)
    assert v1.arrive_min == pytest.approx(395.0) and v1.start_min == pytest.approx(410.0)
    assert plan.end_min == pytest.approx(440.0)
    assert plan.waiting_min == pytest.approx(15.0)
    d = _result([plan]).to_dict()["routes"][0]
    assert d["start"] == "06:05" and d["duration_min"] == pytest.approx(75.0)
    assert d["cost_cny"] == pytest.approx(plan.cost_cny)


def test_push_forward_with_charging_keeps_the_plug_reservations() -> None:
    # 45 usable kWh at 0.3 kWh/km: 150 km; stops at 70 and 90 km need a charge on the way
    p = line_problem(
        [70.0, 90.0, 70.0, 90.0],
        vehicles=[{**EV, "count": 2, "kwh_per_km_per_tonne": 0.0}],
        sites_km=[60.0],
        windows=[("06:00", "12:00"), ("13:00", "13:30")] * 2,
        site_count=1,
    )
    vt = p.vehicle_types[0]
    book = ChargerBook.for_problem(p)
    a = schedule_route(p, vt, [0, 1], book)
    assert a is not None and a.charge_visits
    book.reserve(a, p)
    b = schedule_route(p, vt, [2, 3], book)
    assert b is not None and b.charge_visits
    res = _result([a, b])
    assert verify_plan(p, res) == []  # includes "simultaneous use <= plugs"
    for plan in (a, b):
        first = plan.visits[0]
        where = first.stop_id if isinstance(first, StopVisit) else first.site_id
        assert plan.start_min >= vt.shift_start_min
        assert plan.start_min + p.minutes(p.index_of("d"), p.index_of(where)) <= (
            first.arrive_min + 1e-9
        )
    # the second route queues behind the first one's plug reservation, which still holds
    (ca,), (cb,) = a.charge_visits, b.charge_visits
    assert cb.start_min >= ca.start_min + ca.charge_min - 1e-9 or (
        ca.start_min >= cb.start_min + cb.charge_min - 1e-9
    )


def _two_stop_problem(cost_per_hour: float) -> FleetProblem:
    # an early and a late stop 2 km apart, 10 km out: one route waits ~7 h between them
    return line_problem(
        [10.0, 12.0],
        vehicles=[{**EV, "cost_per_hour_cny": cost_per_hour}],
        windows=[("06:00", "06:30"), ("14:00", "14:30")],
    )


def _brute_force_cost(p: FleetProblem) -> float:
    """Least total cost over one route (either order) or two single-stop routes."""
    vt = p.vehicle_types[0]

    def route_cost(order: tuple[int, ...]) -> float:
        dur = _min_duration(p, order)
        if dur is None:
            return math.inf
        depot = p.index_of(vt.depot)
        pts = [depot] + [p.first_stop_index + i for i in order] + [depot]
        km = sum(p.km(a, b) for a, b in itertools.pairwise(pts))
        return vt.fixed_cost_cny + vt.cost_per_km_cny * km + vt.cost_per_hour_cny * dur / 60

    one = min(route_cost((0, 1)), route_cost((1, 0)))
    two = route_cost((0,)) + route_cost((1,))
    return min(one, two)


@pytest.mark.parametrize("method", [Method.PYVRP, Method.ORTOOLS, Method.ORTOOLS_ENERGY])
def test_duration_cost_splits_a_long_waiting_route(method: Method) -> None:
    params = RouterParams(time_limit_s=5, max_iterations=200, method=method)
    cheap = solve_fleet(_two_stop_problem(0.0), params)
    assert len(cheap.routes) == 1  # without pay per hour the fixed cost decides
    assert cheap.objective_cny == pytest.approx(_brute_force_cost(_two_stop_problem(0.0)))
    p = _two_stop_problem(40.0)
    res = solve_fleet(p, params)
    assert verify_plan(p, res) == []
    assert len(res.routes) == 2
    assert all(r.duration_min <= 40 + 1e-6 for r in res.routes)
    assert res.objective_cny == pytest.approx(_brute_force_cost(p), abs=1e-6)


def test_verify_recomputes_the_duration_cost() -> None:
    p = _two_stop_problem(40.0)
    plan = schedule_route(p, p.vehicle_types[0], [0, 1], allow_charging=False)
    assert plan is not None and plan.duration_min > 400
    assert verify_plan(p, _result([plan])) == []
    # the per-km-only cost is now wrong
    bad = replace(plan, cost_cny=100 + plan.distance_km)
    errs = verify_plan(p, _result([bad]))
    assert any("reported cost" in e for e in errs)
    assert any("objective" in e for e in verify_plan(p, replace(_result([plan]), objective_cny=1)))
    # a later return is paid: stretching the route without changing its cost is caught
    late = replace(plan, end_min=plan.end_min + 30)
    assert any("reported cost" in e for e in verify_plan(p, _result([late])))
    # JSON round trip keeps the answer verifiable
    assert verify_plan(p, FleetResult.from_dict(_result([plan]).to_dict())) == []


def test_zero_cost_per_hour_keeps_cost_fixed_plus_km() -> None:
    p = _two_stop_problem(0.0)
    plan = schedule_route(p, p.vehicle_types[0], [0, 1], allow_charging=False)
    assert plan is not None
    assert plan.cost_cny == pytest.approx(100 + plan.distance_km)


def test_integer_duration_cost_is_not_rounded_away() -> None:
    vt = line_problem([1.0], vehicles=[EV]).vehicle_types[0]
    # 40 CNY/h per second in the engines' integer cost unit: 0.01 % rounding at most
    per_s = unit_duration_cost(vt)
    assert per_s > 0
    assert per_s * 3600 / 100_000 == pytest.approx(40.0, rel=1e-3)


# ---- JSON contract ------------------------------------------------------------------------


def _problem_json(**vt: Any) -> dict[str, Any]:
    return {
        "depots": [{"id": "d", "lat": 44.42, "lon": 84.90, "open": "06:00", "close": "22:00"}],
        "vehicle_types": [
            {
                "id": "ev",
                "depot": "d",
                "count": 1,
                "capacity_kg": 1000,
                "capacity_m3": 10,
                "battery_kwh": 80,
                "kwh_per_km": 0.3,
                **vt,
            }
        ],
        "stops": [{"id": "s1", "lat": 44.43, "lon": 84.91, "demand_kg": 100}],
    }


def test_cost_per_hour_defaults_to_zero_and_round_trips() -> None:
    assert parse_problem(_problem_json()).vehicle_types[0].cost_per_hour_cny == 0.0
    p = parse_problem(_problem_json(cost_per_hour_cny=40))
    assert p.vehicle_types[0].cost_per_hour_cny == 40.0
    again = parse_problem(problem_to_dict(p))
    assert again.vehicle_types[0].cost_per_hour_cny == 40.0


@pytest.mark.parametrize("bad", [-1, "40", True, float("nan"), None])
def test_bad_cost_per_hour_names_the_field(bad: Any) -> None:
    if bad is None:  # null means "not given": the default
        assert parse_problem(_problem_json(cost_per_hour_cny=None)).vehicle_types[0].id == "ev"
        return
    with pytest.raises(InputError, match=r"\$\.vehicle_types\[0\]\.cost_per_hour_cny"):
        parse_problem(_problem_json(cost_per_hour_cny=bad))


def test_vehicle_type_rejects_negative_cost_per_hour() -> None:
    vt = parse_problem(_problem_json()).vehicle_types[0]
    with pytest.raises(ValueError, match="cost_per_hour_cny"):
        replace(vt, cost_per_hour_cny=-0.5)
    assert isinstance(replace(vt, cost_per_hour_cny=12.5), VehicleType)


# ---- planner defaults ---------------------------------------------------------------------


def test_planner_pays_the_driver_per_hour_of_route_time() -> None:
    from freight.demand import load_depots
    from freight.fleet.plan.build import router_vehicle_type
    from freight.fleet.plan.defaults import capital_recovery_factor, load_fleet_defaults

    d = load_fleet_defaults()
    depot = load_depots()[0]
    for spec in d.vehicles:
        # A15: 320 CNY per day over an 8-hour paid day
        assert spec.driver_cny_per_hour == pytest.approx(spec.driver_cny_per_day / 8)
        vt = router_vehicle_type(spec, depot, "winter", 3, d)
        crf = capital_recovery_factor(d.discount_rate, spec.life_years)
        assert vt.fixed_cost_cny == pytest.approx(
            spec.price_cny * crf / d.operating_days_per_year, abs=1e-4
        )
        assert vt.cost_per_hour_cny == spec.driver_cny_per_hour
