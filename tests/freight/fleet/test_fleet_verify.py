"""verify_plan accepts a hand-built valid plan and rejects a crafted violation of each rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from fleet_helpers import line_problem

from freight.errors import SolverError
from freight.fleet.problem import FleetProblem
from freight.fleet.result import (
    ChargeVisit,
    FleetResult,
    FleetStatus,
    RoutePlan,
    StopVisit,
    Unserved,
)
from freight.fleet.verify import check_plan, verify_plan

# Line: depot 0, charger c0 at km 60, stop s0 at km 100 (100 kg, window 08:00-20:00),
# stop s1 at km 10. 60 km/h => minutes = km. EV: 50 kWh, min 5, 0.3 kWh/km + 0.1/t.
PROBLEM = line_problem(
    [100.0, 10.0],
    sites_km=[60.0],
    windows=[("08:00", "20:00"), ("06:00", "22:00")],
    refrigerated=[False, False],
)


def _valid() -> FleetResult:
    """Hand-computed plan (100 kg on board: 0.31 kWh/km; empty: 0.30).

    Route 0: depot 06:00 -> c0 at 07:00 (SoC 50 - 60 x 0.31 = 31.4), charge 20 min at
    60 kW (+20 kWh, capped at 50) -> s0 at 08:00 (SoC 50 - 40 x 0.31 = 37.6), serve 10 min
    -> depot at 09:50 (SoC 7.6 >= 5). 200 km, 61 kWh, 100 + 200 CNY.
    Route 1: s1 10 km out and back, 06:00-06:30. 20 km, 120 CNY.
    """
    r1 = RoutePlan(
        "ev",
        360.0,
        360 + 60 + 20 + 40 + 10 + 100,
        (
            ChargeVisit("c0", 420.0, 420.0, 20.0, 440.0, 50.0),
            StopVisit("s0", 480.0, 480.0, 490.0, 50.0 - 40 * 0.31, 0.0),
        ),
        200.0,
        60 * 0.31 + 40 * 0.31 + 100 * 0.3,
        100 + 200.0,
    )
    r2 = RoutePlan(
        "ev",
        360.0,
        390.0,
        (StopVisit("s1", 370.0, 370.0, 380.0, 50.0 - 10 * 0.31, 0.0),),
        20.0,
        10 * 0.31 + 10 * 0.3,
        100 + 20.0,
    )
    return FleetResult(FleetStatus.FEASIBLE, 420.0, 220.0, 2, (r1, r2), (), 0.0)


def test_hand_built_plan_is_valid() -> None:
    assert verify_plan(PROBLEM, _valid()) == []
    check_plan(PROBLEM, _valid())


def _edit_route(k: int, **changes: object) -> Callable[[FleetResult], FleetResult]:
    def f(r: FleetResult) -> FleetResult:
        routes = list(r.routes)
        routes[k] = replace(routes[k], **changes)  # type: ignore[arg-type]
        return replace(r, routes=tuple(routes))

    return f


def _edit_visit(k: int, v: int, **changes: object) -> Callable[[FleetResult], FleetResult]:
    def f(r: FleetResult) -> FleetResult:
        visits = list(r.routes[k].visits)
        visits[v] = replace(visits[v], **changes)  # type: ignore[arg-type]
        return _edit_route(k, visits=tuple(visits))(r)

    return f


def _problem(**vt_changes: object) -> FleetProblem:
    vt = replace(PROBLEM.vehicle_types[0], **vt_changes)  # type: ignore[arg-type]
    return replace(PROBLEM, vehicle_types=(vt,))


CASES: list[tuple[str, Callable[[FleetResult], FleetResult], FleetProblem, str]] = [
    ("late window", _edit_visit(0, 1, start_min=1201.0, depart_min=1211.0), PROBLEM, "window"),
    ("too fast", _edit_visit(1, 0, arrive_min=361.0, start_min=361.0), PROBLEM, "faster"),
    ("short service", _edit_visit(1, 0, depart_min=375.0), PROBLEM, "before service ends"),
    ("early start", _edit_route(1, start_min=300.0), PROBLEM, "before shift"),
    ("late return", _edit_route(0, end_min=1400.0), _problem(shift_end_min=1000.0), "after shift"),
    (
        "no charge -> SoC below min",
        _edit_visit(0, 0, charge_min=0.0, depart_min=420.0, soc_kwh=30.8),
        PROBLEM,
        "below min",
    ),
    (
        "charger overfilled",
        _edit_visit(0, 0, soc_kwh=81.4),
        PROBLEM,
        "reported SoC",
    ),
    ("capacity", lambda r: r, _problem(capacity_kg=50.0), "exceeds capacity"),
    ("vehicle count", lambda r: r, _problem(count=1), "only 1 available"),
    ("wrong cost", _edit_route(1, cost_cny=1.0), PROBLEM, "reported cost"),
    ("wrong objective", lambda r: replace(r, objective_cny=1.0), PROBLEM, "objective"),
    (
        "stop served twice",
        lambda r: replace(
            r,
            routes=(r.routes[0], replace(r.routes[1], visits=r.routes[0].visits)),
        ),
        PROBLEM,
        "served 2 times",
    ),
    ("stop lost", lambda r: replace(r, routes=r.routes[:1], vehicles_used=1), PROBLEM, "neither"),
    (
        "served and unserved",
        lambda r: replace(r, unserved=(Unserved("s1", "x"),), status=FleetStatus.PARTIAL),
        PROBLEM,
        "both served",
    ),
    ("status", lambda r: replace(r, status=FleetStatus.PARTIAL), PROBLEM, "status"),
]


@pytest.mark.parametrize(("name", "edit", "problem", "match"), CASES, ids=[c[0] for c in CASES])
def test_each_violation_is_caught(
    name: str, edit: Callable[[FleetResult], FleetResult], problem: FleetProblem, match: str
) -> None:
    errs = verify_plan(problem, edit(_valid()))
    assert any(match in e for e in errs), errs
    with pytest.raises(SolverError):
        check_plan(problem, edit(_valid()))


def test_refrigerated_stop_on_ordinary_vehicle() -> None:
    p = replace(PROBLEM, stops=(PROBLEM.stops[0], replace(PROBLEM.stops[1], refrigerated=True)))
    assert any("refrigerated" in e for e in verify_plan(p, _valid()))


def test_plug_count_is_enforced() -> None:
    # a second vehicle charging at c0 at the same time as route 0 (c0 has 1 plug)
    r = _valid()
    extra = replace(
        r.routes[0],
        visits=(replace(r.routes[0].visits[0], soc_kwh=50.0), r.routes[0].visits[1]),
    )
    both = replace(r, routes=(r.routes[0], extra, r.routes[1]), vehicles_used=3)
    p = _problem(count=3)
    errs = verify_plan(p, both)
    assert any("charge at once" in e for e in errs), errs
    assert any("served 2 times" in e for e in errs)
