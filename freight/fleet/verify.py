"""Independent checker of a fleet plan against the fleet-route reference semantics.

Written separately from the solver (no shared scheduling code): it replays every route
from the depot with a full battery and checks windows, shift and depot hours, energy per
leg (km x (kwh_per_km + kwh_per_km_per_tonne x tonnes on board)), SoC >= min_soc_kwh,
charging (power x minutes / 60, capped at the battery), simultaneous use of each charging
site <= its plug count, refrigeration, kg and m3 capacity, vehicle counts, and that cost
(fixed + per km + per hour of departure-to-return duration), distance and the
served/unserved partition add up. Returns a list of violations (empty =
valid); ``check_plan`` raises instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from freight.errors import SolverError
from freight.fleet.problem import ChargingSite, FleetProblem, Stop, VehicleType
from freight.fleet.result import FleetResult, FleetStatus, RoutePlan, StopVisit
from freight.units import format_hhmm

#: Tolerance on minutes, kWh, kg, km and CNY (float round-off only).
EPS = 1e-6
#: Tolerance on reported (rounded-for-display) numbers compared with the replay.
REPORT_TOL = 1e-3


def verify_plan(problem: FleetProblem, result: FleetResult) -> list[str]:
    """All violations of the reference semantics in ``result`` (empty list = valid plan)."""
    errs: list[str] = []
    types = {vt.id: vt for vt in problem.vehicle_types}
    stops = {s.id: s for s in problem.stops}
    sites = {s.id: s for s in problem.charging_sites}
    used = Counter(r.vehicle_type for r in result.routes)
    for tid, n in used.items():
        if tid not in types:
            errs.append(f"unknown vehicle type {tid!r}")
        elif n > types[tid].count:
            errs.append(f"vehicle type {tid!r} used {n} times, only {types[tid].count} available")
    served: Counter[str] = Counter()
    charging: dict[str, list[tuple[float, float]]] = defaultdict(list)
    total_cost = total_km = 0.0
    for k, route in enumerate(result.routes):
        vt = types.get(route.vehicle_type)
        if vt is None:
            continue
        cost, km = _check_route(problem, k, route, vt, stops, sites, errs, served, charging)
        total_cost += cost
        total_km += km
    for sid, n in served.items():
        if n > 1:
            errs.append(f"stop {sid!r} served {n} times")
    unserved = Counter(u.id for u in result.unserved)
    for s in problem.stops:
        if served[s.id] == 0 and unserved[s.id] == 0:
            errs.append(f"stop {s.id!r} neither served nor reported unserved")
        if served[s.id] and unserved[s.id]:
            errs.append(f"stop {s.id!r} both served and reported unserved")
    for u in result.unserved:
        if not u.reason:
            errs.append(f"unserved stop {u.id!r} has no reason")
    for site_id, intervals in charging.items():
        peak = _peak_overlap(intervals)
        if peak > sites[site_id].count:
            errs.append(
                f"charging site {site_id!r}: {peak} vehicles charge at once, "
                f"only {sites[site_id].count} plugs"
            )
    if abs(result.objective_cny - total_cost) > REPORT_TOL * max(1.0, len(result.routes)):
        errs.append(f"objective {result.objective_cny} != sum of route costs {total_cost:.4f}")
    if abs(result.distance_km - total_km) > REPORT_TOL * max(1.0, len(result.routes)):
        errs.append(f"distance {result.distance_km} != sum of route distances {total_km:.4f}")
    if result.vehicles_used != len(result.routes):
        errs.append(f"vehicles_used {result.vehicles_used} != {len(result.routes)} routes")
    want = FleetStatus.FEASIBLE if not result.unserved else FleetStatus.PARTIAL
    if (result.routes or not result.unserved) and result.status != want:
        errs.append(f"status {result.status.value} but {len(result.unserved)} unserved")
    return errs


def _check_route(
    problem: FleetProblem,
    k: int,
    route: RoutePlan,
    vt: VehicleType,
    stops: dict[str, Stop],
    sites: dict[str, ChargingSite],
    errs: list[str],
    served: Counter[str],
    charging: dict[str, list[tuple[float, float]]],
) -> tuple[float, float]:
    """Replay one route; append violations; return its (cost_cny, km)."""
    w = f"route {k} ({vt.id})"
    depot = problem.depot(vt.depot)
    if route.start_min < max(vt.shift_start_min, depot.open_min) - EPS:
        errs.append(f"{w}: leaves {format_hhmm(route.start_min)} before shift/depot opening")
    route_stops = [stops.get(v.stop_id) for v in route.visits if isinstance(v, StopVisit)]
    if any(s is None for s in route_stops):
        errs.append(f"{w}: visits an unknown stop")
        return 0.0, 0.0
    load_kg = sum(s.demand_kg for s in route_stops if s is not None)
    load_m3 = sum(s.demand_m3 for s in route_stops if s is not None)
    if load_kg > vt.capacity_kg + EPS:
        errs.append(f"{w}: load {load_kg:g} kg exceeds capacity {vt.capacity_kg:g} kg")
    if load_m3 > vt.capacity_m3 + EPS:
        errs.append(f"{w}: volume {load_m3:g} m3 exceeds capacity {vt.capacity_m3:g} m3")
    soc = vt.battery_kwh
    t = route.start_min
    here = problem.index_of(vt.depot)
    km_sum = energy_sum = 0.0

    def drive(to: int, where: str) -> None:
        nonlocal soc, km_sum, energy_sum, here
        km = problem.km(here, to)
        e = km * (vt.kwh_per_km + vt.kwh_per_km_per_tonne * load_kg / 1000.0)
        km_sum += km
        energy_sum += e
        if soc is not None:
            soc -= e
            if soc < vt.min_soc_kwh - EPS:
                errs.append(
                    f"{w}: SoC {soc:.3f} kWh below min {vt.min_soc_kwh:g} on reaching {where}"
                )
        here = to

    for v in route.visits:
        if isinstance(v, StopVisit):
            s = stops[v.stop_id]
            travel = problem.minutes(here, problem.index_of(s.id))
            drive(problem.index_of(s.id), f"stop {s.id!r}")
            served[s.id] += 1
            if s.refrigerated and not vt.refrigerated:
                errs.append(f"{w}: refrigerated stop {s.id!r} on a non-refrigerated vehicle")
            if v.arrive_min < t + travel - EPS:
                errs.append(f"{w}: arrives at {s.id!r} faster than travel time allows")
            if v.start_min < max(v.arrive_min, s.window_open_min) - EPS:
                errs.append(f"{w}: service at {s.id!r} starts before arrival or window")
            if v.start_min > s.window_close_min + EPS:
                errs.append(
                    f"{w}: service at {s.id!r} starts {format_hhmm(v.start_min)} after "
                    f"window closes {format_hhmm(s.window_close_min)}"
                )
            if v.depart_min < v.start_min + s.service_min - EPS:
                errs.append(f"{w}: leaves {s.id!r} before service ends")
            load_kg -= s.demand_kg
            if abs(v.load_kg - load_kg) > REPORT_TOL:
                errs.append(f"{w}: reported load at {s.id!r} {v.load_kg} != {load_kg}")
            t = v.depart_min
        else:
            site = sites.get(v.site_id)
            if site is None:
                errs.append(f"{w}: unknown charging site {v.site_id!r}")
                continue
            if soc is None or vt.battery_kwh is None:
                errs.append(f"{w}: charging visit on a vehicle without battery limit")
                continue
            travel = problem.minutes(here, problem.index_of(site.id))
            drive(problem.index_of(site.id), f"charging site {site.id!r}")
            if v.arrive_min < t + travel - EPS:
                errs.append(f"{w}: arrives at {site.id!r} faster than travel time allows")
            if v.charge_min < 0:
                errs.append(f"{w}: negative charging time at {site.id!r}")
            if v.start_min < v.arrive_min - EPS:
                errs.append(f"{w}: charging at {site.id!r} starts before arrival")
            if v.depart_min < v.start_min + v.charge_min - EPS:
                errs.append(f"{w}: leaves {site.id!r} before charging ends")
            soc = min(vt.battery_kwh, soc + site.power_kw * v.charge_min / 60.0)
            charging[site.id].append((v.start_min, v.start_min + v.charge_min))
            t = v.depart_min
        if v.soc_kwh is not None and soc is not None and abs(v.soc_kwh - soc) > REPORT_TOL:
            errs.append(f"{w}: reported SoC {v.soc_kwh} != replayed {soc:.4f}")
    if route.visits:
        travel = problem.minutes(here, problem.index_of(vt.depot))
        drive(problem.index_of(vt.depot), f"depot {vt.depot!r}")
        if route.end_min < t + travel - EPS:
            errs.append(f"{w}: back at depot faster than travel time allows")
        latest = min(vt.shift_end_min, depot.close_min)
        if route.end_min > latest + EPS:
            errs.append(
                f"{w}: returns {format_hhmm(route.end_min)} after shift end/depot close "
                f"{format_hhmm(latest)}"
            )
    else:
        errs.append(f"{w}: empty route")
    # paid time: depot departure to return, waiting included
    duration_min = route.end_min - route.start_min
    cost = (
        vt.fixed_cost_cny + vt.cost_per_km_cny * km_sum + vt.cost_per_hour_cny * duration_min / 60.0
    )
    if abs(route.distance_km - km_sum) > REPORT_TOL:
        errs.append(f"{w}: reported distance {route.distance_km} != {km_sum:.4f}")
    if abs(route.energy_kwh - energy_sum) > REPORT_TOL:
        errs.append(f"{w}: reported energy {route.energy_kwh} != {energy_sum:.4f}")
    if abs(route.cost_cny - cost) > REPORT_TOL:
        errs.append(f"{w}: reported cost {route.cost_cny} != {cost:.4f}")
    return cost, km_sum


def _peak_overlap(intervals: list[tuple[float, float]]) -> int:
    """Most intervals open at one instant (half-open ``[start, end)``; touching is fine)."""
    events = sorted(
        [(a + EPS, 1) for a, b in intervals if b - a > EPS]
        + [(b - EPS, -1) for a, b in intervals if b - a > EPS],
        key=lambda e: (e[0], e[1]),
    )
    peak = cur = 0
    for _, d in events:
        cur += d
        peak = max(peak, cur)
    return peak


def check_plan(problem: FleetProblem, result: FleetResult) -> None:
    """Raise ``SolverError`` if ``result`` breaks any rule (the router calls this on output)."""
    errs = verify_plan(problem, result)
    if errs:
        raise SolverError(
            f"fleet plan fails verification ({len(errs)} problem(s)): " + "; ".join(errs[:5])
        )
