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
from dataclasses import dataclass

from freight.errors import SolverError
from freight.fleet.problem import ChargingSite, Depot, FleetProblem, Stop, VehicleType
from freight.fleet.result import ChargeVisit, FleetResult, FleetStatus, RoutePlan, StopVisit
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


@dataclass(slots=True)
class _Replay:
    """One route replayed leg by leg: where the vehicle is, when, its SoC and load."""

    problem: FleetProblem
    vt: VehicleType
    w: str  # "route k (type)", the prefix of every message
    errs: list[str]
    soc: float | None
    t: float
    here: int
    load_kg: float
    km_sum: float = 0.0
    energy_sum: float = 0.0

    def drive(self, to: int, where: str) -> None:
        vt = self.vt
        km = self.problem.km(self.here, to)
        e = km * (vt.kwh_per_km + vt.kwh_per_km_per_tonne * self.load_kg / 1000.0)
        self.km_sum += km
        self.energy_sum += e
        if self.soc is not None:
            self.soc -= e
            if self.soc < vt.min_soc_kwh - EPS:
                self.errs.append(
                    f"{self.w}: SoC {self.soc:.3f} kWh below min {vt.min_soc_kwh:g} "
                    f"on reaching {where}"
                )
        self.here = to

    def stop(self, v: StopVisit, s: Stop) -> None:
        w, errs = self.w, self.errs
        travel = self.problem.minutes(self.here, self.problem.index_of(s.id))
        self.drive(self.problem.index_of(s.id), f"stop {s.id!r}")
        if s.refrigerated and not self.vt.refrigerated:
            errs.append(f"{w}: refrigerated stop {s.id!r} on a non-refrigerated vehicle")
        if v.arrive_min < self.t + travel - EPS:
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
        self.load_kg -= s.demand_kg
        if abs(v.load_kg - self.load_kg) > REPORT_TOL:
            errs.append(f"{w}: reported load at {s.id!r} {v.load_kg} != {self.load_kg}")
        self.t = v.depart_min

    def charge(
        self, v: ChargeVisit, site: ChargingSite, charging: dict[str, list[tuple[float, float]]]
    ) -> None:
        w, errs = self.w, self.errs
        battery = self.vt.battery_kwh
        assert self.soc is not None and battery is not None
        travel = self.problem.minutes(self.here, self.problem.index_of(site.id))
        self.drive(self.problem.index_of(site.id), f"charging site {site.id!r}")
        if v.arrive_min < self.t + travel - EPS:
            errs.append(f"{w}: arrives at {site.id!r} faster than travel time allows")
        if v.charge_min < 0:
            errs.append(f"{w}: negative charging time at {site.id!r}")
        if v.start_min < v.arrive_min - EPS:
            errs.append(f"{w}: charging at {site.id!r} starts before arrival")
        if v.depart_min < v.start_min + v.charge_min - EPS:
            errs.append(f"{w}: leaves {site.id!r} before charging ends")
        self.soc = min(battery, self.soc + site.power_kw * v.charge_min / 60.0)
        charging[site.id].append((v.start_min, v.start_min + v.charge_min))
        self.t = v.depart_min

    def home(self, route: RoutePlan, depot: Depot) -> None:
        vt = self.vt
        travel = self.problem.minutes(self.here, self.problem.index_of(vt.depot))
        self.drive(self.problem.index_of(vt.depot), f"depot {vt.depot!r}")
        if route.end_min < self.t + travel - EPS:
            self.errs.append(f"{self.w}: back at depot faster than travel time allows")
        latest = min(vt.shift_end_min, depot.close_min)
        if route.end_min > latest + EPS:
            self.errs.append(
                f"{self.w}: returns {format_hhmm(route.end_min)} after shift end/depot close "
                f"{format_hhmm(latest)}"
            )


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
    r = _Replay(
        problem, vt, w, errs, vt.battery_kwh, route.start_min, problem.index_of(vt.depot), load_kg
    )
    for v in route.visits:
        if isinstance(v, StopVisit):
            served[v.stop_id] += 1
            r.stop(v, stops[v.stop_id])
        else:
            site = sites.get(v.site_id)
            if site is None:
                errs.append(f"{w}: unknown charging site {v.site_id!r}")
                continue
            if r.soc is None or vt.battery_kwh is None:
                errs.append(f"{w}: charging visit on a vehicle without battery limit")
                continue
            r.charge(v, site, charging)
        if v.soc_kwh is not None and r.soc is not None and abs(v.soc_kwh - r.soc) > REPORT_TOL:
            errs.append(f"{w}: reported SoC {v.soc_kwh} != replayed {r.soc:.4f}")
    if route.visits:
        r.home(route, depot)
    else:
        errs.append(f"{w}: empty route")
    return _check_totals(route, vt, r)


def _check_totals(route: RoutePlan, vt: VehicleType, r: _Replay) -> tuple[float, float]:
    """The reported distance, energy and cost against the replay; (cost, km)."""
    # paid time: depot departure to return, waiting included
    duration_min = route.end_min - route.start_min
    km_sum = r.km_sum
    cost = (
        vt.fixed_cost_cny + vt.cost_per_km_cny * km_sum + vt.cost_per_hour_cny * duration_min / 60.0
    )
    if abs(route.distance_km - km_sum) > REPORT_TOL:
        r.errs.append(f"{r.w}: reported distance {route.distance_km} != {km_sum:.4f}")
    if abs(route.energy_kwh - r.energy_sum) > REPORT_TOL:
        r.errs.append(f"{r.w}: reported energy {route.energy_kwh} != {r.energy_sum:.4f}")
    if abs(route.cost_cny - cost) > REPORT_TOL:
        r.errs.append(f"{r.w}: reported cost {route.cost_cny} != {cost:.4f}")
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
