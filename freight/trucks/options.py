"""Each lane's ways of being served: a fuel truck, or an electric truck with a set of
energy points (flow-refuelling location with range, Kuby & Lim 2005, on round trips).

A lane's round trip is its path loaded, then the same path back empty. An *energy point*
is a candidate site at a node of that path, visited on the loaded or the empty leg (the
origin and destination are one point each). A set of points is feasible for a truck type
if, driving the cycle over and over in January (winter penalty), the energy used between
two consecutive points (access detours included) never exceeds the usable battery. Only
minimal feasible sets (no feasible proper subset) of up to ``MAX_POINTS`` points are kept.
Every option carries its constant yearly cost (trucks, drivers, energy, maintenance) and
the hourly load it puts on each site, so the MIP only chooses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

from freight.trucks.lanes import Lane
from freight.trucks.model import Scenario, Site, TruckType, crf

MAX_POINTS = 3
EPS = 1e-9


@dataclass(frozen=True, slots=True)
class EnergyPoint:
    """A visit to ``site`` on the ``leg`` of the round trip, ``km`` from the origin along it."""

    site: str
    node: str
    leg: str  # loaded | empty
    km: float  # position on the cycle, 0 .. 2 x distance
    access_km: float  # one way, site <-> node


@dataclass(frozen=True, slots=True)
class SiteLoad:
    """What one option asks of one site per design day, hour by hour (0..23)."""

    site: str
    kind: str  # swap | charge
    events: tuple[float, ...]  # swaps or charging sessions starting in the hour
    busy_min: tuple[float, ...]  # bay- or charger-minutes in the hour
    batteries: tuple[float, ...]  # swap: batteries out of the charged stock in the hour
    kw: tuple[float, ...]  # grid power, mean over the hour
    kwh_day: float


@dataclass(frozen=True, slots=True)
class Option:
    """Serve ``lane`` with ``truck_type`` (and, for electric types, these energy points)."""

    lane: str
    truck_type: str
    kind: str  # ice | swap | charge
    points: tuple[EnergyPoint, ...]
    refill_kwh: tuple[float, ...]  # winter energy refilled at each point per round trip
    trips_day: float
    trucks: int
    cost_cny_year: float  # trucks, drivers, energy/fuel, maintenance (not stations)
    co2_t_year: float
    tkm_year: float
    loads: tuple[SiteLoad, ...]

    @property
    def electric(self) -> bool:
        return self.kind != "ice"


def cycle_points(lane: Lane, detours: dict[str, list[tuple[Site, float]]]) -> list[EnergyPoint]:
    """Every candidate energy point of the lane's round trip, in driving order.

    ``detours`` (``Scenario.detours``) gives the sites reachable from each path node and the
    one-way km of the detour; a site reachable from several path nodes gives several points.
    """
    pos = [0.0]
    for km in lane.hop_km:
        pos.append(pos[-1] + km)
    dist = pos[-1]
    out: list[EnergyPoint] = []
    last = len(lane.path) - 1
    for i, node in enumerate(lane.path):
        for s, km in detours.get(node, ()):
            if i == 0:
                out.append(EnergyPoint(s.id, node, "loaded", 0.0, km))
            elif i == last:
                out.append(EnergyPoint(s.id, node, "loaded", dist, km))
            else:
                out.append(EnergyPoint(s.id, node, "loaded", pos[i], km))
                out.append(EnergyPoint(s.id, node, "empty", 2 * dist - pos[i], km))
    best: dict[tuple[str, str], EnergyPoint] = {}
    for p in sorted(out, key=lambda p: (p.access_km, p.km, p.site)):
        best.setdefault((p.site, p.leg), p)  # one point per site and leg: the shortest detour
    return sorted(best.values(), key=lambda p: (p.km, p.site))


def _drive_kwh(truck: TruckType, a: float, b: float, dist: float, winter: bool) -> float:
    """Energy to drive the cycle from position ``a`` to ``b`` (a <= b <= 2 x dist)."""
    loaded = max(0.0, min(b, dist) - a)
    empty = (b - a) - loaded
    return loaded * truck.kwh_per_km(True, winter) + empty * truck.kwh_per_km(False, winter)


def _access_kwh(truck: TruckType, p: EnergyPoint, dist: float, winter: bool) -> float:
    loaded = p.leg == "loaded" and p.km < dist
    return p.access_km * truck.kwh_per_km(loaded, winter)


def _cyclic_kwh(truck: TruckType, a: float, b: float, dist: float, winter: bool) -> float:
    """Energy from cycle position ``a`` forward to ``b`` (``b`` may pass 2 x dist: next cycle)."""
    if b <= 2 * dist + EPS:
        return _drive_kwh(truck, a, min(b, 2 * dist), dist, winter)
    return _drive_kwh(truck, a, 2 * dist, dist, winter) + _drive_kwh(
        truck, 0.0, b - 2 * dist, dist, winter
    )


def refills(
    truck: TruckType, pts: tuple[EnergyPoint, ...], dist: float, winter: bool = True
) -> tuple[float, ...]:
    """Energy used on the arc that ends at each point (cyclic), access detours included.

    ``pts`` are in driving order; the first point's arc starts at the last point of the
    previous round trip.
    """
    out = []
    for j, p in enumerate(pts):
        q = pts[j - 1]
        b = p.km if j > 0 else p.km + 2 * dist
        drive = _cyclic_kwh(truck, q.km, b, dist, winter)
        out.append(
            drive + _access_kwh(truck, q, dist, winter) + _access_kwh(truck, p, dist, winter)
        )
    return tuple(out)


def feasible_sets(
    lane: Lane, truck: TruckType, points: list[EnergyPoint]
) -> list[tuple[EnergyPoint, ...]]:
    """Minimal feasible point sets of up to ``MAX_POINTS`` points for ``truck`` on ``lane``."""
    dist = lane.distance_km
    found: list[tuple[EnergyPoint, ...]] = []
    keys: list[frozenset[int]] = []
    for k in range(1, MAX_POINTS + 1):
        for idx in combinations(range(len(points)), k):
            s = frozenset(idx)
            if any(f <= s for f in keys):
                continue
            pts = tuple(points[i] for i in idx)
            if max(refills(truck, pts, dist)) <= truck.usable_kwh + EPS:
                found.append(pts)
                keys.append(s)
    return found


def _stop_h(truck: TruckType, kwh: float, charger_kw: float) -> float:
    if truck.powertrain == "bev_swap":
        return truck.swap_min / 60.0
    return kwh / min(truck.charge_kw, charger_kw)


def arrival_offsets_h(
    sc: Scenario,
    truck: TruckType,
    pts: tuple[EnergyPoint, ...],
    kwh: tuple[float, ...],
    dist: float,
) -> tuple[list[float], float]:
    """Hours from departure to each point's arrival, and the whole round trip's hours."""
    g = sc.general
    t = 0.0
    prev = 0.0
    out = []
    half = g.handling_h_per_trip / 2
    unloaded = False
    for p, e in zip(pts, kwh, strict=True):
        t += (p.km - prev) / g.speed_kmh + p.access_km / g.speed_kmh
        if p.km > dist + EPS and not unloaded:
            t += half
            unloaded = True
        out.append(t)
        t += _stop_h(truck, e, sc.stations.charger_kw) + p.access_km / g.speed_kmh
        prev = p.km
    total = t + (2 * dist - prev) / g.speed_kmh + g.handling_h_per_trip
    return out, total


def _spread(start_h: float, dur_h: float, amount: float, out: list[float]) -> None:
    """Add ``amount`` per hour over [start_h, start_h + dur_h) into 24 cyclic buckets."""
    t = start_h
    end = start_h + dur_h
    while t < end - EPS:
        h = math.floor(t + EPS)
        nxt = min(end, h + 1.0)
        out[h % 24] += amount * (nxt - t)
        t = nxt


def site_loads(
    sc: Scenario, truck: TruckType, pts: tuple[EnergyPoint, ...], kwh: tuple[float, ...],
    offsets: list[float], trips_day: float,
) -> tuple[SiteLoad, ...]:  # fmt: skip
    """Hourly swaps/sessions, busy minutes, batteries out of stock and kW per site."""
    kind = "swap" if truck.powertrain == "bev_swap" else "charge"
    share = sc.general.dispatch_share()
    st = sc.stations
    acc: dict[str, list[list[float]]] = {}
    energy: dict[str, float] = {}
    for p, e, off in zip(pts, kwh, offsets, strict=True):
        ev, busy, bat, kw = acc.setdefault(p.site, [[0.0] * 24 for _ in range(4)])
        energy[p.site] = energy.get(p.site, 0.0) + e * trips_day
        for h in range(24):
            n = trips_day * share[h]
            if n <= 0:
                continue
            arr = math.floor(h + 0.5 + off + EPS)
            ev[arr % 24] += n
            if kind == "swap":
                busy[arr % 24] += n * truck.swap_min
                c = math.ceil(e / st.battery_charger_kw - EPS)
                for k in range(c + 1):
                    bat[(arr + k) % 24] += n
                _spread(arr, e / st.battery_charger_kw, n * st.battery_charger_kw, kw)
            else:
                p_kw = min(truck.charge_kw, st.charger_kw)
                _spread(arr, e / p_kw, n * 60.0, busy)
                _spread(arr, e / p_kw, n * p_kw, kw)
    return tuple(
        SiteLoad(s, kind, tuple(v[0]), tuple(v[1]), tuple(v[2]), tuple(v[3]), energy[s])
        for s, v in sorted(acc.items())
    )


def _winter_share(lane: Lane) -> float:
    return lane.tonnes_winter / lane.tonnes_year if lane.tonnes_year > 0 else 0.0


def electric_option(
    sc: Scenario, lane: Lane, truck: TruckType, pts: tuple[EnergyPoint, ...]
) -> Option:
    """Cost, CO2, trucks and site loads of one feasible point set."""
    g = sc.general
    dist = lane.distance_km
    kwh_w = refills(truck, pts, dist, True)
    kwh_s = refills(truck, pts, dist, False)
    offsets, cycle_h = arrival_offsets_h(sc, truck, pts, kwh_w, dist)
    trips_day = lane.trips_day(truck.payload_t)
    loads = site_loads(sc, truck, pts, kwh_w, offsets, trips_day)
    trucks = max(1, math.ceil(trips_day * cycle_h / g.truck_hours_per_day - EPS))
    trips_year = lane.tonnes_year / truck.payload_t
    ws = _winter_share(lane)
    kwh_trip = ws * sum(kwh_w) + (1 - ws) * sum(kwh_s)
    kwh_year = trips_year * kwh_trip
    day_kw = [sum(ld.kw[h] for ld in loads) for h in range(24)]
    price = (
        sum(k * p for k, p in zip(day_kw, g.tariff_cny_per_kwh, strict=True)) / sum(day_kw)
        if sum(day_kw) > 0 else g.tariff_cny_per_kwh[12]
    )  # fmt: skip
    km_year = trips_year * (2 * dist + 2 * sum(p.access_km for p in pts))
    cost = (
        trucks * (truck.price_cny * crf(g.discount_rate, truck.life_years)
                  + g.driver_cny_per_truck_day * g.operating_days_per_year)
        + kwh_year * price + km_year * truck.maintenance_cny_per_km
    )  # fmt: skip
    return Option(
        lane=lane.id, truck_type=truck.id, kind=loads[0].kind if loads else "swap",
        points=pts, refill_kwh=kwh_w, trips_day=trips_day, trucks=trucks,
        cost_cny_year=cost, co2_t_year=kwh_year * g.grid_co2_kg_per_kwh / 1000.0,
        tkm_year=lane.tonnes_year * dist, loads=loads,
    )  # fmt: skip


def ice_option(sc: Scenario, lane: Lane, truck: TruckType) -> Option:
    """A diesel or LNG truck on the lane: no stations."""
    g = sc.general
    dist = lane.distance_km
    trips_day = lane.trips_day(truck.payload_t)
    cycle_h = 2 * dist / g.speed_kmh + g.handling_h_per_trip
    trucks = max(1, math.ceil(trips_day * cycle_h / g.truck_hours_per_day - EPS))
    trips_year = lane.tonnes_year / truck.payload_t
    ws = _winter_share(lane)
    per_trip = dist * (truck.fuel_per_km_loaded + truck.fuel_per_km_empty)
    fuel = trips_year * per_trip * (1 + ws * truck.winter_penalty)
    cost = (
        trucks * (truck.price_cny * crf(g.discount_rate, truck.life_years)
                  + g.driver_cny_per_truck_day * g.operating_days_per_year)
        + fuel * g.fuel_price(truck.powertrain)
        + trips_year * 2 * dist * truck.maintenance_cny_per_km
    )  # fmt: skip
    return Option(
        lane=lane.id, truck_type=truck.id, kind="ice", points=(), refill_kwh=(),
        trips_day=trips_day, trucks=trucks, cost_cny_year=cost,
        co2_t_year=fuel * g.fuel_co2(truck.powertrain) / 1000.0,
        tkm_year=lane.tonnes_year * dist, loads=(),
    )  # fmt: skip


def lane_options(sc: Scenario) -> dict[str, list[Option]]:
    """Every lane's options; an electric type with no feasible set anywhere is an input error."""
    from freight.errors import FieldIssue, InputError

    out: dict[str, list[Option]] = {}
    reach: dict[str, int] = {t.id: 0 for t in sc.trucks if t.electric}
    detours = sc.detours()
    for lane in sc.lanes:
        opts = [ice_option(sc, lane, t) for t in sc.trucks if not t.electric]
        pts = cycle_points(lane, detours)
        for t in sc.trucks:
            if not t.electric:
                continue
            for s in feasible_sets(lane, t, pts):
                opts.append(electric_option(sc, lane, t, s))
                reach[t.id] += 1
        out[lane.id] = opts
    for tid, n in reach.items():
        if n == 0 and sc.lanes:
            t = sc.truck(tid)
            raise InputError(
                f"truck type {tid}: its range ({t.usable_kwh:.0f} usable kWh) cannot reach "
                "any candidate station on any lane",
                issues=[FieldIssue(f"truck_types.{tid}.battery_kwh", "range reaches no station")],
            )
    return out
