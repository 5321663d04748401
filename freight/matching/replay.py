"""Rolling-horizon replay of a year's road shipments on the matching platform.

The road shipments of ``demand_data/`` (see ``road_share`` rule below) are cut into
truckloads whose pickup windows open when they become ready, each posted ``lead_h``
hours before its window opens (``POST_LEAD_H``; 0 posts at ready time); a truck supply
built by ``supply`` (method in demand_data/METHOD.md, section "Matching replay") is
matched every ``interval_min`` of simulated time. Each method (the optimiser, the greedy
baseline) runs its own simulation on the same loads and trucks. A matched truck carries
its committed chain (the proposal is taken as accepted) and is free again where and when
its last committed delivery ends. A round
offers the trucks that are free within ``LOOKAHEAD_H`` hours, each from where and when
it will be free, to both methods alike. With a commitment horizon ``commit_h`` a method
plans over every open load but keeps of each proposed chain only the legs that must start
soon (pickup within ``commit_h``, or the truck has to leave within ``commit_h`` to make
the window); the rest stay open for later rounds, as in rolling-horizon dispatch.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np

from freight.demand.model import Shipment
from freight.matching.instance import UNLOAD_MIN
from freight.matching.model import Assignment, Load, Powertrain, Vehicle, VehicleKind
from freight.matching.roads import BEIJING, RoadTables, road_tables
from freight.matching.solve import Method, match
from freight.network.model import CargoForm, Network
from freight.routing.model import Cargo, Unit

#: Road haul limit (km of road): beyond it the shipment goes by rail (assumption, see
#: METHOD.md: trucking wins on short hauls; 500 km is the break-even used there).
ROAD_MAX_KM = 500.0
#: Truckload sizes (METHOD.md lots L3–L5): semitrailer 30 t, reefer 16 t, 2 TEU per chassis
#: as long as the boxes weigh at most ``TRUCK_T`` together.
TRUCK_T = {
    CargoForm.BULK: 30.0,
    CargoForm.GENERAL: 30.0,
    CargoForm.HAZMAT: 30.0,
    CargoForm.REEFER: 16.0,
}
CONTAINER_TRUCK_T = 32.0
#: Truckloads of one shipment are dispatched at most this many per day (L3: 4–14 a day).
PER_DAY = 12
#: Pickup window of a posted load (hours) and the working day of dispatch (06:00–18:00).
PICKUP_WINDOW_H = 4.0
#: A heavy truck on regional hauls does about 2 loads a day (assumption, METHOD.md R-M4).
LOADS_PER_TRUCK_DAY = 2.0
#: Spare trucks on the platform above the busiest day's need (assumption, METHOD.md R-M4).
SPARE = 1.2
#: A round also offers trucks that become free within this many hours (where their
#: current load ends): they can take a backhaul there instead of an empty truck coming in.
LOOKAHEAD_H = 4.0
#: Hours a load is listed before its pickup window opens (assumption, METHOD.md R-M3b:
#: a day's truckloads are known from the shipper's plan and listed the evening before).
POST_LEAD_H = 12.0
#: Commitment horizon (h): a planned leg is fixed once its pickup, or the latest time its
#: truck can set off to make the window, is this close (METHOD.md R-M7).
COMMIT_H = 2.0
KIND_OF_FORM = {
    CargoForm.CONTAINER: VehicleKind.CONTAINER_TRUCK,
    CargoForm.BULK: VehicleKind.BULK_TRUCK,
    CargoForm.GENERAL: VehicleKind.FLATBED,
    CargoForm.HAZMAT: VehicleKind.TANKER,
    CargoForm.REEFER: VehicleKind.REEFER,
}


def road_shipments(network: Network, ships: Sequence[Shipment]) -> list[Shipment]:
    """Shipments that go by road: both ends on the road network within ``ROAD_MAX_KM``
    (on dangerous-goods roads for hazmat)."""
    rt = road_tables(network)
    out = []
    for s in ships:
        a, b = rt.index.get(s.origin), rt.index.get(s.destination)
        if a is None or b is None:
            continue
        tab = rt.table(s.form == CargoForm.HAZMAT.value)
        if tab.min_km[a, b] <= ROAD_MAX_KM:
            out.append(s)
    return out


def truckloads(
    network: Network,
    rt: RoadTables,
    s: Shipment,
    start: datetime,
    end: datetime,
    lead_h: float = 0.0,
) -> list[Load]:
    """A shipment's truckloads: pickup windows from its ready day (06:00, one an hour,
    12 a day), each posted ``lead_h`` hours before its window opens."""
    form = CargoForm(s.form)
    if form is CargoForm.CONTAINER:
        per_teu = network.costs.teu_to_t(s.commodity)
        teu_per_truck = max(1, min(2, int(CONTAINER_TRUCK_T // per_teu)))
        teu = s.quantity if s.unit == "teu" else s.tonnes / per_teu
        n = max(1, math.ceil(teu / teu_per_truck))
        size, unit = float(teu_per_truck), Unit.TEU
    else:
        n = max(1, math.ceil(s.tonnes / TRUCK_T[form]))
        size, unit = min(TRUCK_T[form], s.tonnes), Unit.T
    drive_h = (
        float(
            rt.table(form is CargoForm.HAZMAT)
            .minutes[rt.index[s.origin], rt.index[s.destination]]
            .min()
        )
        / 60
    )
    ready = datetime.combine(s.ready_date, datetime.min.time(), tzinfo=BEIJING)
    due = datetime.combine(s.due_date, datetime.min.time(), tzinfo=BEIJING) + timedelta(
        hours=23, minutes=59
    )
    out = []
    for j in range(n):
        opens = ready + timedelta(days=j // PER_DAY, hours=6 + (j % PER_DAY))
        if opens < start or opens >= end:
            continue
        until = opens + timedelta(hours=PICKUP_WINDOW_H)
        deliver_by = max(due, until + timedelta(hours=1.5 * drive_h + 2))
        cargo = Cargo(s.commodity, form, size, unit)
        out.append(
            Load(
                f"{s.id}-{j + 1:03d}",
                s.origin,
                s.destination,
                cargo,
                opens,
                until,
                deliver_by,
                posted_at=opens - timedelta(hours=lead_h),
            )
        )
    return out


def supply(
    network: Network, loads: Sequence[Load], days: int, start: datetime, seed: int = 0
) -> list[Vehicle]:
    """Trucks for the replay (METHOD.md "Matching replay"): per form, enough trucks for the
    busiest day's truckloads at ``LOADS_PER_TRUCK_DAY`` loads a truck a day, times
    ``SPARE``; based at the origins of the loads in proportion to the loads posted there."""
    rng = np.random.default_rng(seed)
    by_form: dict[CargoForm, list[Load]] = {}
    for x in loads:
        by_form.setdefault(x.cargo.form, []).append(x)
    out: list[Vehicle] = []
    for form, xs in sorted(by_form.items()):
        per_day = np.bincount([(x.pickup_from - start).days for x in xs], minlength=days)
        n = max(1, math.ceil(per_day.max() / LOADS_PER_TRUCK_DAY * SPARE))
        origins = sorted({x.origin for x in xs})
        weight = np.array([sum(1 for x in xs if x.origin == o) for o in origins], dtype=float)
        homes = rng.choice(len(origins), size=n, p=weight / weight.sum())
        kind = KIND_OF_FORM[form]
        for j in range(n):
            cap_t = (
                CONTAINER_TRUCK_T
                if form is CargoForm.CONTAINER
                else max(TRUCK_T[form], 30.0 if form is not CargoForm.REEFER else 18.0)
            )
            out.append(
                Vehicle(
                    id=f"{kind}-{j + 1:04d}",
                    kind=kind,
                    capacity_t=cap_t,
                    location=origins[int(homes[j])],
                    available_from=start + timedelta(hours=6),
                    available_until=start + timedelta(days=days + 2),
                    capacity_teu=2 if kind is VehicleKind.CONTAINER_TRUCK else None,
                    home=origins[int(homes[j])],
                    permits=frozenset({"hazmat"}) if form is CargoForm.HAZMAT else frozenset(),
                    powertrain=Powertrain.LNG if j % 5 == 0 else Powertrain.DIESEL,
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class ReplayStats:
    method: str
    loads: int
    matched: int
    matched_share: float
    empty_km: float
    loaded_km: float
    empty_share: float
    empty_km_per_matched: float
    mean_wait_min: float
    trucks: int
    trucks_used: int
    rounds: int
    solve_s: float


def _committed(
    rt: RoadTables,
    a: Assignment,
    by_id: dict[str, Load],
    start_node: str,
    t: datetime,
    commit_h: float | None,
) -> int:
    """How many legs of ``a`` (a prefix) to fix now: all without a horizon, else while a
    leg's pickup or the latest departure that still makes its window is within it."""
    if commit_h is None:
        return len(a.plan)
    edge = t + timedelta(hours=commit_h)
    node = start_node
    for n, leg in enumerate(a.plan):
        x = by_id[leg.load]
        drive = timedelta(
            minutes=float(rt.general.minutes[rt.index[node], rt.index[x.origin]].max())
        )
        if leg.pickup_at > edge and x.pickup_until - drive > edge:
            return n
        node = x.destination
    return len(a.plan)


def simulate(
    network: Network,
    loads: Sequence[Load],
    trucks: Sequence[Vehicle],
    start: datetime,
    end: datetime,
    interval_min: float,
    method: Method,
    progress: Callable[[str], None] | None = None,
    commit_h: float | None = None,
) -> ReplayStats:
    """Run rounds every ``interval_min`` from ``start`` to ``end`` (see module doc)."""
    rt = road_tables(network)
    state = {v.id: (v.location, v.available_from) for v in trucks}
    base = {v.id: v for v in trucks}
    by_id = {x.id: x for x in loads}
    pending = sorted(loads, key=lambda x: (x.posted_at or x.pickup_from, x.id))
    pos, open_loads = 0, []
    matched_at: dict[str, datetime] = {}
    empty = loaded = solve_s = 0.0
    used: set[str] = set()
    rounds = 0
    t = start
    while t < end:
        while pos < len(pending) and (pending[pos].posted_at or pending[pos].pickup_from) <= t:
            open_loads.append(pending[pos])
            pos += 1
        open_loads = [x for x in open_loads if x.pickup_until > t]
        free = [
            replace(base[k], location=loc, available_from=max(t, at))
            for k, (loc, at) in state.items()
            if at <= t + timedelta(hours=LOOKAHEAD_H)
        ]
        if open_loads and free:
            res = match(network, free, open_loads, method=method)
            rounds += 1
            solve_s += res.wall_s
            done = set()
            for a in res.assignments:
                n = _committed(rt, a, by_id, state[a.vehicle][0], t, commit_h)
                if n == 0:
                    continue
                last = a.plan[n - 1]
                state[a.vehicle] = (
                    by_id[last.load].destination,
                    last.deliver_at + timedelta(minutes=UNLOAD_MIN),
                )
                used.add(a.vehicle)
                for leg in a.plan[:n]:
                    empty += leg.empty_km
                    loaded += leg.loaded_km
                    matched_at[leg.load] = t
                    done.add(leg.load)
            open_loads = [x for x in open_loads if x.id not in done]
        if progress and t.minute == 0 and t.hour == 0:
            progress(f"{method}: {t.date()} matched {len(matched_at)}/{pos}")
        t += timedelta(minutes=interval_min)
    posted = {x.id: x.posted_at or x.pickup_from for x in loads}
    waits = [(matched_at[k] - posted[k]).total_seconds() / 60 for k in matched_at]
    n = len(loads)
    name = str(method) if commit_h is None else f"{method}+hold{commit_h:g}h"
    return ReplayStats(
        method=name,
        loads=n,
        matched=len(matched_at),
        matched_share=round(len(matched_at) / n, 4) if n else 0.0,
        empty_km=round(empty, 1),
        loaded_km=round(loaded, 1),
        empty_share=round(empty / (empty + loaded), 4) if empty + loaded else 0.0,
        empty_km_per_matched=round(empty / len(matched_at), 2) if matched_at else 0.0,
        mean_wait_min=round(float(np.mean(waits)), 1) if waits else 0.0,
        trucks=len(trucks),
        trucks_used=len(used),
        rounds=rounds,
        solve_s=round(solve_s, 2),
    )


@dataclass(frozen=True, slots=True)
class Replay:
    year: int
    start: date
    days: int
    interval_min: float
    road_shipments: int
    loads: int
    trucks: int
    results: tuple[ReplayStats, ...]
    wall_s: float
    kind: str = "matching_replay"
    lead_h: float = 0.0
    commit_h: float | None = None


def replay(
    network: Network,
    ships: Sequence[Shipment],
    year: int,
    days: int,
    interval_min: float,
    start: date | None = None,
    methods: Sequence[Method] = (Method.AUTO, Method.GREEDY),
    progress: Callable[[str], None] | None = None,
    lead_h: float = POST_LEAD_H,
    commit_h: float | None = COMMIT_H,
) -> Replay:
    """Simulate each method on the same loads and trucks. Greedy, the first-come baseline,
    commits at once; the other methods use ``commit_h``. With a horizon, greedy runs a
    second time with the same horizon, so that the gain of holding and the gain of
    optimising can be told apart."""
    t0 = time.perf_counter()
    day0 = start or date(year, 1, 1)
    t_start = datetime.combine(day0, datetime.min.time(), tzinfo=BEIJING)
    t_end = t_start + timedelta(days=days)
    rt = road_tables(network)
    road = road_shipments(network, ships)
    loads = [
        x
        for s in road
        if s.ready_date <= t_end.date()
        for x in truckloads(network, rt, s, t_start, t_end, lead_h)
    ]
    trucks = supply(network, loads, days, t_start)
    runs = [(m, None if m is Method.GREEDY else commit_h) for m in methods]
    if commit_h is not None and Method.GREEDY in methods:
        runs.append((Method.GREEDY, commit_h))
    results = tuple(
        simulate(network, loads, trucks, t_start, t_end, interval_min, m, progress, h)
        for m, h in runs
    )
    return Replay(
        year,
        day0,
        days,
        interval_min,
        len(road),
        len(loads),
        len(trucks),
        results,
        round(time.perf_counter() - t0, 2),
        lead_h=lead_h,
        commit_h=commit_h,
    )
