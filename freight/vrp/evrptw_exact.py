"""Exact E-VRPTW for small instances: route enumeration by label setting + set partitioning.

1. **Label setting.** Every elementary route is grown customer by customer from the depot.
   Between two consecutive customers (or a customer and the depot) the vehicle drives
   directly or through a chain of one or two recharging stations (full recharge, time
   ``g * missing energy``). Labels at the same (customer set, last customer) are pruned by
   dominance: shorter, earlier *and* with more battery left wins. The dominance is exact
   under full recharge: arriving earlier with more energy means leaving any later station
   earlier with the same full battery. For each customer set the shortest feasible route
   is kept.
2. **Set partitioning** over those routes by an exact DP over customer subsets: each
   customer exactly once, minimise vehicles first, then distance (Schneider et al.'s hierarchy).

Both steps are exhaustive, so the result is optimal (``optimal=True``) when it finishes
within the time limit; otherwise ``ExactTimeout`` is raised and callers fall back to the
heuristic.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from freight.errors import InfeasibleError, SolverError
from freight.vrp.checker import check_solution
from freight.vrp.instances import EvrptwInstance
from freight.vrp.result import BestKnown, VrpSolution

__all__ = ["ExactTimeout", "Leg", "build_legs", "enumerate_routes", "solve_evrptw_exact"]

_EPS = 1e-9


class ExactTimeout(SolverError):
    """The exact method did not finish within its time limit."""


@dataclass(frozen=True, slots=True)
class Leg:
    """One way to go from node ``i`` to node ``j``: directly or through station(s).

    ``need_e`` is the energy needed on leaving ``i``; for station chains the arrival
    energy at ``j`` is the constant ``e_at_j`` and the time is ``fixed_time`` plus
    ``g * (Q - e_dep_i)`` (the first recharge depends on how full the battery was).
    """

    stations: tuple[int, ...]
    distance: float
    need_e: float
    fixed_time: float
    e_at_j: float


def build_legs(inst: EvrptwInstance, d: np.ndarray, max_chain: int = 2) -> list[list[list[Leg]]]:
    """Non-dominated station chains (0..``max_chain`` stations) for every ordered node pair."""
    n = len(inst.ids)
    q, r, g, v = inst.battery, inst.consumption_rate, inst.recharge_rate, inst.velocity
    stations = inst.stations
    legs: list[list[list[Leg]]] = [[[] for _ in range(n)] for _ in range(n)]
    for i in range(n):
        if inst.node_type[i] == "f":
            continue
        for j in range(n):
            if j == i or inst.node_type[j] == "f":
                continue
            cand: list[Leg] = []
            if r * d[i, j] <= q + _EPS:
                cand.append(Leg((), d[i, j], r * d[i, j], d[i, j] / v, -1.0))
            chains: list[tuple[int, ...]] = [(s,) for s in stations]
            if max_chain >= 2:
                chains += [(s1, s2) for s1 in stations for s2 in stations if s1 != s2]
            for ch in chains:
                path = [i, *ch, j]
                if any(r * d[a, b] > q + _EPS for a, b in zip(path, path[1:], strict=False)):
                    continue
                dist = float(sum(d[a, b] for a, b in zip(path, path[1:], strict=False)))
                # time: travel + first charge's fixed part g*r*d(i,s1) + later full charges
                later = sum(g * r * d[a, b] for a, b in zip(ch, ch[1:], strict=False))
                fixed = dist / v + g * r * d[i, ch[0]] + later
                cand.append(Leg(ch, dist, r * d[i, ch[0]], fixed, q - r * d[ch[-1], j]))
            direct = [c for c in cand if not c.stations]
            chained = [c for c in cand if c.stations]
            keep = [
                a
                for a in chained
                if not any(
                    b is not a
                    and b.distance <= a.distance + _EPS
                    and b.fixed_time <= a.fixed_time + _EPS
                    and b.need_e <= a.need_e + _EPS
                    and b.e_at_j >= a.e_at_j - _EPS
                    and (b.distance, b.fixed_time, b.stations)
                    < (a.distance, a.fixed_time, a.stations)
                    for b in chained
                )
            ]
            legs[i][j] = direct + keep
    return legs


# A label: (distance, departure time, energy on departure, path of node indices)
_Label = tuple[float, float, float, tuple[int, ...]]


def enumerate_routes(
    inst: EvrptwInstance, deadline: float | None = None
) -> dict[int, tuple[float, tuple[int, ...]]]:
    """Shortest feasible route (distance, node path without depot) for every customer set.

    Customer sets are bitmasks over ``inst.customers`` (bit k = k-th customer).
    """
    d = inst.distance_matrix()
    q, g, v = inst.battery, inst.recharge_rate, inst.velocity
    legs = build_legs(inst, d)
    cust = inst.customers
    bit = {c: 1 << k for k, c in enumerate(cust)}
    due0 = inst.due[0]
    # cheapest way home from each customer ignoring recharge time (for pruning)
    home_time = {c: d[c, 0] / v for c in cust}
    best: dict[int, tuple[float, tuple[int, ...]]] = {}
    level: dict[tuple[int, int], list[_Label]] = {}

    def add(store: dict[tuple[int, int], list[_Label]], key: tuple[int, int], lab: _Label) -> None:
        labs = store.get(key)
        if labs is None:
            store[key] = [lab]
            return
        dist, t, e, _ = lab
        for o in labs:
            if o[0] <= dist + _EPS and o[1] <= t + _EPS and o[2] >= e - _EPS:
                return
        labs[:] = [o for o in labs if not (dist <= o[0] and t <= o[1] and e >= o[2])]
        labs.append(lab)

    r = inst.consumption_rate
    # energy needed at a customer to reach the depot or any station from it
    min_reach = {c: r * min(d[c, f] for f in (0, *inst.stations)) for c in cust}
    demand, ready, due, service, cap = (
        inst.demand,
        inst.ready,
        inst.due,
        inst.service,
        inst.capacity,
    )

    def grow(i: int, mask: int, load: float, lab: _Label, store: dict) -> None:
        dist0, t0, e0, path = lab
        charge0 = g * (q - e0)
        for j in cust:
            if mask & bit[j] or load + demand[j] > cap + _EPS:
                continue
            due_j = due[j] + _EPS
            for leg in legs[i][j]:
                if e0 + _EPS < leg.need_e:
                    continue
                if leg.stations:
                    arr = t0 + leg.fixed_time + charge0
                    e_arr = leg.e_at_j
                else:
                    arr = t0 + leg.fixed_time
                    e_arr = e0 - leg.need_e
                if arr > due_j or e_arr + _EPS < min_reach[j]:
                    continue
                t_j = max(arr, ready[j]) + service[j]
                if t_j + home_time[j] > due0 + _EPS:
                    continue
                add(
                    store,
                    (mask | bit[j], j),
                    (dist0 + leg.distance, t_j, e_arr, (*path, *leg.stations, j)),
                )

    start: _Label = (0.0, inst.ready[0], q, ())
    grow(0, 0, 0.0, start, level)
    loads = {0: 0.0}
    while level:
        if deadline is not None and time.perf_counter() > deadline:
            raise ExactTimeout(f"{inst.name}: route enumeration exceeded the time limit")
        nxt: dict[tuple[int, int], list[_Label]] = {}
        for (mask, i), labs in level.items():
            if deadline is not None and time.perf_counter() > deadline:
                raise ExactTimeout(f"{inst.name}: route enumeration exceeded the time limit")
            load = loads.get(mask)
            if load is None:
                load = sum(inst.demand[c] for c in cust if mask & bit[c])
                loads[mask] = load
            for lab in labs:
                dist0, t0, e0, path = lab
                for leg in legs[i][0]:
                    if e0 + _EPS < leg.need_e:
                        continue
                    arr = t0 + leg.fixed_time + (g * (q - e0) if leg.stations else 0.0)
                    if arr <= due0 + _EPS:
                        total = dist0 + leg.distance
                        if mask not in best or total < best[mask][0] - _EPS:
                            best[mask] = (total, (*path, *leg.stations))
                grow(i, mask, load, lab, nxt)
        level = nxt
    return best


#: Lexicographic weight of one vehicle in the partitioning DP (> any total distance here).
_VEHICLE_WEIGHT = 1e7


def _set_partition(
    cols: list[int], cost: list[float], n_rows: int, deadline: float
) -> list[int] | None:
    """Exact set partitioning by DP over customer subsets: min #columns, then min cost.

    ``f[S]`` is the best partition of subset ``S``; the column holding ``S``'s lowest
    customer is chosen last, so groups of columns are processed from the highest lowest-bit
    down and each group is one vectorised NumPy update over all disjoint remainders.
    Exact and deterministic; fine up to ~20 customers (2^n states).
    """
    size = 1 << n_rows
    f = np.full(size, np.inf)
    f[0] = 0.0
    choice = np.full(size, -1, dtype=np.int64)
    everything = np.arange(size, dtype=np.int64)
    groups: list[list[int]] = [[] for _ in range(n_rows)]
    for k, c in enumerate(cols):
        groups[(c & -c).bit_length() - 1].append(k)
    for low in range(n_rows - 1, -1, -1):
        if time.perf_counter() > deadline:
            return None
        # remainders: subsets of the customers above ``low``
        high = everything[(everything & ((1 << (low + 1)) - 1)) == 0]
        for k in groups[low]:
            c = cols[k]
            rest = high[(high & c) == 0]
            vals = f[rest] + (_VEHICLE_WEIGHT + cost[k])
            tgt = rest | c
            better = vals < f[tgt]
            f[tgt[better]] = vals[better]
            choice[tgt[better]] = k
    full = size - 1
    if not np.isfinite(f[full]):
        return None
    picked: list[int] = []
    s = full
    while s:
        k = int(choice[s])
        picked.append(k)
        s ^= cols[k]
    return picked


def solve_evrptw_exact(
    inst: EvrptwInstance, time_limit_s: float = 5.0, bks: BestKnown | None = None
) -> VrpSolution:
    """Optimal E-VRPTW solution (vehicles first, then distance) for small instances.

    Raises ``ExactTimeout`` if enumeration or set partitioning does not finish in time,
    ``InfeasibleError`` if some customer cannot be served by any route.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit_s
    routes = enumerate_routes(inst, deadline)
    cust = inst.customers
    covered = 0
    for mask in routes:
        covered |= mask
    missing = [inst.ids[c] for k, c in enumerate(cust) if not covered >> k & 1]
    if missing:
        raise InfeasibleError(
            f"{inst.name}: no feasible route serves {', '.join(missing)}",
            binding=["battery", "time windows"],
        )
    masks = list(routes)
    picked = _set_partition(
        masks,
        [routes[m][0] for m in masks],
        len(cust),
        deadline,
    )
    if picked is None:
        raise ExactTimeout(f"{inst.name}: set partitioning not proven optimal in time")
    chosen = [routes[masks[k]][1] for k in picked]
    id_routes = tuple(tuple(inst.ids[i] for i in path) for path in chosen)
    rep = check_solution(inst, id_routes)
    return VrpSolution(
        instance=inst.name,
        kind=inst.kind,
        method="exact-labelling+setpartition-dp",
        distance=rep.distance,
        vehicles=rep.vehicles,
        routes=id_routes,
        wall_s=time.perf_counter() - t0,
        feasible=rep.feasible,
        optimal=rep.feasible,
        bks=bks,
    )
