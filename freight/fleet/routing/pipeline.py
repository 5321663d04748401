"""The router's pipeline: screen, search zone by zone, schedule, repair, verify.

``solve_fleet`` wires the stages (see the package docstring); each stage is a function of
the problem, the shared charger book and the vehicles used so far.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from freight.fleet.charging import ChargerBook
from freight.fleet.problem import FleetProblem
from freight.fleet.result import FleetResult, FleetStatus, Unserved
from freight.fleet.routing.params import VARIANTS_MAX_STOPS, Method, RouterParams
from freight.fleet.routing.reasons import leftover_reason, screen_stop, urgency
from freight.fleet.routing.repair import repair
from freight.fleet.routing.zones import Route, solve_zone, split_zones, zone_fleet
from freight.fleet.verify import check_plan


@dataclass(slots=True)
class _Run:
    """The state one solve threads through its stages."""

    problem: FleetProblem
    params: RouterParams
    deadline: float
    book: ChargerBook
    allow_charging: bool
    routes: list[Route] = field(default_factory=list)
    used: Counter[str] = field(default_factory=Counter)
    #: stop index -> reason ('' while a repair may still serve it)
    unserved: dict[int, str] = field(default_factory=dict)
    stats: dict[str, object] = field(default_factory=dict)


def solve_fleet(problem: FleetProblem, params: RouterParams | None = None) -> FleetResult:
    """Route ``problem``: serve every stop possible, then minimise fixed + per-km cost
    + per-hour cost of each route's duration (departure to return, waiting included).

    >>> from freight.fleet.problem_json import parse_problem
    >>> p = parse_problem({"speed_kmh": 30,
    ...   "depots": [{"id": "d", "lat": 44.42, "lon": 84.90, "open": "06:00", "close": "22:00"}],
    ...   "vehicle_types": [{"id": "ev", "depot": "d", "count": 1, "capacity_kg": 1000,
    ...                      "capacity_m3": 10, "battery_kwh": 80, "kwh_per_km": 0.3}],
    ...   "stops": [{"id": "s1", "lat": 44.43, "lon": 84.91, "demand_kg": 100}]})
    >>> r = solve_fleet(p, RouterParams(time_limit_s=1, max_iterations=50))
    >>> r.status.value, r.served_count
    ('feasible', 1)
    """
    params = params or RouterParams()
    t_start = time.perf_counter()
    run = _Run(
        problem,
        params,
        t_start + params.time_limit_s,
        ChargerBook.for_problem(problem),
        params.method != Method.ORTOOLS_PLAIN,
    )
    candidates = _screen(run)
    zones = split_zones(problem, candidates, params.decompose_above)
    run.stats.update({"zones": len(zones), "screened_out": len(run.unserved)})
    for z, zone in enumerate(zones):
        _solve_zone_variants(run, zones, z, zone)
    _repair_globally(run)
    result = _result(run, time.perf_counter() - t_start)
    check_plan(problem, result)
    return result


def _screen(run: _Run) -> list[int]:
    """Stage 1: stops no vehicle can serve even alone are unserved with their reason."""
    candidates: list[int] = []
    for i in range(len(run.problem.stops)):
        reason = screen_stop(run.problem, i)
        if reason:
            run.unserved[i] = reason
        else:
            candidates.append(i)
    return candidates


def _solve_zone_variants(run: _Run, zones: list[list[int]], z: int, zone: list[int]) -> None:
    """Stages 2-4 for one zone: search (one or two energy-cap variants), schedule, repair;
    the better variant (fewer unserved, then cheaper) is kept and its plugs reserved."""
    problem, params, book = run.problem, run.params, run.book
    remaining_stops = sum(len(zz) for zz in zones[z:])
    budget = max(0.2, (run.deadline - time.perf_counter()) * len(zone) / max(1, remaining_stops))
    fleet = zone_fleet(problem, zones, z, run.used)
    variants = [False]
    if len(zone) <= VARIANTS_MAX_STOPS and any(
        vt.kwh_per_km_per_tonne > 0 and vt.battery_kwh is not None for vt in problem.vehicle_types
    ):
        variants.append(True)
    best: tuple[tuple[int, float], list[Route], list[int]] = ((len(zone) + 1, 0.0), [], list(zone))
    for v, optimistic in enumerate(variants):
        share = budget / len(variants)
        zone_routes, left = solve_zone(
            problem, zone, fleet, book, params, share, optimistic=optimistic
        )
        used_v = run.used.copy()
        for vt, _, plan in zone_routes:
            used_v[vt.id] += 1
            book.reserve(plan, problem)
        pool = sorted(left, key=lambda i: urgency(problem, i))
        until = time.perf_counter() + max(0.5, share * params.repair_share)
        if params.max_iterations is not None:  # reproducible: time is only a cap
            until = max(until, run.deadline)
        ins = repair(problem, zone_routes, pool, book, used_v, until, run.allow_charging)
        done = set(ins)
        left = [i for i in left if i not in done]
        for _, _, plan in zone_routes:
            book.release(plan, problem)
        score = (len(left), sum(p.cost_cny for _, _, p in zone_routes))
        run.stats[f"zone{z}_variant{v}"] = {
            "unserved": score[0],
            "cost_cny": round(score[1], 2),
            "repaired": len(ins),
        }
        if score < best[0]:
            best = (score, zone_routes, left)
    _, zone_routes, left = best
    for vt, _, plan in zone_routes:
        run.used[vt.id] += 1
        book.reserve(plan, problem)
    run.routes.extend(zone_routes)
    for i in left:
        run.unserved[i] = ""


def _repair_globally(run: _Run) -> None:
    """Stage 5: every left-out stop, cheapest insertion anywhere (with charging); the rest
    get the reason they stay unserved."""
    problem = run.problem
    repair_deadline = max(run.deadline, time.perf_counter() + 1.0)
    pool = sorted((i for i, r in run.unserved.items() if not r), key=lambda i: urgency(problem, i))
    inserted = repair(
        problem, run.routes, pool, run.book, run.used, repair_deadline, run.allow_charging
    )
    for i in inserted:
        run.unserved.pop(i, None)
    for i, reason in list(run.unserved.items()):
        if not reason:
            run.unserved[i] = leftover_reason(problem, i, run.used, run.allow_charging)
    run.stats["repaired_globally"] = len(inserted)
    run.stats["charging_visits"] = sum(len(p.charge_visits) for _, _, p in run.routes)


def _result(run: _Run, wall_s: float) -> FleetResult:
    plans = tuple(p for _, _, p in run.routes)
    stops = run.problem.stops
    return FleetResult(
        status=FleetStatus.PARTIAL if run.unserved else FleetStatus.FEASIBLE,
        objective_cny=sum(p.cost_cny for p in plans),
        distance_km=sum(p.distance_km for p in plans),
        vehicles_used=len(plans),
        routes=plans,
        unserved=tuple(Unserved(stops[i].id, run.unserved[i]) for i in sorted(run.unserved)),
        wall_s=wall_s,
        method=run.params.method.value + ("" if not run.allow_charging else "+charging"),
        stats=run.stats,
    )
