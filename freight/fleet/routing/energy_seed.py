"""Seed the energy model with stops that need a charging visit to be inserted.

A stop that needs a charge cannot be inserted one node at a time (the stop alone is
energy-infeasible, the charger alone only adds cost), so each unperformed stop is tried
together with one or two charging nodes, on an unused battery vehicle or in the nearest
routes, and the cheapest insertion feasible in the integer model is kept.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.routing.energy_model import EnergyModel, model_cost

#: Routes (nearest first) a stop with its charger is tried in.
NEAREST_ROUTES = 8


def seed_charging_routes(
    problem: FleetProblem,
    m: EnergyModel,
    vehicles: list[VehicleType],
    paths: list[list[int]],
    deadline: float,
    only: set[int] | None = None,
) -> int:
    """Insert unperformed stops together with charging nodes (tightest window first).

    For each unperformed stop: on an unused battery vehicle (one per type) the patterns
    [c, s], [s, c] and [c1, s, c2]; into the 8 nearest routes, [c, s] and [s, c] at every
    position; c ranges over one free charging node per (site, level). Keeps the cheapest
    insertion feasible in the integer model. Changes ``paths`` in place; returns the number
    of stops inserted.
    """
    nd, fc, n = m.nd, m.first_charger, len(m.loc)
    if fc == n:
        return 0
    used_nodes = {node for p in paths for node in p}
    free_chargers = [c for c in range(fc, n) if c not in used_nodes]
    unperformed = [k for k in range(nd, fc) if k not in used_nodes and (only is None or k in only)]
    unperformed.sort(key=lambda k: (m.windows[k][1] - m.windows[k][0], -m.kg[k]))
    depot_of = [problem.index_of(vt.depot) for vt in vehicles]
    cost_now = [
        model_cost(problem, m, vt, depot_of[v], p) if p else 0.0
        for v, (vt, p) in enumerate(zip(vehicles, paths, strict=True))
    ]
    added = 0
    for node in unperformed:
        if time.perf_counter() > deadline:
            break
        reps: dict[tuple[int, int], int] = {}
        for c in free_chargers:
            reps.setdefault((m.site_of[c - fc], m.level_wh[c - fc]), c)
        if not reps:
            break
        best: tuple[float, int, list[int]] | None = None
        for v, new_path in _trials(problem, m, vehicles, paths, node, free_chargers, reps):
            cost = model_cost(problem, m, vehicles[v], depot_of[v], new_path)
            if cost is not None:
                delta = cost - (cost_now[v] or 0.0)
                if best is None or delta < best[0] - 1e-9:
                    best = (delta, v, new_path)
        if best is None:
            continue
        _, v, new_path = best
        paths[v] = new_path
        cost_now[v] = model_cost(problem, m, vehicles[v], depot_of[v], new_path)
        for c in new_path:
            if c >= fc and c in free_chargers:
                free_chargers.remove(c)
        added += 1
    return added


def _trials(
    problem: FleetProblem,
    m: EnergyModel,
    vehicles: list[VehicleType],
    paths: list[list[int]],
    node: int,
    free_chargers: list[int],
    reps: dict[tuple[int, int], int],
) -> Iterator[tuple[int, list[int]]]:
    """(vehicle, new path) candidates for ``node``: unused vehicles first, one per type,
    then the nearest used routes."""
    fc = m.first_charger
    cands = list(reps.values())
    stop = problem.stops[m.stops[node - m.nd]]
    empty_types: set[str] = set()
    used_v: list[int] = []
    for v, vt in enumerate(vehicles):
        if vt.battery_kwh is None or (stop.refrigerated and not vt.refrigerated):
            continue
        if paths[v]:
            used_v.append(v)
        elif vt.id not in empty_types:
            empty_types.add(vt.id)  # every unused vehicle of a type is the same
            for c in cands:
                yield v, [c, node]
                yield v, [node, c]
            for c1 in cands:
                for c2 in free_chargers:
                    if c2 != c1 and (
                        c2 in cands or reps.get((m.site_of[c2 - fc], m.level_wh[c2 - fc])) == c1
                    ):
                        yield v, [c1, node, c2]
    used_v.sort(key=lambda v: min(int(m.dist_m[node, k]) for k in paths[v]))
    for v in used_v[:NEAREST_ROUTES]:
        p = paths[v]
        for pos in range(len(p) + 1):
            if (pos > 0 and p[pos - 1] >= fc) or (pos < len(p) and p[pos] >= fc):
                continue  # keep one charger between two route points
            for c in cands:
                yield v, p[:pos] + [c, node] + p[pos:]
                yield v, p[:pos] + [node, c] + p[pos:]
