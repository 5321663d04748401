"""OR-Tools routing adapter: one zone's search on the conservative integer model
(also the warm start of the PyVRP search)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from freight.errors import SolverError
from freight.fleet.charging import shift_bounds_s
from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.routing.intmodel import IntModel, energy_cap_m, int_model
from freight.fleet.routing.params import (
    COST_PER_CNY,
    G_PER_KG,
    L_PER_M3,
    M_PER_KM,
    S_PER_MIN,
    RouterParams,
    unit_duration_cost,
)

#: Time dimension horizon (two days, seconds): departures range up to it.
HORIZON_S = 48 * 60 * S_PER_MIN


@dataclass(frozen=True, slots=True)
class _Model:
    """An OR-Tools routing model of one zone: one vehicle per available vehicle of a type."""

    manager: Any
    routing: Any
    vehicles: list[VehicleType]
    starts: list[int]
    n_depots: int
    stops: list[int]


def search_ortools(
    problem: FleetProblem,
    stops: list[int],
    types: list[VehicleType],
    fleet: dict[str, int],
    params: RouterParams,
    time_s: float,
    optimistic: bool = False,
    *,
    solution_limit: int | None = None,
) -> list[tuple[VehicleType, list[int]]]:
    """Routes (vehicle type, stop indices) of OR-Tools' best solution for ``stops``."""
    from ortools.constraint_solver import pywrapcp

    vehicles: list[VehicleType] = [vt for vt in types for _ in range(fleet[vt.id])]
    if not vehicles:
        return []
    m = int_model(problem, stops)
    nd = len(problem.depots)
    starts = [problem.index_of(vt.depot) for vt in vehicles]
    manager = pywrapcp.RoutingIndexManager(nd + len(stops), len(vehicles), starts, starts)
    mdl = _Model(manager, pywrapcp.RoutingModel(manager), vehicles, starts, nd, stops)
    dist_cb = _add_costs(mdl, m, types)
    tdim = _add_dimensions(mdl, problem, m, dist_cb, optimistic)
    _add_nodes(mdl, problem, m, tdim)
    _add_shifts(mdl, problem, tdim)
    sol = mdl.routing.SolveWithParameters(_search_parameters(params, time_s, solution_limit))
    if sol is None:
        status = mdl.routing.status()
        if status in (mdl.routing.ROUTING_FAIL, mdl.routing.ROUTING_FAIL_TIMEOUT):
            return []
        raise SolverError(f"OR-Tools routing failed with status {status}")
    return _read_routes(mdl, sol)


def _add_costs(mdl: _Model, m: IntModel, types: list[VehicleType]) -> int:
    """Per-km and fixed cost of each vehicle; the distance callback's index."""
    routing = mdl.routing
    cost_cb: dict[str, int] = {}
    dist_cb: int = routing.RegisterTransitMatrix(m.dist_m.tolist())
    by_unit: dict[float, int] = {}
    for vt in types:
        unit = vt.cost_per_km_cny * COST_PER_CNY / M_PER_KM
        if unit not in by_unit:
            by_unit[unit] = routing.RegisterTransitMatrix(
                np.round(m.dist_m * unit).astype(np.int64).tolist()
            )
        cost_cb[vt.id] = by_unit[unit]
    for v, vt in enumerate(mdl.vehicles):
        routing.SetArcCostEvaluatorOfVehicle(cost_cb[vt.id], v)
        routing.SetFixedCostOfVehicle(round(vt.fixed_cost_cny * COST_PER_CNY), v)
    return dist_cb


def _add_dimensions(
    mdl: _Model, problem: FleetProblem, m: IntModel, dist_cb: int, optimistic: bool
) -> Any:
    """Time (travel + service), kg, m3 and the energy cap as a distance; the time dimension."""
    routing, nd, stops, vehicles = mdl.routing, mdl.n_depots, mdl.stops, mdl.vehicles
    service = [0] * nd + [math.ceil(problem.stops[i].service_min * S_PER_MIN - 1e-6) for i in stops]
    time_matrix = (m.dur_s + np.array(service, dtype=np.int64)[:, None]).tolist()
    time_cb = routing.RegisterTransitMatrix(time_matrix)
    routing.AddDimension(time_cb, HORIZON_S, HORIZON_S, False, "time")
    tdim = routing.GetDimensionOrDie("time")
    kg = [0] * nd + [math.ceil(problem.stops[i].demand_kg * G_PER_KG - 1e-6) for i in stops]
    m3 = [0] * nd + [math.ceil(problem.stops[i].demand_m3 * L_PER_M3 - 1e-6) for i in stops]
    kg_cb = routing.RegisterUnaryTransitVector(kg)
    m3_cb = routing.RegisterUnaryTransitVector(m3)
    routing.AddDimensionWithVehicleCapacity(
        kg_cb, 0, [math.floor(vt.capacity_kg * G_PER_KG + 1e-6) for vt in vehicles], True, "kg"
    )
    routing.AddDimensionWithVehicleCapacity(
        m3_cb, 0, [math.floor(vt.capacity_m3 * L_PER_M3 + 1e-6) for vt in vehicles], True, "m3"
    )
    routing.AddDimensionWithVehicleCapacity(
        dist_cb,
        0,
        [min(energy_cap_m(vt, optimistic), 2**40) for vt in vehicles],
        True,
        "energy_km",
    )
    return tdim


def _add_nodes(mdl: _Model, problem: FleetProblem, m: IntModel, tdim: Any) -> None:
    """Unused depots inactive; each stop optional (prize), in its window, reefer-only."""
    routing, manager, nd = mdl.routing, mdl.manager, mdl.n_depots
    # A depot no vehicle of this zone starts from is an ordinary node to OR-Tools: make it
    # optional and inactive, or the solver must visit it (and it would be read back as a stop).
    for d in sorted(set(range(nd)) - set(mdl.starts)):
        idx = manager.NodeToIndex(d)
        routing.AddDisjunction([idx], 0)
        routing.ActiveVar(idx).SetValue(0)
    ordinary = [v for v, vt in enumerate(mdl.vehicles) if not vt.refrigerated]
    for k, i in enumerate(mdl.stops):
        s = problem.stops[i]
        idx = manager.NodeToIndex(nd + k)
        tdim.CumulVar(idx).SetRange(
            math.ceil(s.window_open_min * S_PER_MIN - 1e-6),
            math.floor(s.window_close_min * S_PER_MIN + 1e-6),
        )
        routing.AddDisjunction([idx], m.prize)
        if s.refrigerated and ordinary:
            routing.VehicleVar(idx).RemoveValues(ordinary)


def _add_shifts(mdl: _Model, problem: FleetProblem, tdim: Any) -> None:
    routing = mdl.routing
    for v, vt in enumerate(mdl.vehicles):
        depart_s, return_s = shift_bounds_s(problem, vt)
        # the departure is a range from the shift start: a span cost moves it later
        tdim.CumulVar(routing.Start(v)).SetRange(depart_s, HORIZON_S)
        tdim.CumulVar(routing.End(v)).SetRange(0, return_s)
        if unit_duration_cost(vt) > 0:
            tdim.SetSpanCostCoefficientForVehicle(unit_duration_cost(vt), v)


def _search_parameters(params: RouterParams, time_s: float, solution_limit: int | None) -> Any:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    sp = pywrapcp.DefaultRoutingSearchParameters()
    sp.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    # with an iteration budget the run must be reproducible: plain descent to a local
    # optimum instead of the time-bounded guided local search
    sp.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
        if params.max_iterations is not None
        else routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    if params.max_iterations is not None:  # descent runs to its local optimum (reproducible)
        time_s = max(time_s, params.time_limit_s)
    sp.time_limit.FromMilliseconds(max(100, int(time_s * 1000)))
    if solution_limit is not None:
        sp.solution_limit = solution_limit
    return sp


def _read_routes(mdl: _Model, sol: Any) -> list[tuple[VehicleType, list[int]]]:
    routing, manager, nd = mdl.routing, mdl.manager, mdl.n_depots
    out: list[tuple[VehicleType, list[int]]] = []
    for v, vt in enumerate(mdl.vehicles):
        idx = sol.Value(routing.NextVar(routing.Start(v)))
        seq = []
        while not routing.IsEnd(idx):
            node = manager.IndexToNode(idx)
            if node < nd:  # cannot happen (unused depots are inactive); never read as a stop
                raise SolverError(f"OR-Tools route visits depot node {node} mid-route")
            seq.append(mdl.stops[node - nd])
            idx = sol.Value(routing.NextVar(idx))
        if seq:
            out.append((vt, seq))
    return out
