"""Bounds for the exact E-VRPTW method: arc lower bounds, the Held-Karp completion bound,
forced precedences and a proven lower bound on the number of vehicles.

Every bound here is valid for every feasible plan (battery, time windows and capacity are
relaxed, never tightened), so pruning with them keeps the exact method exact; the tests
check each against brute force on small cases.
"""

from __future__ import annotations

import time

import numpy as np

from freight.errors import InputError, SolverError
from freight.vrp.evrptw_legs import Leg
from freight.vrp.instances import EvrptwInstance

__all__ = [
    "CompletionBound",
    "ExactTimeout",
    "arc_bounds",
    "must_precede",
    "one_route_serves_all",
    "vehicle_lower_bound",
]

_EPS = 1e-9


class ExactTimeout(SolverError):
    """The exact method did not finish within its time limit."""


def arc_bounds(inst: EvrptwInstance, legs: list[list[list[Leg]]]) -> tuple[np.ndarray, np.ndarray]:
    """Lower bounds on distance and time of going ``i -> j`` (customers/depot), inf if never.

    The distance is the shortest leg (direct or through stations); the arc is dropped when
    even the earliest possible departure from ``i`` plus the fastest leg misses ``j``'s due
    time. Station chains only add distance (triangle inequality), so sums of these arcs
    bound any route from below.
    """
    n = len(inst.ids)
    dist = np.full((n, n), np.inf)
    tmin = np.full((n, n), np.inf)
    for i in range(n):
        for j in range(n):
            if legs[i][j]:
                dist[i, j] = min(leg.distance for leg in legs[i][j])
                tmin[i, j] = min(leg.fixed_time for leg in legs[i][j])
    for i in inst.customers:
        earliest = max(inst.ready[i], inst.ready[0] + tmin[0, i]) + inst.service[i]
        for j in range(n):
            if np.isfinite(tmin[i, j]) and earliest + tmin[i, j] > inst.due[j] + _EPS:
                dist[i, j] = np.inf
    return dist, tmin


class CompletionBound:
    """Lower bound on the distance still to drive once a partial route reaches ``i``.

    With customer set ``R`` not yet visited and ``k_routes`` routes in total, the rest of
    the solution is a path from ``i`` through some of ``R`` to the depot plus
    ``k_routes - 1`` non-empty depot round trips covering the others. The bound is the
    shortest such structure over the cheapest arcs (``arc_bounds``), ignoring battery and
    time except for two valid cuts: arcs no time window allows are absent, and on the last
    route no customer may follow one it must precede (``must_precede``). A Held-Karp DP
    over customer subsets computes it exactly for every ``(R, i)`` at once
    (``2^m x (m+1)`` table, m <= ``MAX_CUSTOMERS``); being a shortest path, not a sum of
    cheapest arcs, it is far tighter than arc or spanning-tree bounds (rc204C15 root:
    314 against 229, optimum 385).
    """

    MAX_CUSTOMERS = 18

    def __init__(self, inst: EvrptwInstance, legs: list[list[list[Leg]]], k_routes: int) -> None:
        m = len(inst.customers)
        if m > self.MAX_CUSTOMERS:
            raise InputError(f"completion bound tabulates 2^{m} subsets; at most 2^18")
        if k_routes < 1:
            raise InputError(f"completion bound needs at least one route, got {k_routes}")
        dist, _ = arc_bounds(inst, legs)
        nodes = [0, *inst.customers]
        a = dist[np.ix_(nodes, nodes)].copy()
        np.fill_diagonal(a, np.inf)
        self.k, self.m = k_routes, m
        self.local = {c: k + 1 for k, c in enumerate(inst.customers)}
        self._table = _path_table(a, k_routes, must_precede(inst))
        self._full = (1 << m) - 1

    def __call__(self, mask: int, i: int) -> float:
        """Bound after visiting customer set ``mask`` (bitmask) with the route now at ``i``."""
        return float(self._table.item(self._full ^ mask, self.local[i]))

    def root(self) -> float:
        """Bound on the whole solution (nothing visited yet, at the depot); inf if none."""
        return float(self._table.item(self._full, 0))


def must_precede(inst: EvrptwInstance) -> list[int]:
    """Per local node (0 = depot, k + 1 = k-th customer): customers that must come earlier.

    Customer ``j`` cannot follow ``i`` on any route when leaving ``i`` as early as possible
    and driving straight to ``j`` (a lower bound on any way there: triangle inequality)
    misses ``j``'s due time; on a route holding both, ``j`` then comes before ``i``.
    """
    cust = inst.customers
    d = inst.distance_matrix()
    v = inst.velocity
    before = [0] * (len(cust) + 1)
    for x, i in enumerate(cust):
        leave = max(inst.ready[i], inst.ready[0] + d[0, i] / v) + inst.service[i]
        for y, j in enumerate(cust):
            if i != j and leave + d[i, j] / v > inst.due[j] + _EPS:
                before[x + 1] |= 1 << y
    return before


def _path_table(a: np.ndarray, k_routes: int, before: list[int]) -> np.ndarray:
    """``H[R, i]``: shortest path from local node ``i`` through customer set ``R`` to the depot
    followed by ``k_routes - 1`` non-empty depot round trips covering the rest of ``R``.

    Held-Karp by subset size; one layer per number of routes left (layer 1 = the last
    route, the only one where ``before`` applies: all of ``R`` follows ``i`` on it).
    ``a`` is over local nodes (0 = depot), diagonal inf.
    """
    n = a.shape[0]
    m = n - 1
    size = 1 << m
    count = np.zeros(size, dtype=np.int64)
    for b in range(m):
        count[1 << b : 2 << b] = count[: 1 << b] + 1
    by_size = [np.flatnonzero(count == p) for p in range(m + 1)]
    # per subset size p and customer b: positions (in by_size[p]) of sets holding b
    holding = [[np.flatnonzero(s >> b & 1) for b in range(m)] for s in by_size]
    late = np.array(before, dtype=np.int64)
    prev: np.ndarray | None = None
    table = np.full((size, n), np.inf)
    for layer in range(1, k_routes + 1):
        table = np.full((size, n), np.inf)
        if layer == 1:
            table[0] = a[:, 0]
        for p in range(1, m + 1):
            sets = by_size[p]
            best = np.full((len(sets), n), np.inf)
            start = np.full(len(sets), np.inf)  # cheapest next round trip covering the set
            for b in range(m):
                pos = holding[p][b]
                rest = sets[pos] ^ (1 << b)
                via = a[:, b + 1][None, :] + table[rest, b + 1][:, None]
                best[pos] = np.minimum(best[pos], via)
                if prev is not None:
                    start[pos] = np.minimum(start[pos], a[0, b + 1] + prev[rest, b + 1])
            if prev is not None:
                best = np.minimum(best, a[:, 0][None, :] + start[:, None])
            else:
                best[(sets[:, None] & late[None, :]) != 0] = np.inf
            table[sets] = best
        prev = table
    return table


def _max_clique(adj: list[int]) -> int:
    """Size of a maximum clique of a small graph given as neighbour bitmasks."""
    best = 0

    def expand(size: int, cand: int) -> None:
        nonlocal best
        if cand == 0:
            best = max(best, size)
            return
        while cand:
            if size + cand.bit_count() <= best:
                return
            v = cand.bit_length() - 1
            cand &= ~(1 << v)
            expand(size + 1, cand & adj[v])

    expand(0, (1 << len(adj)) - 1)
    return best


def one_route_serves_all(
    inst: EvrptwInstance, legs: list[list[list[Leg]]], deadline: float | None
) -> bool:
    """Whether a single route can serve every customer (exhaustive label search).

    Labels (departure time, energy) per (visited set, last customer), Pareto-pruned; a
    label dies as soon as some unvisited customer can no longer be reached by its due time
    even driving straight there (travel times obey the triangle inequality).
    """
    cust = inst.customers
    if sum(inst.demand[c] for c in cust) > inst.capacity + _EPS:
        return False
    d = inst.distance_matrix()
    q, g, v = inst.battery, inst.recharge_rate, inst.velocity
    bit = {c: 1 << k for k, c in enumerate(cust)}
    full = (1 << len(cust)) - 1
    due = inst.due

    def alive(mask: int, i: int, t: float) -> bool:
        return all(mask & bit[c] or t + d[i, c] / v <= due[c] + _EPS for c in cust)

    level: dict[tuple[int, int], list[tuple[float, float]]] = {(0, 0): [(inst.ready[0], q)]}
    while level:
        if deadline is not None and time.perf_counter() > deadline:
            raise ExactTimeout(f"{inst.name}: vehicle lower bound exceeded the time limit")
        nxt: dict[tuple[int, int], list[tuple[float, float]]] = {}
        for (mask, i), labs in level.items():
            for t0, e0 in labs:
                targets = [0] if mask == full else [c for c in cust if not mask & bit[c]]
                for j in targets:
                    for leg in legs[i][j]:
                        if e0 + _EPS < leg.need_e:
                            continue
                        if leg.stations:
                            arr, e_arr = t0 + leg.fixed_time + g * (q - e0), leg.e_at_j
                        else:
                            arr, e_arr = t0 + leg.fixed_time, e0 - leg.need_e
                        if arr > due[j] + _EPS:
                            continue
                        if j == 0:
                            return True
                        t_j = max(arr, inst.ready[j]) + inst.service[j]
                        m2 = mask | bit[j]
                        if not alive(m2, j, t_j):
                            continue
                        labs2 = nxt.setdefault((m2, j), [])
                        if any(o[0] <= t_j + _EPS and o[1] >= e_arr - _EPS for o in labs2):
                            continue
                        labs2[:] = [o for o in labs2 if not (t_j <= o[0] and e_arr >= o[1])]
                        labs2.append((t_j, e_arr))
        level = nxt
    return False


def vehicle_lower_bound(
    inst: EvrptwInstance,
    legs: list[list[list[Leg]]],
    target: int,
    deadline: float | None = None,
    exhaustive: bool = True,
) -> int:
    """A proven lower bound on the number of vehicles (stops early once it reaches ``target``).

    Capacity (total demand / capacity), then a maximum clique of pairwise incompatible
    customers (neither order fits time windows, battery via stations, or capacity), then,
    if the bound is still 1 and ``target`` is 2, an exhaustive single-route search.
    """
    cust = inst.customers
    total = sum(inst.demand[c] for c in cust)
    lb = max(1, int(np.ceil(total / inst.capacity - 1e-9)))
    if lb >= target:
        return lb
    dist, _ = arc_bounds(inst, legs)
    adj = [0] * len(cust)
    for a, ca in enumerate(cust):
        for b, cb in enumerate(cust):
            if a == b:
                continue
            too_heavy = inst.demand[ca] + inst.demand[cb] > inst.capacity + _EPS
            if too_heavy or (np.isinf(dist[ca, cb]) and np.isinf(dist[cb, ca])):
                adj[a] |= 1 << b
    lb = max(lb, _max_clique(adj))
    if exhaustive and lb == 1 and target == 2 and not one_route_serves_all(inst, legs, deadline):
        lb = 2
    return lb
