"""Zones of a large day (by nearest depot and angle), and one zone's search and scheduling.

``solve_zone`` runs the chosen engine (PyVRP with an OR-Tools warm start, OR-Tools, or
OR-Tools with energy), schedules every route exactly with charging, and drops stops from
routes that fail until they pass.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from freight.fleet.charging import ChargerBook, schedule_route
from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.result import RoutePlan
from freight.fleet.routing.ortools_search import search_ortools
from freight.fleet.routing.params import (
    WARM_SPAN_SOLUTIONS,
    WARM_START_MAX_STOPS,
    Method,
    RouterParams,
    unit_duration_cost,
)
from freight.fleet.routing.pyvrp_search import search_pyvrp

#: A route as the pipeline keeps it: vehicle type, stop indices, exact schedule.
Route = tuple[VehicleType, list[int], RoutePlan]


def split_zones(problem: FleetProblem, stops: list[int], limit: int) -> list[list[int]]:
    if len(stops) <= limit:
        return [stops]
    depot_idx = np.arange(len(problem.depots))
    stop_idx = np.array([problem.first_stop_index + i for i in stops])
    km = problem.km_block(stop_idx, depot_idx)
    nearest = km.argmin(axis=1)
    zones: list[list[int]] = []
    for d in range(len(problem.depots)):
        members = [stops[k] for k in np.flatnonzero(nearest == d)]
        if not members:
            continue
        dep = problem.depots[d]
        angle = {
            i: math.atan2(problem.stops[i].lat - dep.lat, problem.stops[i].lon - dep.lon)
            for i in members
        }
        members.sort(key=lambda i: angle[i])
        parts = math.ceil(len(members) / limit)
        size = math.ceil(len(members) / parts)
        zones.extend(members[k : k + size] for k in range(0, len(members), size))
    return zones


def zone_fleet(
    problem: FleetProblem, zones: list[list[int]], z: int, used: Counter[str]
) -> dict[str, int]:
    """Vehicles of each type this zone may use: remaining count shared by remaining demand."""
    if len(zones) == 1:
        return {vt.id: vt.count for vt in problem.vehicle_types}
    rest_kg = sum(problem.stops[i].demand_kg for zz in zones[z:] for i in zz) or 1.0
    zone_kg = sum(problem.stops[i].demand_kg for i in zones[z])
    share = zone_kg / rest_kg
    out = {}
    for vt in problem.vehicle_types:
        left = vt.count - used[vt.id]
        out[vt.id] = left if z == len(zones) - 1 else min(left, math.ceil(left * share * 1.15))
    return out


def solve_zone(
    problem: FleetProblem,
    stops: list[int],
    fleet: dict[str, int],
    book: ChargerBook,
    params: RouterParams,
    budget_s: float,
    *,
    optimistic: bool = False,
) -> tuple[list[tuple[VehicleType, list[int], RoutePlan]], list[int]]:
    types = [vt for vt in problem.vehicle_types if fleet.get(vt.id, 0) > 0]
    if not stops or not types:
        return [], list(stops)
    search_s = max(0.1, budget_s * (1 - params.repair_share))
    if params.method == Method.PYVRP:
        # OR-Tools' cheapest insertion + GLS gives a quick, complete warm start; PyVRP's
        # iterated local search then improves it (the Solomon VRPTW measurements in bench/)
        warm = None
        if len(stops) <= WARM_START_MAX_STOPS:
            # a quarter of the search time; three quarters on large zones, where PyVRP's
            # search barely improves OR-Tools' GLS in the time left (bench/fleet_bench.py);
            # less on small problems (GLS runs to its limit)
            share = 0.25 if len(stops) <= 300 else 0.75
            warm_s = min(share * search_s, 0.5 + 0.03 * len(stops))
            # a duration (span) cost makes every OR-Tools move price its cumuls by LP: cap
            # the descent by solutions (reproducible), PyVRP finishes the search
            timed = any(unit_duration_cost(vt) > 0 for vt in types)
            warm = search_ortools(
                problem,
                stops,
                types,
                fleet,
                params,
                warm_s,
                optimistic,
                solution_limit=WARM_SPAN_SOLUTIONS if timed else None,
            )
            search_s -= warm_s
        raw = search_pyvrp(problem, stops, types, fleet, params, search_s, warm, optimistic)
    elif params.method == Method.ORTOOLS_ENERGY:
        from freight.fleet.routing.ortools_energy_search import search_ortools_energy

        found = search_ortools_energy(
            problem,
            stops,
            types,
            fleet,
            # with an iteration budget the solution limit decides; time is only a cap
            time_s=search_s if params.max_iterations is None else params.time_limit_s,
            solution_limit=params.max_iterations,
            optimistic=optimistic,
        )
        raw = [(r.vehicle_type, list(r.stops)) for r in found.routes]
    else:
        raw = search_ortools(problem, stops, types, fleet, params, search_s, optimistic)
    allow = params.method != Method.ORTOOLS_PLAIN
    out: list[tuple[VehicleType, list[int], RoutePlan]] = []
    routed = {i for _, seq in raw for i in seq}
    left: list[int] = [i for i in stops if i not in routed]
    for vt, seq in raw:
        seq = list(seq)
        plan = schedule_route(problem, vt, seq, book, allow_charging=allow)
        while plan is None and seq:
            seq, dropped = _drop_one(problem, vt, seq, book, allow)
            left.append(dropped)
            plan = schedule_route(problem, vt, seq, book, allow_charging=allow) if seq else None
        if plan is not None:
            book.reserve(plan, problem)
            out.append((vt, seq, plan))
    for _, _, plan in out:  # the caller reserves again for all zone routes
        book.release(plan, problem)
    return out, left


def _drop_one(
    problem: FleetProblem, vt: VehicleType, seq: list[int], book: ChargerBook, allow: bool
) -> tuple[list[int], int]:
    """Remove the stop whose removal restores feasibility most cheaply (else the costliest)."""
    best: tuple[float, int] | None = None
    for k in range(len(seq)):
        rest = seq[:k] + seq[k + 1 :]
        if not rest:
            continue
        plan = schedule_route(problem, vt, rest, book, allow_charging=allow)
        if plan is not None and (best is None or plan.cost_cny < best[0]):
            best = (plan.cost_cny, k)
    if best is None:
        first = problem.first_stop_index
        depot = problem.index_of(vt.depot)
        pts = [depot] + [first + i for i in seq] + [depot]
        saving = [
            problem.km(pts[k], pts[k + 1])
            + problem.km(pts[k + 1], pts[k + 2])
            - problem.km(pts[k], pts[k + 2])
            for k in range(len(seq))
        ]
        k = int(np.argmax(saving))
    else:
        k = best[1]
    return seq[:k] + seq[k + 1 :], seq[k]
