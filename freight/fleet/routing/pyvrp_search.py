"""PyVRP adapter: one zone's search on the conservative integer model."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from freight.fleet.charging import shift_bounds_s
from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.routing.intmodel import energy_cap_m, int_model
from freight.fleet.routing.params import (
    COST_PER_CNY,
    G_PER_KG,
    L_PER_M3,
    M_PER_KM,
    S_PER_MIN,
    TINY_STOPS,
    RouterParams,
    unit_duration_cost,
)


def search_pyvrp(
    problem: FleetProblem,
    stops: list[int],
    types: list[VehicleType],
    fleet: dict[str, int],
    params: RouterParams,
    time_s: float,
    warm: list[tuple[VehicleType, list[int]]] | None = None,
    optimistic: bool = False,
) -> list[tuple[VehicleType, list[int]]]:
    """Routes (vehicle type, stop indices) of PyVRP's best solution for ``stops``."""
    import pyvrp

    data = _problem_data(problem, stops, types, fleet, optimistic)
    init = _initial_solution(data, stops, types, warm) if warm else None
    res = pyvrp.solve(
        data,
        stop=_stopping(params, time_s, len(stops)),
        seed=params.seed,
        display=False,
        initial_solution=init,
    )
    out: list[tuple[VehicleType, list[int]]] = []
    for route in res.best.routes():
        vt = types[route.vehicle_type()]
        seq = [stops[a.idx] for a in route if a.is_client()]
        if seq:
            out.append((vt, seq))
    return out


def _stopping(params: RouterParams, time_s: float, n_stops: int) -> Any:
    from pyvrp.stop import (
        MaxIterations,
        MaxRuntime,
        MultipleCriteria,
        NoImprovement,
        StoppingCriterion,
    )

    criteria: list[StoppingCriterion] = [
        # with an iteration budget, time is only a safety cap (reproducible runs)
        MaxRuntime(time_s if params.max_iterations is None else params.time_limit_s),
    ]
    if n_stops <= TINY_STOPS:  # tiny problems stall early; larger ones use all the time
        criteria.append(NoImprovement(5_000))
    if params.max_iterations is not None:
        criteria.append(MaxIterations(params.max_iterations))
    return MultipleCriteria(criteria)


def _problem_data(
    problem: FleetProblem,
    stops: list[int],
    types: list[VehicleType],
    fleet: dict[str, int],
    optimistic: bool,
) -> Any:
    """PyVRP's ``ProblemData``: depots, optional clients with a prize, one distance and
    duration profile per refrigeration class, the vehicle types with their caps."""
    import pyvrp

    m = int_model(problem, stops)
    nd = len(problem.depots)
    locations = [pyvrp.Location(x=float(d.lon), y=float(d.lat)) for d in problem.depots]
    locations += [
        pyvrp.Location(x=float(problem.stops[i].lon), y=float(problem.stops[i].lat)) for i in stops
    ]
    depots = [pyvrp.Depot(location=k) for k in range(nd)]
    clients = [_client(problem, i, nd + k, m.prize) for k, i in enumerate(stops)]
    need_reefer_profile = any(problem.stops[i].refrigerated for i in stops) and any(
        not vt.refrigerated for vt in types
    )
    dists = [m.dist_m]
    durs = [m.dur_s]
    if need_reefer_profile:
        big = np.int64(10**9)
        d2, t2 = m.dist_m.copy(), m.dur_s.copy()
        for k, i in enumerate(stops):
            if problem.stops[i].refrigerated:
                d2[:, nd + k] = big
                t2[:, nd + k] = big
        np.fill_diagonal(d2, 0)
        np.fill_diagonal(t2, 0)
        dists.append(d2)
        durs.append(t2)
    vtypes = [
        _vehicle_type(problem, vt, fleet[vt.id], optimistic, need_reefer_profile) for vt in types
    ]
    return pyvrp.ProblemData(locations, clients, depots, vtypes, dists, durs)  # type: ignore[arg-type]


def _client(problem: FleetProblem, i: int, location: int, prize: int) -> Any:
    import pyvrp

    s = problem.stops[i]
    return pyvrp.Client(
        location=location,
        delivery=[
            math.ceil(s.demand_kg * G_PER_KG - 1e-6),
            math.ceil(s.demand_m3 * L_PER_M3 - 1e-6),
        ],
        service_duration=math.ceil(s.service_min * S_PER_MIN - 1e-6),
        tw_early=math.ceil(s.window_open_min * S_PER_MIN - 1e-6),
        tw_late=math.floor(s.window_close_min * S_PER_MIN + 1e-6),
        prize=prize,
        required=False,
    )


def _vehicle_type(
    problem: FleetProblem, vt: VehicleType, count: int, optimistic: bool, reefer_profile: bool
) -> Any:
    import pyvrp

    d = problem.index_of(vt.depot)
    depart_s, return_s = shift_bounds_s(problem, vt)
    return pyvrp.VehicleType(
        num_available=count,
        capacity=[
            math.floor(vt.capacity_kg * G_PER_KG + 1e-6),
            math.floor(vt.capacity_m3 * L_PER_M3 + 1e-6),
        ],
        start_depot=d,
        end_depot=d,
        fixed_cost=round(vt.fixed_cost_cny * COST_PER_CNY),
        tw_early=depart_s,
        tw_late=return_s,
        max_distance=energy_cap_m(vt, optimistic),
        unit_distance_cost=round(vt.cost_per_km_cny * COST_PER_CNY / M_PER_KM),
        # PyVRP picks the start in [tw_early, start_late] minimising the duration
        unit_duration_cost=unit_duration_cost(vt),
        profile=1 if reefer_profile and not vt.refrigerated else 0,
        name=vt.id,
    )


def _initial_solution(
    data: Any, stops: list[int], types: list[VehicleType], warm: list[tuple[VehicleType, list[int]]]
) -> Any:
    """The warm start as a PyVRP solution (``None`` when PyVRP rejects it)."""
    import pyvrp

    pos = {i: k for k, i in enumerate(stops)}
    tix = {vt.id: k for k, vt in enumerate(types)}
    try:
        return pyvrp.Solution(
            data,
            [
                pyvrp.Route(
                    data,
                    [pyvrp.Activity(pyvrp.ActivityType.CLIENT, pos[i]) for i in seq],
                    tix[vt.id],
                )
                for vt, seq in warm
            ],
        )
    except (RuntimeError, ValueError, IndexError):
        return None
