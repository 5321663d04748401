"""Repair with charging: cheapest insertion of left-out stops, or a swap that frees a vehicle."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence

from freight.fleet.charging import ChargerBook, schedule_route
from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.result import RoutePlan


def repair(
    problem: FleetProblem,
    routes: list[tuple[VehicleType, list[int], RoutePlan]],
    pool: Sequence[int],
    book: ChargerBook,
    used: Counter[str],
    deadline: float,
    allow_charging: bool,
) -> list[int]:
    """Cheapest insertion of each pooled stop (existing routes or a new vehicle)."""
    inserted: list[int] = []
    first = problem.first_stop_index
    for i in pool:
        if time.perf_counter() > deadline:
            break
        s = problem.stops[i]
        best: tuple[float, int, list[int], RoutePlan, VehicleType] | None = None

        # nearest routes first (by closest stop), at most 12 routes tried
        def near(r: tuple[VehicleType, list[int], RoutePlan], i: int = i) -> float:
            return min(problem.km(first + i, first + j) for j in r[1])

        order = sorted(
            (k for k, r in enumerate(routes) if r[0].refrigerated or not s.refrigerated),
            key=lambda k: near(routes[k]),
        )[:12]
        for k in order:
            vt, seq, plan = routes[k]
            if sum(problem.stops[j].demand_kg for j in seq) + s.demand_kg > vt.capacity_kg:
                continue
            if sum(problem.stops[j].demand_m3 for j in seq) + s.demand_m3 > vt.capacity_m3:
                continue
            book.release(plan, problem)
            for pos in range(len(seq) + 1):
                trial = seq[:pos] + [i] + seq[pos:]
                new = schedule_route(problem, vt, trial, book, allow_charging=allow_charging)
                if new is not None:
                    delta = new.cost_cny - plan.cost_cny
                    if best is None or delta < best[0] - 1e-9:
                        best = (delta, k, trial, new, vt)
            book.reserve(plan, problem)
        for vt in problem.vehicle_types:
            if used[vt.id] >= vt.count:
                continue
            new = schedule_route(problem, vt, [i], book, allow_charging=allow_charging)
            if new is not None and (best is None or new.cost_cny < best[0] - 1e-9):
                best = (new.cost_cny, -1, [i], new, vt)
        if best is None:
            if _swap_in(problem, routes, i, book, used, allow_charging):
                inserted.append(i)
            continue
        _, k, trial, new, vt = best
        if k >= 0:
            book.release(routes[k][2], problem)
            routes[k] = (vt, trial, new)
        else:
            routes.append((vt, trial, new))
            used[vt.id] += 1
        book.reserve(new, problem)
        inserted.append(i)
    return inserted


def _swap_in(
    problem: FleetProblem,
    routes: list[tuple[VehicleType, list[int], RoutePlan]],
    i: int,
    book: ChargerBook,
    used: Counter[str],
    allow_charging: bool,
) -> bool:
    """Serve stop ``i`` alone on a type that is used up, by moving one of that type's
    routes to a free vehicle of another type (cheapest such swap). True if done."""
    best: tuple[float, int, RoutePlan, VehicleType, RoutePlan] | None = None
    free = [vt for vt in problem.vehicle_types if used[vt.id] < vt.count]
    if not free:
        return False
    for a in problem.vehicle_types:
        if used[a.id] < a.count:
            continue  # a free vehicle of this type would have been found already
        alone = schedule_route(problem, a, [i], book, allow_charging=allow_charging)
        if alone is None:
            continue
        for k, (vt, seq, plan) in enumerate(routes):
            if vt.id != a.id:
                continue
            book.release(plan, problem)
            for b in free:
                moved = schedule_route(problem, b, seq, book, allow_charging=allow_charging)
                if moved is None:
                    continue
                book.reserve(moved, problem)
                alone2 = schedule_route(problem, a, [i], book, allow_charging=allow_charging)
                book.release(moved, problem)
                if alone2 is None:
                    continue
                delta = moved.cost_cny - plan.cost_cny + alone2.cost_cny
                if best is None or delta < best[0] - 1e-9:
                    best = (delta, k, moved, b, alone2)
            book.reserve(plan, problem)
    if best is None:
        return False
    _, k, moved, b, alone2 = best
    a_type, seq, old = routes[k]
    book.release(old, problem)
    routes[k] = (b, seq, moved)
    book.reserve(moved, problem)
    used[b.id] += 1
    routes.append((a_type, [i], alone2))
    book.reserve(alone2, problem)
    return True
