"""Tiny hand-checkable fleet problems and an independent brute-force optimum."""

from __future__ import annotations

import itertools
import math
from typing import Any

from freight.fleet.problem import FleetProblem
from freight.fleet.problem_json import parse_problem


def line_problem(
    xs_km: list[float],
    *,
    vehicles: list[dict[str, Any]] | None = None,
    sites_km: list[float] | None = None,
    windows: list[tuple[str, str]] | None = None,
    demand_kg: list[float] | None = None,
    refrigerated: list[bool] | None = None,
    speed_kmh: float = 60.0,
    site_power_kw: float = 60.0,
    site_count: int = 1,
) -> FleetProblem:
    """Depot at km 0 and stops/charging sites on a line; travel km = |a - b|, 1 km/min.

    A line makes every distance checkable by hand. ``speed_kmh=60`` means minutes = km.
    """
    sites_km = sites_km or []
    ids = ["d"] + [f"c{k}" for k in range(len(sites_km))] + [f"s{k}" for k in range(len(xs_km))]
    pos = [0.0] + list(sites_km) + list(xs_km)
    km = [[abs(a - b) for b in pos] for a in pos]
    minutes = [[d / speed_kmh * 60.0 for d in row] for row in km]
    n = len(xs_km)
    windows = windows or [("00:00", "24:00")] * n
    demand_kg = demand_kg or [100.0] * n
    refrigerated = refrigerated or [False] * n
    vehicles = vehicles or [
        {
            "id": "ev",
            "count": 2,
            "capacity_kg": 1000,
            "capacity_m3": 10,
            "battery_kwh": 50,
            "min_soc_kwh": 5,
            "kwh_per_km": 0.3,
            "kwh_per_km_per_tonne": 0.1,
            "fixed_cost_cny": 100,
            "cost_per_km_cny": 1.0,
        }
    ]
    data = {
        "depots": [{"id": "d", "lat": 44.4, "lon": 84.9, "open": "06:00", "close": "22:00"}],
        "charging_sites": [
            {
                "id": f"c{k}",
                "lat": 44.4,
                "lon": 84.9,
                "power_kw": site_power_kw,
                "count": site_count,
            }
            for k in range(len(sites_km))
        ],
        "vehicle_types": [{"depot": "d", **v} for v in vehicles],
        "stops": [
            {
                "id": f"s{k}",
                "lat": 44.4,
                "lon": 84.9,
                "demand_kg": demand_kg[k],
                "demand_m3": 0.5,
                "service_min": 10,
                "window": list(windows[k]),
                "refrigerated": refrigerated[k],
            }
            for k in range(n)
        ],
        "matrix": {"ids": ids, "km": km, "minutes": minutes},
    }
    return parse_problem(data)


def simulate_plain(p: FleetProblem, type_id: str, order: tuple[int, ...]) -> float | None:
    """Cost of serving ``order`` on one vehicle with no charging, or None if infeasible.

    Written from the contract's text, independently of freight.fleet.charging.
    """
    vt = p.vehicle_type(type_id)
    stops = [p.stops[i] for i in order]
    if sum(s.demand_kg for s in stops) > vt.capacity_kg:
        return None
    if sum(s.demand_m3 for s in stops) > vt.capacity_m3:
        return None
    if any(s.refrigerated and not vt.refrigerated for s in stops):
        return None
    dep = p.depot(vt.depot)
    t = max(vt.shift_start_min, dep.open_min)
    soc = vt.battery_kwh if vt.battery_kwh is not None else math.inf
    load = sum(s.demand_kg for s in stops)
    here = p.index_of(vt.depot)
    km = 0.0
    for s in stops:
        j = p.index_of(s.id)
        d = p.km(here, j)
        km += d
        soc -= d * (vt.kwh_per_km + vt.kwh_per_km_per_tonne * load / 1000)
        if soc < vt.min_soc_kwh - 1e-9:
            return None
        t = max(t + p.minutes(here, j), s.window_open_min)
        if t > s.window_close_min + 1e-9:
            return None
        t += s.service_min
        load -= s.demand_kg
        here = j
    d = p.km(here, p.index_of(vt.depot))
    km += d
    soc -= d * vt.kwh_per_km
    if soc < vt.min_soc_kwh - 1e-9:
        return None
    if t + p.minutes(here, p.index_of(vt.depot)) > min(vt.shift_end_min, dep.close_min) + 1e-9:
        return None
    return vt.fixed_cost_cny + vt.cost_per_km_cny * km


def brute_force(p: FleetProblem) -> tuple[int, float]:
    """(max stops served, min cost) over every assignment and order, without charging."""
    n = len(p.stops)
    best_route: dict[tuple[str, int], float] = {}
    for vt in p.vehicle_types:
        for mask in range(1, 1 << n):
            members = [i for i in range(n) if mask >> i & 1]
            costs = [
                c
                for order in itertools.permutations(members)
                if (c := simulate_plain(p, vt.id, order)) is not None
            ]
            if costs:
                best_route[(vt.id, mask)] = min(costs)
    # one vehicle at a time; state = served mask -> min cost
    state: dict[int, float] = {0: 0.0}
    for vt in p.vehicle_types:
        for _ in range(vt.count):
            nxt = dict(state)
            for mask, cost in state.items():
                for (tid, sub), c in best_route.items():
                    if tid == vt.id and not (sub & mask):
                        m2 = mask | sub
                        if cost + c < nxt.get(m2, math.inf):
                            nxt[m2] = cost + c
            state = nxt
    served = max(bin(m).count("1") for m in state)
    return served, min(c for m, c in state.items() if bin(m).count("1") == served)
