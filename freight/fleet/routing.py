"""The Kuytun EV fleet router: PyVRP search, exact charging insertion, repair, verification.

Pipeline (``solve_fleet``):

1. Screen each stop alone on every vehicle type (with charging): stops no vehicle can serve
   even alone are reported unserved with the reason, the rest go to the search.
2. Routing search on a conservative model with PyVRP 0.14 (or OR-Tools routing): kg and m3
   capacities, windows, shifts and depot hours, fixed, per-km and per-hour (route duration)
   costs, one profile per refrigeration class (prohibitive arcs into refrigerated stops for
   ordinary vehicles), optional stops with a prize far above any route cost (serve first,
   then cost), and the battery as a route-length cap valid at full load (so search routes
   never need charging). A per-hour cost makes routes compact in time: the engines choose
   the departure that minimises duration, and ``schedule_route`` pushes it forward too.
3. Schedule every route exactly (``charging.schedule_route``), queueing for plugs that
   earlier routes reserved; routes that fail lose stops until they pass.
4. Repair: re-insert every left-out stop at its cheapest position in any route or on a new
   vehicle, now *with* charging visits, which is how stops beyond a battery's reach get
   served. What still fails is reported with a reason.
5. ``verify.check_plan`` replays the plan independently; a failure is a bug (SolverError).

Large days (more than ``decompose_above`` stops) are split into zones by depot and angle,
solved one after another with a shared charger book and a time budget per zone.
Deterministic for a given seed when ``max_iterations`` is set; a pure time limit makes the
search depend on machine speed.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from freight.errors import InputError, SolverError
from freight.fleet.charging import (
    ChargerBook,
    schedule_route,
    shift_bounds_s,
)
from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.result import FleetResult, FleetStatus, RoutePlan, Unserved
from freight.fleet.verify import check_plan


class Method(StrEnum):
    """Routing search: PyVRP (default), OR-Tools, or OR-Tools without charging visits;
    ``ortools-energy``: OR-Tools with an energy dimension and optional charging-visit
    nodes (``freight.fleet.ortools_energy``)."""

    PYVRP = "pyvrp"
    ORTOOLS = "ortools"
    ORTOOLS_PLAIN = "ortools-plain"
    ORTOOLS_ENERGY = "ortools-energy"


@dataclass(frozen=True, slots=True)
class RouterParams:
    """Solver settings: wall-time budget, seed, method, optional iteration cap."""

    time_limit_s: float = 10.0
    seed: int = 0
    method: Method = Method.PYVRP
    max_iterations: int | None = None
    decompose_above: int = 1200
    repair_share: float = 0.15  # share of the time limit kept for repair (at least 1 s)

    def __post_init__(self) -> None:
        if not self.time_limit_s > 0:
            raise InputError(f"time_limit_s must be > 0, got {self.time_limit_s}")
        if self.max_iterations is not None and self.max_iterations < 1:
            raise InputError(f"max_iterations must be >= 1, got {self.max_iterations}")


#: Largest zone that gets an OR-Tools warm start before the PyVRP search.
WARM_START_MAX_STOPS = 1500
#: Zones up to this size stop PyVRP after 5,000 iterations without improvement.
TINY_STOPS = 30
#: Solutions the OR-Tools warm start may take when routes pay per hour (span cost): on
#: nine sampled 2035 parts (issue #7) 100 kept the cost within 0.05 % of the full descent
#: in 40-60 % of its time.
WARM_SPAN_SOLUTIONS = 100
#: Largest zone searched in two energy-cap variants (each with half the time).
VARIANTS_MAX_STOPS = 800

# integer scales handed to the search engines (one conversion point)
_M_PER_KM = 1000
_S_PER_MIN = 60
_G_PER_KG = 1000
_L_PER_M3 = 1000
_COST_PER_CNY = 100_000  # milli-fen: per-metre costs stay integral to 0.001 fen
_S_PER_H = 3600


def _unit_duration_cost(vt: VehicleType) -> int:
    """Integer cost per second of route duration (40 CNY/h -> 1111, 0.01 % rounding)."""
    return round(vt.cost_per_hour_cny * _COST_PER_CNY / _S_PER_H)


def solve_fleet(problem: FleetProblem, params: RouterParams | None = None) -> FleetResult:
    """Route ``problem``: serve every stop possible, then minimise fixed + per-km cost
    + per-hour cost of each route's duration (departure to return, waiting included).

    >>> from freight.fleet.problem import parse_problem
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
    deadline = t_start + params.time_limit_s
    book = ChargerBook.for_problem(problem)
    unserved: dict[int, str] = {}
    candidates: list[int] = []
    for i in range(len(problem.stops)):
        reason = _screen_stop(problem, i)
        if reason:
            unserved[i] = reason
        else:
            candidates.append(i)
    zones = _zones(problem, candidates, params.decompose_above)
    allow_charging = params.method != Method.ORTOOLS_PLAIN
    routes: list[tuple[VehicleType, list[int], RoutePlan]] = []
    used: Counter[str] = Counter()
    stats: dict[str, object] = {"zones": len(zones), "screened_out": len(unserved)}
    for z, zone in enumerate(zones):
        now = time.perf_counter()
        remaining_stops = sum(len(zz) for zz in zones[z:])
        budget = max(0.2, (deadline - now) * len(zone) / max(1, remaining_stops))
        fleet = _zone_fleet(problem, zones, z, used)
        variants = [False]
        if len(zone) <= VARIANTS_MAX_STOPS and any(
            vt.kwh_per_km_per_tonne > 0 and vt.battery_kwh is not None
            for vt in problem.vehicle_types
        ):
            variants.append(True)
        best: tuple[tuple[int, float], list[tuple[VehicleType, list[int], RoutePlan]], list[int]]
        best = ((len(zone) + 1, 0.0), [], list(zone))
        for v, optimistic in enumerate(variants):
            share = budget / len(variants)
            zone_routes, left = _solve_zone(
                problem, zone, fleet, book, params, share, optimistic=optimistic
            )
            used_v = used.copy()
            for vt, _, plan in zone_routes:
                used_v[vt.id] += 1
                book.reserve(plan, problem)
            pool = sorted(left, key=lambda i: _urgency(problem, i))
            until = time.perf_counter() + max(0.5, share * params.repair_share)
            if params.max_iterations is not None:  # reproducible: time is only a cap
                until = max(until, deadline)
            ins = _repair(problem, zone_routes, pool, book, used_v, until, allow_charging)
            done = set(ins)
            left = [i for i in left if i not in done]
            for _, _, plan in zone_routes:
                book.release(plan, problem)
            score = (len(left), sum(p.cost_cny for _, _, p in zone_routes))
            stats[f"zone{z}_variant{v}"] = {
                "unserved": score[0],
                "cost_cny": round(score[1], 2),
                "repaired": len(ins),
            }
            if score < best[0]:
                best = (score, zone_routes, left)
        _, zone_routes, left = best
        for vt, _, plan in zone_routes:
            used[vt.id] += 1
            book.reserve(plan, problem)
        routes.extend(zone_routes)
        for i in left:
            unserved[i] = ""
    # global repair with charging: every left-out stop, cheapest insertion anywhere
    repair_deadline = max(deadline, time.perf_counter() + 1.0)
    pool = sorted((i for i, r in unserved.items() if not r), key=lambda i: _urgency(problem, i))
    inserted = _repair(problem, routes, pool, book, used, repair_deadline, allow_charging)
    for i in inserted:
        unserved.pop(i, None)
    for i, reason in list(unserved.items()):
        if not reason:
            unserved[i] = _leftover_reason(problem, i, used, allow_charging)
    stats["repaired_globally"] = len(inserted)
    stats["charging_visits"] = sum(len(p.charge_visits) for _, _, p in routes)
    plans = tuple(p for _, _, p in routes)
    result = FleetResult(
        status=FleetStatus.PARTIAL if unserved else FleetStatus.FEASIBLE,
        objective_cny=sum(p.cost_cny for p in plans),
        distance_km=sum(p.distance_km for p in plans),
        vehicles_used=len(plans),
        routes=plans,
        unserved=tuple(Unserved(problem.stops[i].id, unserved[i]) for i in sorted(unserved)),
        wall_s=time.perf_counter() - t_start,
        method=params.method.value + ("" if not allow_charging else "+charging"),
        stats=stats,
    )
    check_plan(problem, result)
    return result


# ---------------------------------------------------------------------------------------
# screening and reasons
# ---------------------------------------------------------------------------------------


def _screen_stop(problem: FleetProblem, i: int) -> str:
    """Why stop ``i`` cannot be served even alone on any vehicle ('' if some vehicle can)."""
    s = problem.stops[i]
    types = [vt for vt in problem.vehicle_types if vt.count > 0]
    if not types:
        return "no vehicles available"
    types = [vt for vt in types if vt.refrigerated or not s.refrigerated]
    if not types:
        return "refrigerated stop and no refrigerated vehicle"
    types = [vt for vt in types if s.demand_kg <= vt.capacity_kg and s.demand_m3 <= vt.capacity_m3]
    if not types:
        return "demand exceeds the kg/m3 capacity of every compatible vehicle"
    for vt in types:
        if schedule_route(problem, vt, [i]) is not None:
            return ""
    # distinguish time from energy: drop the battery limit and retry
    for vt in types:
        if vt.battery_kwh is not None:
            from dataclasses import replace

            phev = replace(vt, battery_kwh=None, min_soc_kwh=0.0)
            if schedule_route(problem, phev, [i]) is not None:
                return "out of battery range even with charging visits"
    return "window cannot be met within any vehicle's shift and depot hours"


def _leftover_reason(
    problem: FleetProblem, i: int, used: Counter[str], allow_charging: bool
) -> str:
    s = problem.stops[i]
    free = [
        vt
        for vt in problem.vehicle_types
        if used[vt.id] < vt.count
        and (vt.refrigerated or not s.refrigerated)
        and schedule_route(problem, vt, [i], allow_charging=allow_charging) is not None
    ]
    if not allow_charging and not any(
        schedule_route(problem, vt, [i], allow_charging=False) is not None
        for vt in problem.vehicle_types
    ):
        return "needs a charging visit (not allowed by this method)"
    if not free:
        return "fleet exhausted: no free vehicle and no feasible insertion into a route"
    return "no feasible insertion found within the time limit"


def _urgency(problem: FleetProblem, i: int) -> tuple[float, float]:
    s = problem.stops[i]
    return (s.window_close_min - s.window_open_min, -s.demand_kg)


# ---------------------------------------------------------------------------------------
# zones (decomposition of large days)
# ---------------------------------------------------------------------------------------


def _zones(problem: FleetProblem, stops: list[int], limit: int) -> list[list[int]]:
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


def _zone_fleet(
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


# ---------------------------------------------------------------------------------------
# one zone: search, schedule, fix
# ---------------------------------------------------------------------------------------


def _solve_zone(
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
        # iterated local search then improves it (the Solomon measurements)
        warm = None
        if len(stops) <= WARM_START_MAX_STOPS:
            # a quarter of the search time; three quarters on large zones, where PyVRP's
            # search barely improves OR-Tools' GLS in the time left (bench/fleet_bench.py);
            # less on small problems (GLS runs to its limit)
            share = 0.25 if len(stops) <= 300 else 0.75
            warm_s = min(share * search_s, 0.5 + 0.03 * len(stops))
            # a duration (span) cost makes every OR-Tools move price its cumuls by LP: cap
            # the descent by solutions (reproducible), PyVRP finishes the search
            timed = any(_unit_duration_cost(vt) > 0 for vt in types)
            warm = _search_ortools(
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
        raw = _search_pyvrp(problem, stops, types, fleet, params, search_s, warm, optimistic)
    elif params.method == Method.ORTOOLS_ENERGY:
        from freight.fleet.ortools_energy import search_ortools_energy

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
        raw = _search_ortools(problem, stops, types, fleet, params, search_s, optimistic)
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


def _repair(
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


# ---------------------------------------------------------------------------------------
# search engines (conservative model: no charging needed on their routes)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _IntModel:
    """Integer data shared by both engines for one zone."""

    dist_m: np.ndarray  # (depots + stops) square, metres rounded up
    dur_s: np.ndarray  # seconds rounded up
    stops: list[int]
    prize: int


def _int_model(problem: FleetProblem, stops: list[int]) -> _IntModel:
    locs = np.array(
        list(range(len(problem.depots))) + [problem.first_stop_index + i for i in stops]
    )
    km = problem.km_block(locs, locs)
    mins = problem.minutes_block(locs, locs)
    dist_m = np.ceil(km * _M_PER_KM - 1e-6).astype(np.int64)
    dur_s = np.ceil(mins * _S_PER_MIN - 1e-6).astype(np.int64)
    np.fill_diagonal(dist_m, 0)
    np.fill_diagonal(dur_s, 0)
    max_fixed = max(vt.fixed_cost_cny for vt in problem.vehicle_types)
    max_cpk = max(vt.cost_per_km_cny for vt in problem.vehicle_types)
    max_cph = max(vt.cost_per_hour_cny for vt in problem.vehicle_types)
    route_bound = (
        max_fixed + max_cpk * 4 * float(km.max(initial=0.0)) + max_cph * 24
    ) * _COST_PER_CNY
    prize = int(min(1e14, 10 * route_bound + 1e7))
    return _IntModel(dist_m, dur_s, stops, prize)


def _energy_cap_m(vt: VehicleType, optimistic: bool = False) -> int:
    """Route-length cap that keeps SoC >= min at full load without charging.

    ``optimistic`` uses the empty-vehicle rate instead: its routes may need a charge or
    lose a stop when scheduled exactly, but it finds load-light long routes.
    """
    if vt.battery_kwh is None:
        return 2**50
    load_t = 0.0 if optimistic else vt.capacity_kg / 1000.0
    per_km = vt.kwh_per_km + vt.kwh_per_km_per_tonne * load_t
    if per_km <= 0:
        return 2**50
    return int(math.floor(vt.usable_kwh / per_km * _M_PER_KM * 0.999))


def _search_pyvrp(
    problem: FleetProblem,
    stops: list[int],
    types: list[VehicleType],
    fleet: dict[str, int],
    params: RouterParams,
    time_s: float,
    warm: list[tuple[VehicleType, list[int]]] | None = None,
    optimistic: bool = False,
) -> list[tuple[VehicleType, list[int]]]:
    import pyvrp
    from pyvrp.stop import (
        MaxIterations,
        MaxRuntime,
        MultipleCriteria,
        NoImprovement,
        StoppingCriterion,
    )

    m = _int_model(problem, stops)
    nd = len(problem.depots)
    locations = [pyvrp.Location(x=float(d.lon), y=float(d.lat)) for d in problem.depots]
    locations += [
        pyvrp.Location(x=float(problem.stops[i].lon), y=float(problem.stops[i].lat)) for i in stops
    ]
    depots = [pyvrp.Depot(location=k) for k in range(nd)]
    clients = []
    for k, i in enumerate(stops):
        s = problem.stops[i]
        clients.append(
            pyvrp.Client(
                location=nd + k,
                delivery=[
                    math.ceil(s.demand_kg * _G_PER_KG - 1e-6),
                    math.ceil(s.demand_m3 * _L_PER_M3 - 1e-6),
                ],
                service_duration=math.ceil(s.service_min * _S_PER_MIN - 1e-6),
                tw_early=math.ceil(s.window_open_min * _S_PER_MIN - 1e-6),
                tw_late=math.floor(s.window_close_min * _S_PER_MIN + 1e-6),
                prize=m.prize,
                required=False,
            )
        )
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
    vtypes = []
    for vt in types:
        d = problem.index_of(vt.depot)
        depart_s, return_s = shift_bounds_s(problem, vt)
        vtypes.append(
            pyvrp.VehicleType(
                num_available=fleet[vt.id],
                capacity=[
                    math.floor(vt.capacity_kg * _G_PER_KG + 1e-6),
                    math.floor(vt.capacity_m3 * _L_PER_M3 + 1e-6),
                ],
                start_depot=d,
                end_depot=d,
                fixed_cost=round(vt.fixed_cost_cny * _COST_PER_CNY),
                tw_early=depart_s,
                tw_late=return_s,
                max_distance=_energy_cap_m(vt, optimistic),
                unit_distance_cost=round(vt.cost_per_km_cny * _COST_PER_CNY / _M_PER_KM),
                # PyVRP picks the start in [tw_early, start_late] minimising the duration
                unit_duration_cost=_unit_duration_cost(vt),
                profile=1 if need_reefer_profile and not vt.refrigerated else 0,
                name=vt.id,
            )
        )
    data = pyvrp.ProblemData(locations, clients, depots, vtypes, dists, durs)  # type: ignore[arg-type]
    criteria: list[StoppingCriterion] = [
        # with an iteration budget, time is only a safety cap (reproducible runs)
        MaxRuntime(time_s if params.max_iterations is None else params.time_limit_s),
    ]
    if len(stops) <= TINY_STOPS:  # tiny problems stall early; larger ones use all the time
        criteria.append(NoImprovement(5_000))
    if params.max_iterations is not None:
        criteria.append(MaxIterations(params.max_iterations))
    stop = MultipleCriteria(criteria)
    init = None
    if warm:
        pos = {i: k for k, i in enumerate(stops)}
        tix = {vt.id: k for k, vt in enumerate(types)}
        try:
            init = pyvrp.Solution(
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
            init = None
    res = pyvrp.solve(data, stop=stop, seed=params.seed, display=False, initial_solution=init)
    sol = res.best
    out: list[tuple[VehicleType, list[int]]] = []
    for route in sol.routes():
        vt = types[route.vehicle_type()]
        seq = [stops[a.idx] for a in route if a.is_client()]
        if seq:
            out.append((vt, seq))
    return out


def _search_ortools(
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
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    m = _int_model(problem, stops)
    nd = len(problem.depots)
    vehicles: list[VehicleType] = [vt for vt in types for _ in range(fleet[vt.id])]
    if not vehicles:
        return []
    starts = [problem.index_of(vt.depot) for vt in vehicles]
    n_nodes = nd + len(stops)
    manager = pywrapcp.RoutingIndexManager(n_nodes, len(vehicles), starts, starts)
    routing = pywrapcp.RoutingModel(manager)
    dist = m.dist_m.tolist()
    cost_cb: dict[str, int] = {}
    dist_cb = routing.RegisterTransitMatrix(dist)
    by_unit: dict[float, int] = {}
    for vt in types:
        unit = vt.cost_per_km_cny * _COST_PER_CNY / _M_PER_KM
        if unit not in by_unit:
            by_unit[unit] = routing.RegisterTransitMatrix(
                np.round(m.dist_m * unit).astype(np.int64).tolist()
            )
        cost_cb[vt.id] = by_unit[unit]
    for v, vt in enumerate(vehicles):
        routing.SetArcCostEvaluatorOfVehicle(cost_cb[vt.id], v)
        routing.SetFixedCostOfVehicle(round(vt.fixed_cost_cny * _COST_PER_CNY), v)
    service = [0] * nd + [
        math.ceil(problem.stops[i].service_min * _S_PER_MIN - 1e-6) for i in stops
    ]
    time_matrix = (m.dur_s + np.array(service, dtype=np.int64)[:, None]).tolist()
    time_cb = routing.RegisterTransitMatrix(time_matrix)
    horizon = 48 * 60 * _S_PER_MIN
    routing.AddDimension(time_cb, horizon, horizon, False, "time")
    tdim = routing.GetDimensionOrDie("time")
    kg = [0] * nd + [math.ceil(problem.stops[i].demand_kg * _G_PER_KG - 1e-6) for i in stops]
    m3 = [0] * nd + [math.ceil(problem.stops[i].demand_m3 * _L_PER_M3 - 1e-6) for i in stops]
    kg_cb = routing.RegisterUnaryTransitVector(kg)
    m3_cb = routing.RegisterUnaryTransitVector(m3)
    routing.AddDimensionWithVehicleCapacity(
        kg_cb, 0, [math.floor(vt.capacity_kg * _G_PER_KG + 1e-6) for vt in vehicles], True, "kg"
    )
    routing.AddDimensionWithVehicleCapacity(
        m3_cb, 0, [math.floor(vt.capacity_m3 * _L_PER_M3 + 1e-6) for vt in vehicles], True, "m3"
    )
    routing.AddDimensionWithVehicleCapacity(
        dist_cb,
        0,
        [min(_energy_cap_m(vt, optimistic), 2**40) for vt in vehicles],
        True,
        "energy_km",
    )
    # A depot no vehicle of this zone starts from is an ordinary node to OR-Tools: make it
    # optional and inactive, or the solver must visit it (and it would be read back as a stop).
    for d in sorted(set(range(nd)) - set(starts)):
        idx = manager.NodeToIndex(d)
        routing.AddDisjunction([idx], 0)
        routing.ActiveVar(idx).SetValue(0)
    ordinary = [v for v, vt in enumerate(vehicles) if not vt.refrigerated]
    for k, i in enumerate(stops):
        s = problem.stops[i]
        idx = manager.NodeToIndex(nd + k)
        tdim.CumulVar(idx).SetRange(
            math.ceil(s.window_open_min * _S_PER_MIN - 1e-6),
            math.floor(s.window_close_min * _S_PER_MIN + 1e-6),
        )
        routing.AddDisjunction([idx], m.prize)
        if s.refrigerated and ordinary:
            routing.VehicleVar(idx).RemoveValues(ordinary)
    for v, vt in enumerate(vehicles):
        depart_s, return_s = shift_bounds_s(problem, vt)
        # the departure is a range from the shift start: a span cost moves it later
        tdim.CumulVar(routing.Start(v)).SetRange(depart_s, horizon)
        tdim.CumulVar(routing.End(v)).SetRange(0, return_s)
        if _unit_duration_cost(vt) > 0:
            tdim.SetSpanCostCoefficientForVehicle(_unit_duration_cost(vt), v)
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
    sol = routing.SolveWithParameters(sp)
    if sol is None:
        status = routing.status()
        if status in (routing.ROUTING_FAIL, routing.ROUTING_FAIL_TIMEOUT):
            return []
        raise SolverError(f"OR-Tools routing failed with status {status}")
    out: list[tuple[VehicleType, list[int]]] = []
    for v, vt in enumerate(vehicles):
        idx = sol.Value(routing.NextVar(routing.Start(v)))
        seq = []
        while not routing.IsEnd(idx):
            node = manager.IndexToNode(idx)
            if node < nd:  # cannot happen (unused depots are inactive); never read as a stop
                raise SolverError(f"OR-Tools route visits depot node {node} mid-route")
            seq.append(stops[node - nd])
            idx = sol.Value(routing.NextVar(idx))
        if seq:
            out.append((vt, seq))
    return out
