"""Charging insertion on a fixed route: a label-setting DP over the stop sequence.

Given a vehicle type and the order of its stops, decide after which stop (or before the
first) to detour to which charging site and for how many whole minutes, so that the route
meets every window, the shift end and ``min_soc_kwh`` with the least extra km.

Labels at a position are (departure time, SoC, km so far); a label is dropped when another
is no later, has no less charge and no more km (Pareto dominance). Between two consecutive
route points at most one charging visit is taken. The charge amounts tried are the
breakpoints of the linear program a fixed detour pattern defines: just enough to reach each
later route point at ``min_soc_kwh`` without another charge, the minutes absorbed by waiting
for the next window, the most minutes the next window still allows, and a full battery
(each rounded to whole minutes in the safe direction). ``ChargerBook`` holds plug
reservations of routes already planned, so a vehicle queues for a free plug and the plug
count of a site is never exceeded (routes are scheduled one after another: exact for the
order chosen, conservative overall).
"""

from __future__ import annotations

import math
from bisect import insort
from collections.abc import Sequence
from dataclasses import dataclass, field

from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.result import ChargeVisit, RoutePlan, StopVisit, Visit

EPS = 1e-9
#: Labels kept per route position (lowest km first); the DP is exact below this cap.
MAX_LABELS = 64


@dataclass
class ChargerBook:
    """Plug reservations per charging site: ``(start_min, end_min)`` intervals."""

    counts: dict[int, int]
    busy: dict[int, list[tuple[float, float]]] = field(default_factory=dict)

    @classmethod
    def for_problem(cls, problem: FleetProblem) -> ChargerBook:
        first = problem.first_site_index
        return cls({first + k: s.count for k, s in enumerate(problem.charging_sites)})

    def _in_use(self, site: int, t0: float, t1: float) -> int:
        """Peak number of reservations overlapping ``[t0, t1)``."""
        iv = [(a, b) for a, b in self.busy.get(site, ()) if a < t1 - EPS and b > t0 + EPS]
        if not iv:
            return 0
        events = sorted([(max(a, t0), 1) for a, _ in iv] + [(b, -1) for _, b in iv])
        peak = cur = 0
        for _, d in sorted(events, key=lambda e: (e[0], e[1])):
            cur += d
            peak = max(peak, cur)
        return peak

    def earliest_start(self, site: int, arrive_min: float, charge_min: float) -> float:
        """Earliest time >= arrival at which a plug is free for ``charge_min`` minutes."""
        cap = self.counts[site]
        if charge_min <= 0 or not self.busy.get(site):
            return arrive_min
        candidates = sorted({arrive_min} | {b for _, b in self.busy[site] if b > arrive_min + EPS})
        for t in candidates:
            if self._in_use(site, t, t + charge_min) < cap:
                return t
        return candidates[-1]  # pragma: no cover - the last release always frees a plug

    def reserve(self, plan: RoutePlan, problem: FleetProblem) -> None:
        for v in plan.charge_visits:
            if v.charge_min > 0:
                site = problem.index_of(v.site_id)
                insort(self.busy.setdefault(site, []), (v.start_min, v.start_min + v.charge_min))

    def release(self, plan: RoutePlan, problem: FleetProblem) -> None:
        for v in plan.charge_visits:
            if v.charge_min > 0:
                site = problem.index_of(v.site_id)
                self.busy[site].remove((v.start_min, v.start_min + v.charge_min))


@dataclass(slots=True)
class _Label:
    t: float  # departure time from this route point
    soc: float
    km: float
    prev: _Label | None
    # how this point was reached: optional charging (site, arrive, start, minutes, soc after)
    charge: tuple[int, float, float, float, float] | None
    arrive: float  # arrival at this route point
    start: float  # service start at this route point


def _pareto(labels: list[_Label]) -> list[_Label]:
    labels.sort(key=lambda x: (x.km, x.t, -x.soc))
    kept: list[_Label] = []
    for lab in labels:
        if any(
            k.km <= lab.km + EPS and k.t <= lab.t + EPS and k.soc >= lab.soc - EPS for k in kept
        ):
            continue
        kept.append(lab)
        if len(kept) >= MAX_LABELS:
            break
    return kept


def earliest_departure(problem: FleetProblem, vt: VehicleType) -> float:
    return max(vt.shift_start_min, problem.depot(vt.depot).open_min)


def latest_return(problem: FleetProblem, vt: VehicleType) -> float:
    return min(vt.shift_end_min, problem.depot(vt.depot).close_min)


def shift_bounds_s(problem: FleetProblem, vt: VehicleType) -> tuple[int, int]:
    """Earliest departure and latest return in whole seconds, rounded inwards (for the
    integer time dimensions of the OR-Tools models)."""
    return (
        math.ceil(earliest_departure(problem, vt) * 60 - 1e-6),
        math.floor(latest_return(problem, vt) * 60 + 1e-6),
    )


@dataclass(frozen=True, slots=True)
class _RouteData:
    """A fixed stop sequence as the DP reads it: points, loads, windows, energy limits."""

    pts: list[int]  # depot, stops, depot (problem location indices)
    load: list[float]  # load[k]: kg on board when leaving point k
    opens: list[float]
    closes: list[float]
    service: list[float]
    battery: float  # inf without a battery limit
    min_soc: float  # -inf without a battery limit
    need: list[float]  # need[k]: energy from point k to the end without charging
    sites: list[int]  # charging site location indices the vehicle may detour to


def schedule_route(
    problem: FleetProblem,
    vt: VehicleType,
    stops: Sequence[int],
    book: ChargerBook | None = None,
    *,
    allow_charging: bool = True,
) -> RoutePlan | None:
    """Cheapest feasible schedule of ``stops`` (stop positions in ``problem.stops``) on ``vt``.

    Returns ``None`` when no schedule meets windows, shift, capacity, refrigeration and
    energy (with charging visits if allowed). ``book`` is read, not changed: call
    ``book.reserve(plan, problem)`` to commit the plan's plug reservations.
    """
    if not stops:
        return None
    if allow_charging and vt.battery_kwh is not None and problem.charging_sites:
        # a plan without detours is the cheapest there is: try it first
        plain = schedule_route(problem, vt, stops, None, allow_charging=False)
        if plain is not None:
            return plain
    rd = _route_data(problem, vt, stops, allow_charging)
    if rd is None:
        return None
    t0 = earliest_departure(problem, vt)
    layer = [_Label(t0, rd.battery, 0.0, None, None, t0, t0)]
    for k in range(len(rd.pts) - 1):
        nxt: list[_Label] = []
        for lab in layer:
            _extend(problem, vt, rd, book, k, lab, nxt)
        layer = _pareto(nxt)
        if not layer:
            return None
    if vt.cost_per_hour_cny <= 0 or len(layer) == 1:
        best = min(layer, key=lambda x: (x.km, x.t))
        return _build_plan(problem, vt, rd.pts, rd.load, best)
    # paid time counts: the cheapest label once its departure is pushed forward
    plans = [_build_plan(problem, vt, rd.pts, rd.load, lab) for lab in layer]
    return min(plans, key=lambda p: (p.cost_cny, p.distance_km, p.end_min))


def _route_data(
    problem: FleetProblem, vt: VehicleType, stops: Sequence[int], allow_charging: bool
) -> _RouteData | None:
    """The sequence's data, or ``None`` when capacity or refrigeration already rule it out."""
    ss = [problem.stops[i] for i in stops]
    if sum(x.demand_kg for x in ss) > vt.capacity_kg + 1e-9:
        return None
    if sum(x.demand_m3 for x in ss) > vt.capacity_m3 + 1e-9:
        return None
    if not vt.refrigerated and any(x.refrigerated for x in ss):
        return None
    first_stop = problem.first_stop_index
    depot = problem.index_of(vt.depot)
    pts = [depot] + [first_stop + i for i in stops] + [depot]
    n = len(pts) - 1
    total_kg = sum(x.demand_kg for x in ss)
    load = [total_kg]
    for st in ss:
        load.append(load[-1] - st.demand_kg)  # load[k] = on board when leaving point k
    per_t = vt.kwh_per_km_per_tonne / 1000.0
    need = [0.0] * (n + 1)
    for k in range(n - 1, -1, -1):
        need[k] = need[k + 1] + problem.km(pts[k], pts[k + 1]) * (vt.kwh_per_km + per_t * load[k])
    return _RouteData(
        pts=pts,
        load=load,
        opens=[0.0] + [x.window_open_min for x in ss] + [-math.inf],
        closes=[math.inf] + [x.window_close_min for x in ss] + [latest_return(problem, vt)],
        service=[0.0] + [x.service_min for x in ss] + [0.0],
        battery=vt.battery_kwh if vt.battery_kwh is not None else math.inf,
        min_soc=vt.min_soc_kwh if vt.battery_kwh is not None else -math.inf,
        need=need,
        sites=(
            list(range(problem.first_site_index, first_stop))
            if allow_charging and vt.battery_kwh is not None
            else []
        ),
    )


def _arrive_at(rd: _RouteData, k: int, arr: float) -> tuple[float, float] | None:
    """(service start, departure) at point ``k`` when arriving at ``arr`` (None: too late)."""
    st = max(arr, rd.opens[k])
    if st > rd.closes[k] + EPS:
        return None
    return st, st + rd.service[k]


def _extend(
    problem: FleetProblem,
    vt: VehicleType,
    rd: _RouteData,
    book: ChargerBook | None,
    k: int,
    lab: _Label,
    nxt: list[_Label],
) -> None:
    """Labels at point ``k + 1`` from ``lab`` at point ``k``: direct, or via one charge."""
    h, j = rd.pts[k], rd.pts[k + 1]
    per_t = vt.kwh_per_km_per_tonne / 1000.0
    km_hj, t_hj = problem.km(h, j), problem.minutes(h, j)
    e_hj = km_hj * (vt.kwh_per_km + per_t * rd.load[k])
    soc = lab.soc - e_hj
    if soc >= rd.min_soc - 1e-9:
        arr = lab.t + t_hj
        r = _arrive_at(rd, k + 1, arr)
        if r is not None:
            nxt.append(_Label(r[1], soc, lab.km + km_hj, lab, None, arr, r[0]))
    for s in rd.sites:
        _extend_via(problem, vt, rd, book, k, lab, s, nxt)


def _extend_via(
    problem: FleetProblem,
    vt: VehicleType,
    rd: _RouteData,
    book: ChargerBook | None,
    k: int,
    lab: _Label,
    s: int,
    nxt: list[_Label],
) -> None:
    """Labels at point ``k + 1`` that detour to site ``s`` and charge whole minutes."""
    h, j = rd.pts[k], rd.pts[k + 1]
    per_t = vt.kwh_per_km_per_tonne / 1000.0
    e_hs = problem.km(h, s) * (vt.kwh_per_km + per_t * rd.load[k])
    soc_s = lab.soc - e_hs
    if soc_s < rd.min_soc - 1e-9:
        return
    km_sj, t_sj = problem.km(s, j), problem.minutes(s, j)
    e_sj = km_sj * (vt.kwh_per_km + per_t * rd.load[k])
    arr_s = lab.t + problem.minutes(h, s)
    rate = problem.charging_sites[s - problem.first_site_index].power_kw / 60.0
    cands = _charge_minutes(rd, k, soc_s, e_sj, rate, arr_s + t_sj)
    if cands is None:
        return
    room = rd.battery - soc_s
    km_via = lab.km + problem.km(h, s) + km_sj
    for m in sorted(cands):
        if m <= 0:
            continue
        m = min(m, math.ceil(room / rate - 1e-9))
        c = book.earliest_start(s, arr_s, m) if book is not None else arr_s
        soc_c = min(rd.battery, soc_s + rate * m)
        soc_j = soc_c - e_sj
        if soc_j < rd.min_soc - 1e-9:
            continue
        arr = c + m + t_sj
        r = _arrive_at(rd, k + 1, arr)
        if r is None:
            continue
        nxt.append(_Label(r[1], soc_j, km_via, lab, (s, arr_s, c, m, soc_c), arr, r[0]))


def _charge_minutes(
    rd: _RouteData, k: int, soc_s: float, e_sj: float, rate: float, at_next: float
) -> set[int] | None:
    """Breakpoints of the charge amount (whole minutes): a full battery, just enough to
    reach each later point, the wait absorbed before the next window, the latest the next
    window allows. ``None`` when even no charge reaches the next point in its window."""
    cands: set[int] = set()
    room = rd.battery - soc_s
    cands.add(math.ceil(room / rate - 1e-9))
    for q in range(k + 1, len(rd.pts)):
        want = rd.min_soc + e_sj + (rd.need[k + 1] - rd.need[q]) - soc_s
        if want > room + 1e-9:
            break
        if want > 0:
            cands.add(math.ceil(want / rate - 1e-9))
    slack_wait = rd.opens[k + 1] - at_next
    if slack_wait >= 1:
        cands.add(math.floor(slack_wait))
    slack_close = rd.closes[k + 1] - at_next
    if slack_close < 0:
        return None
    cands.add(math.floor(slack_close + 1e-9))
    return cands


def _build_plan(
    problem: FleetProblem, vt: VehicleType, pts: list[int], load: list[float], last: _Label
) -> RoutePlan:
    chain: list[_Label] = []
    lab: _Label | None = last
    while lab is not None:
        chain.append(lab)
        lab = lab.prev
    chain.reverse()  # chain[k] = label at route point k
    first_site = problem.first_site_index
    first_stop = problem.first_stop_index
    electric = vt.battery_kwh is not None
    visits: list[Visit] = []
    for k in range(1, len(chain)):
        lab = chain[k]
        if lab.charge is not None:
            s, arr_s, c, m, soc_c = lab.charge
            site = problem.charging_sites[s - first_site]
            visits.append(ChargeVisit(site.id, arr_s, c, float(m), c + m, soc_c))
        if k < len(chain) - 1:
            stop = problem.stops[pts[k] - first_stop]
            visits.append(
                StopVisit(
                    stop.id, lab.arrive, lab.start, lab.t, lab.soc if electric else None, load[k]
                )
            )
    start = chain[0].t
    end = chain[-1].arrive
    closes = [
        problem.stops[problem.index_of(v.stop_id) - first_stop].window_close_min
        if isinstance(v, StopVisit)
        else math.inf
        for v in visits
    ]
    start, visits = _push_forward(start, end, visits, closes, latest_return(problem, vt))
    km = energy = 0.0
    here = pts[0]
    kg = load[0]
    per_t = vt.kwh_per_km_per_tonne / 1000.0
    route_pts: list[int] = []
    for v in visits:
        if isinstance(v, StopVisit):
            route_pts.append(problem.index_of(v.stop_id))
        else:
            route_pts.append(problem.index_of(v.site_id))
    route_pts.append(pts[0])
    kgs = []
    for v in visits:
        kgs.append(kg)
        if isinstance(v, StopVisit):
            kg = v.load_kg
    kgs.append(kg)
    for to, on_board in zip(route_pts, kgs, strict=True):
        d = problem.km(here, to)
        km += d
        energy += d * (vt.kwh_per_km + per_t * on_board)
        here = to
    return RoutePlan(
        vt.id, start, end, tuple(visits), km, energy, vt.route_cost_cny(km, end - start)
    )


def _push_forward(
    start_min: float,
    end_min: float,
    visits: list[Visit],
    window_close_min: list[float],
    latest_return_min: float,
) -> tuple[float, list[Visit]]:
    """Leave the depot as late as the schedule allows, so waiting turns into later departure.

    Classic forward time slack (Savelsbergh 1992) of the departure: shifting it by ``d``
    delays every later point until the waiting in between absorbs the shift, so
    ``d <= min_k (close_k - start_k + waiting at points 1..k)``, capped by the total waiting
    (beyond it the return moves too and the duration no longer falls). Only the stops
    before the first charging visit move: the plug reservations (``ChargerBook``) and
    everything from the first charge on stay as scheduled. ``window_close_min[k]`` is the
    latest service start at ``visits[k]``. Returns (departure, visits).
    """
    head = 0
    while head < len(visits) and isinstance(visits[head], StopVisit):
        head += 1
    if head == 0:
        return start_min, visits
    waited = 0.0
    slack = math.inf
    for v, close in zip(visits[:head], window_close_min, strict=False):
        waited += v.start_min - v.arrive_min
        slack = min(slack, close - v.start_min + waited)
    if head == len(visits):
        slack = min(slack, latest_return_min - end_min + waited)
    delta = min(slack, waited)
    if delta <= EPS:
        return start_min, visits
    out = list(visits)
    shift = delta  # how much the arrival at the current point moves
    for k in range(head):
        v = out[k]
        assert isinstance(v, StopVisit)
        wait = v.start_min - v.arrive_min
        arrive = v.arrive_min + shift
        shift = max(0.0, shift - wait)
        out[k] = StopVisit(
            v.stop_id, arrive, v.start_min + shift, v.depart_min + shift, v.soc_kwh, v.load_kg
        )
    return start_min + delta, out
