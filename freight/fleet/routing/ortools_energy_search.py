"""OR-Tools energy-model adapter (``Method.ORTOOLS_ENERGY``): model, first solution, search.

The model and its method are described in :mod:`freight.fleet.routing.energy_model`; this
module builds the ``pywrapcp`` routing model from it, finds a first solution (stops that
need a charge alone locked onto vehicles with their charging nodes first), drops charging
nodes the routes do not need, seeds the remaining stops with chargers
(:mod:`~freight.fleet.routing.energy_seed`) and runs the guided local search from there.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from freight.errors import InputError, SolverError
from freight.fleet.charging import shift_bounds_s
from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.routing.energy_model import (
    COST_PER_CNY,
    G_PER_KG,
    HORIZON_S,
    L_PER_M3,
    M_PER_KM,
    S_PER_MIN,
    UNLIMITED,
    WH_PER_KWH,
    EnergyModel,
    EnergyModelOptions,
    EnergySearch,
    PlannedCharge,
    SearchRoute,
    build_model,
    model_cost,
    tailored_levels,
)
from freight.fleet.routing.energy_seed import seed_charging_routes

__all__ = ["EnergyModelOptions", "EnergySearch", "search_ortools_energy"]


@dataclass(frozen=True, slots=True)
class _Routing:
    """The ``pywrapcp`` model of one zone and what reading it back needs."""

    manager: Any
    routing: Any
    vehicles: list[VehicleType]
    starts: list[int]
    m: EnergyModel


def search_ortools_energy(
    problem: FleetProblem,
    stops: Sequence[int],
    types: Sequence[VehicleType],
    fleet: dict[str, int],
    *,
    time_s: float,
    solution_limit: int | None = None,
    optimistic: bool = False,
    options: EnergyModelOptions | None = None,
) -> EnergySearch:
    """Solve the OR-Tools energy model on ``stops`` with ``fleet[type id]`` vehicles each.

    ``time_s`` bounds the whole search; with ``solution_limit`` the guided local search
    stops after that many solutions (reproducible). Returned routes are search routes: the
    caller re-times them with ``charging.schedule_route``.
    """
    t_start = time.perf_counter()
    options = options or EnergyModelOptions()
    if not time_s > 0:
        raise InputError(f"time_s must be > 0, got {time_s}")
    stops = list(stops)
    types = [vt for vt in types if fleet.get(vt.id, 0) > 0]
    vehicles = [vt for vt in types for _ in range(fleet[vt.id])]
    if not stops or not vehicles:
        return EnergySearch((), None, tuple(stops), 0, 0, time.perf_counter() - t_start)
    tailored_for = tailored_levels(problem, stops, types)
    tailored = [c for cs in tailored_for.values() for c in cs]
    m = build_model(problem, stops, types, optimistic, options, tailored)
    n_chargers = len(m.loc) - m.first_charger
    rt = _routing_model(problem, m, vehicles)
    deadline = t_start + time_s
    sp = _first_parameters(options, deadline)
    rt.routing.CloseModelWithParameters(sp)
    needy = {m.nd + k for k, i in enumerate(stops) if i in tailored_for}
    first, locked = _first_solution(problem, rt, sp, needy, 0.1 * time_s)
    if first is None:
        status = rt.routing.status()
        if status in (rt.routing.ROUTING_FAIL, rt.routing.ROUTING_FAIL_TIMEOUT):
            return EnergySearch(
                (), None, tuple(stops), 0, n_chargers, time.perf_counter() - t_start
            )
        raise SolverError(f"OR-Tools energy model failed with status {status}")
    paths = _drop_idle_chargers(problem, rt, _paths(rt, first))
    seeded = seed_charging_routes(
        problem, m, vehicles, paths, time.perf_counter() + max(0.05, 0.1 * time_s)
    )
    sol = _improve(rt, sp, paths, first, deadline, solution_limit)
    routes, performed = _search_routes(problem, rt, _paths(rt, sol))
    return EnergySearch(
        routes,
        int(sol.ObjectiveValue()),
        tuple(i for i in stops if i not in performed),
        locked + seeded,
        n_chargers,
        time.perf_counter() - t_start,
    )


def _routing_model(problem: FleetProblem, m: EnergyModel, vehicles: list[VehicleType]) -> _Routing:
    """Costs, the time/kg/m3/energy dimensions and the node rules of the energy model."""
    from ortools.constraint_solver import pywrapcp

    starts = [problem.index_of(vt.depot) for vt in vehicles]
    manager = pywrapcp.RoutingIndexManager(len(m.loc), len(vehicles), starts, starts)
    rt = _Routing(manager, pywrapcp.RoutingModel(manager), vehicles, starts, m)
    _add_costs(rt)
    tdim, edim = _add_dimensions(rt)
    _add_nodes(problem, rt, tdim, edim)
    _add_shifts(problem, rt, tdim)
    return rt


def _add_costs(rt: _Routing) -> None:
    routing, m = rt.routing, rt.m
    by_unit: dict[float, int] = {}
    for v, vt in enumerate(rt.vehicles):
        unit = vt.cost_per_km_cny * COST_PER_CNY / M_PER_KM
        if unit not in by_unit:
            by_unit[unit] = routing.RegisterTransitMatrix(
                np.round(m.dist_m * unit).astype(np.int64).tolist()
            )
        routing.SetArcCostEvaluatorOfVehicle(by_unit[unit], v)
        routing.SetFixedCostOfVehicle(round(vt.fixed_cost_cny * COST_PER_CNY), v)


def _add_dimensions(rt: _Routing) -> tuple[Any, Any]:
    routing, m, vehicles = rt.routing, rt.m, rt.vehicles
    time_cb = routing.RegisterTransitMatrix(m.time_s.tolist())
    routing.AddDimension(time_cb, HORIZON_S, HORIZON_S, False, "time")
    tdim = routing.GetDimensionOrDie("time")
    kg_cb = routing.RegisterUnaryTransitVector(m.kg)
    m3_cb = routing.RegisterUnaryTransitVector(m.m3)
    routing.AddDimensionWithVehicleCapacity(
        kg_cb, 0, [math.floor(vt.capacity_kg * G_PER_KG + 1e-6) for vt in vehicles], True, "kg"
    )
    routing.AddDimensionWithVehicleCapacity(
        m3_cb, 0, [math.floor(vt.capacity_m3 * L_PER_M3 + 1e-6) for vt in vehicles], True, "m3"
    )
    by_matrix: dict[int, int] = {}  # one callback per distinct matrix
    for e in m.energy_wh.values():
        if id(e) not in by_matrix:
            by_matrix[id(e)] = routing.RegisterTransitMatrix(e.tolist())
    energy_cb = {tid: by_matrix[id(e)] for tid, e in m.energy_wh.items()}
    caps = [
        UNLIMITED if vt.battery_kwh is None else math.floor(vt.usable_kwh * WH_PER_KWH + 1e-6)
        for vt in vehicles
    ]
    routing.AddDimensionWithVehicleTransitAndCapacity(
        [energy_cb[vt.id] for vt in vehicles], 0, caps, True, "energy"
    )
    return tdim, routing.GetDimensionOrDie("energy")


def _add_nodes(problem: FleetProblem, rt: _Routing, tdim: Any, edim: Any) -> None:
    """Stops optional with a prize (reefer-only where needed); chargers optional, free,
    battery vehicles only, never charging above full."""
    routing, manager, m = rt.routing, rt.manager, rt.m
    nd, fc, n = m.nd, m.first_charger, len(m.loc)
    for d in set(range(nd)) - set(rt.starts):  # a depot without vehicles here: optional node
        routing.AddDisjunction([manager.NodeToIndex(d)], 0)
    ordinary = [v for v, vt in enumerate(rt.vehicles) if not vt.refrigerated]
    no_battery = [v for v, vt in enumerate(rt.vehicles) if vt.battery_kwh is None]
    for node in range(nd, n):
        idx = manager.NodeToIndex(node)
        lo, hi = m.windows[node]
        tdim.CumulVar(idx).SetRange(lo, hi)
        if node < fc:
            routing.AddDisjunction([idx], m.prize)
            if problem.stops[m.stops[node - nd]].refrigerated and ordinary:
                routing.VehicleVar(idx).RemoveValues(ordinary)
        else:
            routing.AddDisjunction([idx], 0)
            edim.CumulVar(idx).SetMin(m.level_wh[node - fc])  # never charge above full
            if no_battery:
                routing.VehicleVar(idx).RemoveValues(no_battery)


def _add_shifts(problem: FleetProblem, rt: _Routing, tdim: Any) -> None:
    routing = rt.routing
    for v, vt in enumerate(rt.vehicles):
        depart_s, return_s = shift_bounds_s(problem, vt)
        # the departure is a range from the shift start: a span cost moves it later
        tdim.CumulVar(routing.Start(v)).SetRange(depart_s, HORIZON_S)
        tdim.CumulVar(routing.End(v)).SetRange(0, return_s)
        span_cost = round(vt.cost_per_hour_cny * COST_PER_CNY / (60 * S_PER_MIN))
        if span_cost > 0:  # paid route time: departure to return, waiting included
            tdim.SetSpanCostCoefficientForVehicle(span_cost, v)


def _first_parameters(options: EnergyModelOptions, deadline: float) -> Any:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    sp = pywrapcp.DefaultRoutingSearchParameters()
    sp.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    sp.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    # leave a zero-penalty charging node out unless inserting it costs nothing
    sp.global_cheapest_insertion_first_solution_parameters.add_unperformed_entries = (
        options.lean_first_solution
    )
    sp.solution_limit = 1  # the first solution only; seeding and GLS follow
    sp.time_limit.FromMilliseconds(max(50, int((deadline - time.perf_counter()) * 1000)))
    return sp


def _first_solution(
    problem: FleetProblem, rt: _Routing, sp: Any, needy: set[int], seed_s: float
) -> tuple[Any, int]:
    """The first solution and the number of stops locked onto vehicles before it.

    Stops that need a charge even alone are locked with their charging nodes onto vehicles
    first, so the insertion heuristic builds the rest of the day around them."""
    routing, manager = rt.routing, rt.manager
    locks: list[list[int]] = [[] for _ in rt.vehicles]
    locked = 0
    if needy:
        locked = seed_charging_routes(
            problem, rt.m, rt.vehicles, locks, time.perf_counter() + max(0.05, seed_s), needy
        )
        if locked and not routing.ApplyLocksToAllVehicles(
            [[manager.NodeToIndex(k) for k in p] for p in locks], False
        ):
            locked = 0  # pragma: no cover - the seeded routes are valid chains
    first = routing.SolveWithParameters(sp)
    if first is None and locked:  # defensive: retry without the locked chains
        locked = 0
        routing.ApplyLocksToAllVehicles([[] for _ in rt.vehicles], False)
        first = routing.SolveWithParameters(sp)
    return first, locked


def _drop_idle_chargers(
    problem: FleetProblem, rt: _Routing, paths: list[list[int]]
) -> list[list[int]]:
    """Insertion heuristics also insert zero-penalty charging nodes where they cost little:
    take them out wherever the route stays feasible without them."""
    m = rt.m
    for v, vt in enumerate(rt.vehicles):
        bare = [k for k in paths[v] if m.nd <= k < m.first_charger]
        if bare != paths[v]:
            depot = problem.index_of(vt.depot)
            if not bare or model_cost(problem, m, vt, depot, bare) is not None:
                paths[v] = bare
    return paths


def _improve(
    rt: _Routing,
    sp: Any,
    paths: list[list[int]],
    first: Any,
    deadline: float,
    solution_limit: int | None,
) -> Any:
    """Guided local search from the seeded routes, until the deadline or solution limit."""
    sol = first
    remaining = deadline - time.perf_counter()
    if remaining > 0.05 and (solution_limit is None or solution_limit > 1):
        sp.solution_limit = solution_limit if solution_limit is not None else 2**62
        sp.time_limit.FromMilliseconds(max(50, int(remaining * 1000)))
        start = rt.routing.ReadAssignmentFromRoutes(paths, True)
        if start is not None:
            improved = rt.routing.SolveFromAssignmentWithParameters(start, sp)
            if improved is not None:
                sol = improved
    return sol


def _paths(rt: _Routing, sol: Any) -> list[list[int]]:
    """Model nodes visited by each vehicle (its start and end depot left out)."""
    routing, manager = rt.routing, rt.manager
    out: list[list[int]] = []
    for v in range(len(rt.vehicles)):
        path: list[int] = []
        idx = sol.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(idx):
            path.append(manager.IndexToNode(idx))
            idx = sol.Value(routing.NextVar(idx))
        out.append(path)
    return out


def _search_routes(
    problem: FleetProblem, rt: _Routing, paths: list[list[int]]
) -> tuple[tuple[SearchRoute, ...], set[int]]:
    """Search routes (stops and planned charges) and the stops they serve."""
    m = rt.m
    nd, fc = m.nd, m.first_charger
    out: list[SearchRoute] = []
    performed: set[int] = set()
    for v, path in enumerate(paths):
        seq: list[int] = []
        charges: list[PlannedCharge] = []
        for node in path:
            if node < nd:
                continue  # a depot without vehicles, passed through
            if node < fc:
                seq.append(m.stops[node - nd])
            else:
                site = problem.charging_sites[m.site_of[node - fc]]
                charges.append(
                    PlannedCharge(
                        site.id,
                        len(seq),
                        m.level_wh[node - fc] / WH_PER_KWH,
                        m.charge_s[node - fc] / S_PER_MIN,
                    )
                )
        if seq:
            performed.update(seq)
            out.append(SearchRoute(rt.vehicles[v], tuple(seq), tuple(charges)))
    return tuple(out), performed
