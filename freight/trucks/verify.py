"""Independent checker of a heavy-truck plan.

It reads only the plan's answer (lanes with truck type, trucks, trips and named energy
points; stations with bays, batteries and chargers) and the scenario's data, and re-derives
everything by simulation, not with the planner's arrays:

* range: a truck is driven hop by hop around its lane's round trip, a full lap from its
  first energy point, refilling to full at each named point; the usable battery must
  never go below zero (January consumption, access detours included);
* time: each departure hour's trucks are followed to their energy points; bays and
  chargers must have the minutes that arrive in every hour;
* batteries: each swap station's stock is simulated hour by hour over three days (a
  depleted battery is back in stock once recharged); it must never run out;
* trucks: enough truck-hours for the trips; the target share and the budget hold.
"""

from __future__ import annotations

import math
from collections import defaultdict

from freight.trucks.model import Scenario, TruckType
from freight.trucks.result import LanePlan, TruckPlan
from freight.trucks.solve import UnitCosts

TOL = 1e-6


def _lap(sc: Scenario, lp: LanePlan) -> tuple[list[str], list[float], int]:
    """Nodes of the round trip (origin .. destination .. origin), cumulative km, index of D."""
    lane = next(x for x in sc.lanes if x.id == lp.id)
    nodes = list(lane.path) + list(reversed(lane.path))[1:]
    hops = list(lane.hop_km) + list(reversed(lane.hop_km))
    cum = [0.0]
    for km in hops:
        cum.append(cum[-1] + km)
    return nodes, cum, len(lane.path) - 1


def _locate(sc: Scenario, lp: LanePlan, problems: list[str]) -> list[tuple[int, float]]:
    """(lap index, access km) of each named energy point, in the plan's order."""
    sites = {s.id: s for s in sc.sites}
    road = {(n, sid): km for n, sid, km in sc.reach}
    nodes, cum, _ = _lap(sc, lp)
    out = []
    for ep in lp.energy_points:
        site = sites.get(ep.station.rsplit(":", 1)[0])
        idx = [i for i in range(len(nodes) - 1) if abs(cum[i] - ep.km) < 1e-3
               and nodes[i] == ep.node]  # fmt: skip
        if not idx or site is None:
            problems.append(f"lane {lp.id}: {ep.station} at {ep.km} km is not on its path")
            continue
        detour = 0.0 if ep.node == site.node else road.get((ep.node, site.id))
        if detour is None or ep.access_km < detour + site.access_km - 1e-6:
            problems.append(f"lane {lp.id}: {ep.station} is not {ep.access_km} km from {ep.node}")
            continue
        out.append((idx[0], ep.access_km))
    if [i for i, _ in out] != sorted(i for i, _ in out):
        problems.append(f"lane {lp.id}: via_stations are not in driving order")
    return out


def _ride(
    sc: Scenario, lp: LanePlan, truck: TruckType, problems: list[str]
) -> list[tuple[float, float]]:
    """Drive the lap; (arrival hour after departure, kWh refilled) per energy point."""
    pts = _locate(sc, lp, problems)
    if not pts or len(pts) != len(lp.energy_points):
        if not lp.energy_points:
            problems.append(f"lane {lp.id}: electrified but names no energy point")
        return []
    nodes, cum, d_idx = _lap(sc, lp)
    n_hops = len(nodes) - 1

    def hop_kwh(i: int) -> float:  # hop from lap index i to i+1
        return (cum[i + 1] - cum[i]) * truck.kwh_per_km(i < d_idx, True)

    # energy: one full lap starting just after the first point
    refill = [0.0] * len(pts)
    start, acc0 = pts[0]
    soc = truck.usable_kwh - acc0 * truck.kwh_per_km(start < d_idx, True)
    order = pts[1:] + [pts[0]]
    i = start
    for k, (idx, acc) in enumerate(order):
        target = idx if k < len(order) - 1 else idx + n_hops
        while i < target:
            soc -= hop_kwh(i % n_hops)
            i += 1
        soc -= acc * truck.kwh_per_km(idx < d_idx, True)
        if soc < -TOL:
            problems.append(f"lane {lp.id}: battery below zero ({soc:.1f} kWh) at point {k}")
        refill[(k + 1) % len(pts)] = truck.usable_kwh - soc
        soc = truck.usable_kwh - acc * truck.kwh_per_km(idx < d_idx, True)
    # time: departure from the origin at 0
    g = sc.general
    arrive = []
    t = 0.0
    pos = 0
    for k, (idx, acc) in enumerate(pts):
        while pos < idx:
            if pos == d_idx:
                t += g.handling_h_per_trip / 2  # unloading at the destination
            t += (cum[pos + 1] - cum[pos]) / g.speed_kmh
            pos += 1
        t += acc / g.speed_kmh
        arrive.append(t)
        stop = (truck.swap_min / 60 if truck.powertrain == "bev_swap"
                else refill[k] / min(truck.charge_kw, sc.stations.charger_kw))  # fmt: skip
        t += stop + acc / g.speed_kmh
    return list(zip(arrive, refill, strict=True))


def _hourly(
    sc: Scenario, plan: TruckPlan, problems: list[str]
) -> tuple[dict[str, list[float]], dict[str, list[tuple[int, float, float]]]]:
    """Busy minutes per station and hour, and (hour, swaps, kWh) events per swap station."""
    trucks = {t.id: t for t in sc.trucks}
    share = sc.general.dispatch_share()
    busy: dict[str, list[float]] = defaultdict(lambda: [0.0] * 24)
    swaps: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for lp in plan.lanes:
        truck = trucks.get(lp.truck_type)
        if truck is None:
            problems.append(f"lane {lp.id}: unknown truck type {lp.truck_type}")
            continue
        if lp.electrified != truck.electric:
            problems.append(f"lane {lp.id}: electrified={lp.electrified} with {truck.id}")
        if not truck.electric:
            continue
        ride = _ride(sc, lp, truck, problems)
        for ep, (off, kwh) in zip(lp.energy_points, ride, strict=False):
            for h in range(24):
                n = lp.trips_day * share[h]
                if n <= 0:
                    continue
                arr = math.floor(h + 0.5 + off + 1e-9) % 24
                if truck.powertrain == "bev_swap":
                    busy[ep.station][arr] += n * truck.swap_min
                    swaps[ep.station].append((arr, n, kwh))
                else:
                    minutes = kwh / min(truck.charge_kw, sc.stations.charger_kw) * 60
                    t0 = float(arr)
                    left = minutes
                    while left > 1e-9:
                        hh = math.floor(t0 + 1e-9)
                        take = min(left, (hh + 1 - t0) * 60)
                        busy[ep.station][hh % 24] += n * take
                        left -= take
                        t0 += take / 60
    return busy, swaps


def _battery_stock(sc: Scenario, batteries: int, events: list[tuple[int, float, float]]) -> float:
    """Lowest charged stock over three simulated days (a swapped-in battery is unavailable
    in its hour and until its recharge completes)."""
    out_h = [0.0] * 24
    back: dict[tuple[int, int], float] = defaultdict(float)
    for h, n, kwh in events:
        out_h[h] += n
        back[(h, math.ceil(kwh / sc.stations.battery_charger_kw - 1e-9))] += n
    ready = [0.0] * (24 * 4 + 30)
    stock = float(batteries)
    low = math.inf
    for t in range(24 * 3):
        stock += ready[t]
        stock -= out_h[t % 24]
        if t >= 24:
            low = min(low, stock)
        for (h, c), n in back.items():
            if h == t % 24:
                ready[t + c + 1] += n
    return low


def check_plan(sc: Scenario, plan: TruckPlan) -> list[str]:
    """Every problem found (empty list = the plan is feasible)."""
    problems: list[str] = []
    ids = [lp.id for lp in plan.lanes]
    if sorted(ids) != sorted(lane.id for lane in sc.lanes):
        problems.append("the plan's lanes are not the scenario's lanes, once each")
    busy, swaps = _hourly(sc, plan, problems)
    stations = {s.id: s for s in plan.stations}
    trucks = {t.id: t for t in sc.trucks}
    for sid, minutes in busy.items():
        st = stations.get(sid)
        if st is None:
            problems.append(f"station {sid} is used but not built")
            continue
        units = st.bays if st.kind == "swap" else st.chargers
        h = max(range(24), key=lambda k: minutes[k])
        if minutes[h] > units * 60 + 1e-6:
            problems.append(
                f"station {sid}: {minutes[h]:.1f} busy minutes at {h}:00 > {units} x 60"
            )
        if st.kind == "swap":
            low = _battery_stock(sc, st.batteries, swaps[sid])
            if low < -1e-6:
                problems.append(
                    f"station {sid}: battery stock runs out ({low:.2f}) with {st.batteries}"
                )
    g = sc.general
    for lp in plan.lanes:
        t = trucks.get(lp.truck_type)
        if t is None:
            continue
        lane = next(x for x in sc.lanes if x.id == lp.id)
        if abs(lp.trips_day - lane.design_tonnes_day / t.payload_t) > 1e-6:
            problems.append(f"lane {lp.id}: trips_day does not carry the design day's tonnes")
        ride = _ride(sc, lp, t, []) if t.electric else []
        stop = sum(
            (
                t.swap_min / 60
                if t.powertrain == "bev_swap"
                else e / min(t.charge_kw, sc.stations.charger_kw)
            )
            for _, e in ride
        )
        access = sum(2 * ep.access_km for ep in lp.energy_points)
        cycle = (2 * lane.distance_km + access) / g.speed_kmh + g.handling_h_per_trip + stop
        if lp.trucks * g.truck_hours_per_day < lp.trips_day * cycle - 1e-6:
            problems.append(
                f"lane {lp.id}: {lp.trucks} trucks cannot drive "
                f"{lp.trips_day:.2f} trips of {cycle:.2f} h"
            )
    total = sum(lane.tonnes_year * lane.distance_km for lane in sc.lanes) or 1.0
    share = sum(lp.tonnes_year * lp.distance_km for lp in plan.lanes if lp.electrified) / total
    if share < sc.target_tkm_share - 1e-6:
        problems.append(f"electrified t-km share {share:.4f} < target {sc.target_tkm_share}")
    by_id = {lp.id: lp for lp in plan.lanes}
    for lid, tt in sc.kept_lanes:
        now = by_id.get(lid)
        if now is not None and now.truck_type != tt and _has_type(sc, lid, tt):
            problems.append(f"lane {lid}: electrified with {tt} earlier, now {now.truck_type}")
    _check_growth_and_budget(sc, plan, problems)
    return problems


def _check_growth_and_budget(sc: Scenario, plan: TruckPlan, problems: list[str]) -> None:
    stations = {s.id: s for s in plan.stations}
    uc = UnitCosts.of(sc)
    new_capex = 0.0
    existing = {f"{e.site}:{e.kind}": e for e in sc.existing}
    for sid, e in existing.items():
        st = stations.get(sid)
        if st is None or st.bays < e.bays or st.chargers < e.chargers or st.batteries < e.batteries:
            problems.append(f"station {sid} was built earlier and may not close or shrink")
    for st in plan.stations:
        old = existing.get(st.id)
        if st.kind == "swap":
            new_capex += 0 if old else sc.stations.swap_site_cny
            new_capex += (st.bays - (old.bays if old else 0)) * sc.stations.swap_bay_cny
            new_capex += (st.batteries - (old.batteries if old else 0)) * uc.battery_capex
        else:
            new_capex += 0 if old else sc.stations.charge_site_cny
            new_capex += (st.chargers - (old.chargers if old else 0)) * sc.stations.charger_cny
    if sc.budget_cny is not None and new_capex > sc.budget_cny + 1e-3:
        problems.append(f"new station capex {new_capex:,.0f} > budget_cny {sc.budget_cny:,.0f}")


def _has_type(sc: Scenario, lane_id: str, truck_type: str) -> bool:
    """Whether the lane has a feasible station set for ``truck_type`` (else it may change)."""
    from freight.trucks.options import cycle_points, feasible_sets

    lane = next(x for x in sc.lanes if x.id == lane_id)
    truck = sc.truck(truck_type)
    if not truck.electric:
        return True
    return bool(feasible_sets(lane, truck, cycle_points(lane, sc.detours())))
