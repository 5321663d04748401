"""Exact E-VRPTW for small instances: route enumeration by label setting + set partitioning.

1. **Label setting.** Every elementary route is grown customer by customer from the depot.
   Between two consecutive customers (or a customer and the depot) the vehicle drives
   directly or through a chain of one or two recharging stations (full recharge, time
   ``g * missing energy``). Labels at the same (customer set, last customer) are pruned by
   dominance: shorter, earlier *and* with more battery left wins. The dominance is exact
   under full recharge: arriving earlier with more energy means leaving any later station
   earlier with the same full battery. For each customer set the shortest feasible route
   is kept.
2. **Bounding** (wide time windows make plain enumeration explode): once the number of
   vehicles ``K`` of an upper bound ``(K, D)`` is proven minimal (``vehicle_lower_bound``),
   partial routes whose distance plus ``CompletionBound`` exceeds ``D`` are dropped. Every
   route of every plan at least as good as ``D`` survives, so step 3 stays exact.
   ``CompletionBound`` is a Held-Karp shortest-path relaxation over the remaining
   customers (battery ignored, time windows as forbidden arcs and forced precedences).
   ``D`` comes from a beam search over the same labels guided by that bound (one route,
   or several once one route is ruled out) or a short heuristic run tightened by a beam
   search.
3. **Set partitioning** over those routes by an exact DP over customer subsets: each
   customer exactly once, minimise vehicles first, then distance (Schneider et al.'s hierarchy).

All steps are exhaustive (or proven bounds), so the result is optimal (``optimal=True``)
when it finishes within the time limit; otherwise the incumbent is returned with
``optimal=False``, or, without one, ``ExactTimeout`` is raised and callers fall back to
the heuristic.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from freight.errors import InfeasibleError, InputError, SolverError
from freight.vrp.checker import check_solution
from freight.vrp.evrptw_legs import Leg, build_legs
from freight.vrp.instances import EvrptwInstance
from freight.vrp.result import BestKnown, VrpSolution

#: A short heuristic run ``(instance, time limit s, seed) -> solution`` that gives the
#: exact method an upper bound; it raises ``InfeasibleError`` when it finds no plan.
UpperBoundSolver = Callable[[EvrptwInstance, float, int], VrpSolution]

__all__ = [
    "CompletionBound",
    "ExactTimeout",
    "UpperBoundSolver",
    "arc_bounds",
    "enumerate_routes",
    "must_precede",
    "solve_evrptw_exact",
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


def _one_route_serves_all(
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
    if exhaustive and lb == 1 and target == 2 and not _one_route_serves_all(inst, legs, deadline):
        lb = 2
    return lb


# A path as linked segments (parent, nodes added: stations then the customer); None = depot
_Path = tuple["_Path", tuple[int, ...]] | None
# A label: (distance, departure time, energy on departure, path)
_Label = tuple[float, float, float, _Path]


def enumerate_routes(
    inst: EvrptwInstance,
    deadline: float | None = None,
    bound: tuple[int, float] | None = None,
    legs: list[list[list[Leg]]] | None = None,
    beam: int | None = None,
    completion: CompletionBound | None = None,
) -> dict[int, tuple[float, tuple[int, ...]]]:
    """Shortest feasible route (distance, node path without depot) for every customer set.

    Customer sets are bitmasks over ``inst.customers`` (bit k = k-th customer). With
    ``bound = (k_routes, ub_distance)`` only routes that can be part of a solution with
    exactly ``k_routes`` routes and total distance <= ``ub_distance`` are kept: a partial
    route is dropped when its distance plus ``CompletionBound`` exceeds ``ub_distance``
    (valid only once ``k_routes`` is proven to be the minimum number of vehicles).
    ``beam`` (heuristic, needs ``bound``) keeps only that many labels per level, those
    with the smallest distance plus completion bound: a quick upper bound, not exact.
    """
    d = inst.distance_matrix()
    q, g, v = inst.battery, inst.recharge_rate, inst.velocity
    if legs is None:
        legs = build_legs(inst, d)
    cb = completion
    if bound is not None and (cb is None or cb.k != bound[0]):
        cb = CompletionBound(inst, legs, bound[0])
    if bound is None:
        cb = None
    ub = float("inf") if bound is None else bound[1] + 1e-6
    # one route serves everyone: every unvisited customer must stay reachable in time
    one_route = bound is not None and bound[0] == 1
    everyone = (1 << len(inst.customers)) - 1
    cust = inst.customers
    bit = {c: 1 << k for k, c in enumerate(cust)}
    due0 = inst.due[0]
    best: dict[int, tuple[float, tuple[int, ...]]] = {}
    level: dict[tuple[int, int], list[_Label]] = {}
    r = inst.consumption_rate
    demand, ready, due, service, cap = (
        inst.demand,
        inst.ready,
        inst.due,
        inst.service,
        inst.capacity,
    )
    # per node: candidate successors (customer, bit, legs as plain tuples, shortest leg,
    # fastest leg, energy needed at the customer to reach the depot or any station from
    # it, latest departure that still gets home by the depot's due time)
    succ = {
        i: [
            (j, bit[j],
             [(lg.distance, lg.need_e, lg.fixed_time, lg.e_at_j, bool(lg.stations),
               (*lg.stations, j)) for lg in legs[i][j]],
             min(lg.distance for lg in legs[i][j]), min(lg.fixed_time for lg in legs[i][j]),
             float(r * min(d[j, f] for f in (0, *inst.stations))),
             float(due0 + _EPS - d[j, 0] / v))
            for j in cust
            if legs[i][j]
        ]
        for i in (0, *cust)
    }  # fmt: skip
    # per customer: (due[c] - travel time from j, bit of c), ascending: the first c not yet
    # visited gives the latest departure from j that still reaches every customer in time
    deadlines = {
        j: sorted((float(due[c] - d[j, c] / v + _EPS), bit[c]) for c in cust if c != j)
        for j in cust
    }

    def latest(mask: int, j: int) -> float:
        for late, b in deadlines[j]:
            if not mask & b:
                return late
        return np.inf

    def grow(
        i: int,
        mask: int,
        load: float,
        labs: list[_Label],
        store: dict[tuple[int, int], list[_Label]],
    ) -> None:
        """Extend every label of state (``mask``, ``i``) by one customer."""
        t_min = min(lab[1] for lab in labs)
        d_min = min(lab[0] for lab in labs)
        for j, bj, legs_ij, short, fast, reach_j, home_j in succ[i]:
            if mask & bj or load + demand[j] > cap + _EPS:
                continue
            due_j = due[j] + _EPS
            if t_min + fast > due_j:
                continue
            m2 = mask | bj
            lim = ub
            if cb is not None:
                lim = ub - cb(m2, j)
                if d_min + short > lim:
                    continue
            # latest departure from j: every unvisited customer still reachable (one
            # route) and home in time; as a latest arrival at j: ``arr_cap``
            t_cap = min(latest(m2, j), home_j) if one_route else home_j
            ready_j, service_j = ready[j], service[j]
            if ready_j + service_j > t_cap:
                continue
            arr_cap = min(due_j, t_cap - service_j)
            key = (m2, j)
            labs_j = store.get(key)
            for dist0, t0, e0, path in labs:
                if dist0 + short > lim or t0 + fast > arr_cap:
                    continue
                charge0 = g * (q - e0)
                for dist_leg, need, fixed, e_at, chain, seg in legs_ij:
                    if e0 + _EPS < need:
                        continue
                    if chain:
                        arr = t0 + fixed + charge0
                        e_arr = e_at
                    else:
                        arr = t0 + fixed
                        e_arr = e0 - need
                    if arr > arr_cap or e_arr + _EPS < reach_j:
                        continue
                    t_j = (arr if arr > ready_j else ready_j) + service_j
                    new_dist = dist0 + dist_leg
                    if new_dist > lim:
                        continue
                    # keep the label unless one at the same state is as short, as early
                    # and as charged; drop those it beats
                    lab = (new_dist, t_j, e_arr, (path, seg))
                    if labs_j is None:
                        labs_j = store[key] = [lab]
                        continue
                    for o in labs_j:
                        if o[0] <= new_dist + _EPS and o[1] <= t_j + _EPS and o[2] >= e_arr - _EPS:
                            break
                    else:
                        labs_j[:] = [
                            o
                            for o in labs_j
                            if not (new_dist <= o[0] and t_j <= o[1] and e_arr >= o[2])
                        ]
                        labs_j.append(lab)

    start: _Label = (0.0, inst.ready[0], q, None)
    grow(0, 0, 0.0, [start], level)
    loads = {0: 0.0}
    # per customer: the legs back to the depot
    home = {
        i: [(lg.distance, lg.need_e, lg.fixed_time, bool(lg.stations), lg.stations)
            for lg in legs[i][0]]
        for i in cust
    }  # fmt: skip
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
            if not one_route or mask == everyone:
                for dist0, t0, e0, path in labs:
                    for dist_leg, need, fixed, chain, stations in home[i]:
                        if e0 + _EPS < need:
                            continue
                        arr = t0 + fixed + (g * (q - e0) if chain else 0.0)
                        if arr <= due0 + _EPS:
                            total = dist0 + dist_leg
                            if mask not in best or total < best[mask][0] - _EPS:
                                best[mask] = (total, (*_unroll(path), *stations))
            grow(i, mask, load, labs, nxt)
        if beam is not None and cb is not None:
            ranked = sorted(
                ((lab[0] + cb(key[0], key[1]), n, key, lab) for n, (key, labs) in
                 enumerate(nxt.items()) for lab in labs),
                key=lambda x: (x[0], x[1]),
            )[:beam]  # fmt: skip
            nxt = {}
            for _, _, key, lab in ranked:
                nxt.setdefault(key, []).append(lab)
        level = nxt
    return best


def _unroll(path: _Path) -> tuple[int, ...]:
    """The node sequence of a label's path (stored as linked segments to grow in O(1))."""
    segs: list[tuple[int, ...]] = []
    while path is not None:
        path, seg = path
        segs.append(seg)
    return tuple(x for seg in reversed(segs) for x in seg)


#: Labels kept per level by the beam search that tightens a one-route upper bound.
_BEAM = 50
#: Labels kept per level by the beam search that tightens a several-route upper bound.
_BEAM_MANY = 400
#: Share of the time limit given to plain (unbounded) enumeration before bounding.
_QUICK_SHARE = 0.1

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


def _upper_bound(
    inst: EvrptwInstance, time_s: float, seed: int, heuristic: UpperBoundSolver | None
) -> tuple[int, float, tuple[tuple[str, ...], ...]] | None:
    """A feasible solution (vehicles, distance, routes) from the heuristic, or None."""
    if heuristic is None:
        return None
    try:
        sol = heuristic(inst, time_s, seed)
    except InfeasibleError:
        return None
    if not sol.feasible:  # pragma: no cover - the heuristic returns checked plans
        return None
    return sol.vehicles, sol.distance, tuple(tuple(str(x) for x in rt) for rt in sol.routes)


def solve_evrptw_exact(
    inst: EvrptwInstance,
    time_limit_s: float = 5.0,
    bks: BestKnown | None = None,
    seed: int = 0,
    upper_bound: UpperBoundSolver | None = None,
) -> VrpSolution:
    """Optimal E-VRPTW solution (vehicles first, then distance) for small instances.

    0. If the cheap vehicle bound allows one vehicle, a beam search over one-route labels
       usually finds a route serving everyone: ``K = 1`` is proven and its distance is
       the upper bound ``D``. If the one-route completion bound is infinite at the root,
       or an exhaustive check finds no such route, ``K >= 2`` is proven and a beam search
       over labels bounded for two routes plus set partitioning usually finds a
       two-route plan ``(2, D)`` straight away.
    1. Otherwise plain enumeration of every feasible route with a short budget
       (``_QUICK_SHARE`` of the limit, half that unless capacity or pairwise-incompatible
       time windows already force two routes): it is tiny for few customers or short
       routes, and then nothing else is needed. If it does not finish, a short
       run of ``upper_bound`` (the heuristic, passed in by the caller; without it this
       step is skipped) gives ``(K, D)``, tightened by a beam search.
    2. If ``K`` vehicles are proven necessary (``vehicle_lower_bound``), the route
       enumeration keeps only partial routes whose distance plus ``CompletionBound`` is
       at most ``D`` (every route of every solution at least as good survives, so the set
       partitioning over them is still exact); otherwise every feasible route is kept.
    3. Set partitioning DP over the surviving routes (min vehicles, then distance).

    If the enumeration does not finish in time, the best plan found on the way (beam
    search or heuristic) is returned with ``optimal=False``; ``ExactTimeout`` is raised
    only when there is none. ``InfeasibleError`` if some customer cannot be served by any
    route.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit_s
    legs = build_legs(inst, inst.distance_matrix())
    full = (1 << len(inst.customers)) - 1
    ub: tuple[int, float, tuple[tuple[str, ...], ...]] | None = None
    completion: CompletionBound | None = None
    lb = cheap_lb = vehicle_lower_bound(inst, legs, 2, deadline, exhaustive=False)
    if lb <= 1:
        # can one route serve everyone? The completion bound is infinite at the root when
        # time windows (or unreachable arcs) rule it out; a narrow beam search guided by
        # it usually finds such a route at once; failing both, an exhaustive check
        # settles "no" fast when time windows forbid it
        completion = CompletionBound(inst, legs, 1)
        if not np.isfinite(completion.root()):
            lb = 2
        else:
            try:
                got = enumerate_routes(
                    inst, deadline, (1, np.inf), legs, beam=_BEAM, completion=completion
                ).get(full)
            except ExactTimeout:
                got = None
            if got is not None:
                ids = (tuple(inst.ids[i] for i in got[1]),)
                rep = check_solution(inst, ids)
                if rep.feasible:
                    ub = (1, rep.distance, ids)
            if ub is None:
                try:
                    one = _one_route_serves_all(
                        inst, legs, min(deadline, time.perf_counter() + 0.05 * time_limit_s)
                    )
                except ExactTimeout:
                    one = True  # undecided
                if not one:
                    lb = 2
    if ub is None and lb > cheap_lb:
        # one route was ruled out above (windows wide enough that cheap bounds allowed
        # it): a beam search over labels bounded for ``lb`` routes usually finds an
        # ``lb``-route plan at once, which settles the vehicles and bounds the distance
        completion = CompletionBound(inst, legs, lb)
        if np.isfinite(completion.root()):
            ub = _beam_plan(inst, legs, completion, np.inf, deadline)
    if ub is None:
        # plain enumeration first: tiny for few customers or when time windows or capacity
        # already force two routes (short routes), and then nothing else is needed
        share = _QUICK_SHARE if cheap_lb >= 2 else 0.5 * _QUICK_SHARE
        try:
            quick = enumerate_routes(inst, time.perf_counter() + share * time_limit_s, None, legs)
        except ExactTimeout:
            quick = None
        if quick is not None:
            return _finish(inst, quick, None, False, deadline, t0, bks)
    if ub is None:
        ub = _upper_bound(inst, min(max(0.1 * time_limit_s, 0.2), 1.0), seed, upper_bound)
        if ub is not None and lb < ub[0]:
            lb = vehicle_lower_bound(inst, legs, ub[0], deadline, exhaustive=False)
    bounded = ub is not None and lb >= ub[0]
    if bounded and ub is not None and (completion is None or completion.k != ub[0]):
        completion = CompletionBound(inst, legs, ub[0])
        # the heuristic's distance can be loose after a short run: a beam search over
        # the bounded labels plus set partitioning often tightens it, and a tighter
        # bound prunes far more
        ub = _beam_upper_bound(inst, legs, completion, ub, deadline)
    bound = (ub[0], ub[1]) if bounded and ub is not None else None
    try:
        routes = enumerate_routes(inst, deadline, bound, legs, completion=completion)
        return _finish(inst, routes, ub, bounded, deadline, t0, bks)
    except ExactTimeout:
        if ub is None:
            raise
    # out of time: the incumbent (beam search / heuristic) without a proof
    rep = check_solution(inst, ub[2])
    return VrpSolution(
        instance=inst.name,
        kind=inst.kind,
        method="exact-timeout->incumbent",
        distance=rep.distance,
        vehicles=rep.vehicles,
        routes=ub[2],
        wall_s=time.perf_counter() - t0,
        feasible=rep.feasible,
        optimal=False,
        bks=bks,
    )


_Plan = tuple[int, float, tuple[tuple[str, ...], ...]]


def _beam_plan(
    inst: EvrptwInstance,
    legs: list[list[list[Leg]]],
    completion: CompletionBound,
    limit: float,
    deadline: float,
) -> _Plan | None:
    """A checked plan with ``completion.k`` routes shorter than ``limit`` from beam-limited
    routes and set partitioning, or None (a heuristic: the beam may miss every such plan)."""
    k = completion.k
    try:
        cols = enumerate_routes(
            inst, deadline, (k, limit), legs, beam=_BEAM_MANY, completion=completion
        )
    except ExactTimeout:
        return None
    masks = list(cols)
    picked = _set_partition(masks, [cols[m][0] for m in masks], len(inst.customers), deadline)
    if picked is None or len(picked) != k:
        return None
    ids = tuple(tuple(inst.ids[i] for i in cols[masks[j]][1]) for j in picked)
    rep = check_solution(inst, ids)
    if rep.feasible and rep.vehicles == k and rep.distance < limit - 1e-9:
        return rep.vehicles, rep.distance, ids
    return None


def _beam_upper_bound(
    inst: EvrptwInstance,
    legs: list[list[list[Leg]]],
    completion: CompletionBound,
    ub: _Plan,
    deadline: float,
) -> _Plan:
    """``ub`` or a better plan with the same vehicles from beam-limited routes."""
    return _beam_plan(inst, legs, completion, ub[1], deadline) or ub


def _finish(
    inst: EvrptwInstance,
    routes: dict[int, tuple[float, tuple[int, ...]]],
    ub: tuple[int, float, tuple[tuple[str, ...], ...]] | None,
    bounded: bool,
    deadline: float,
    t0: float,
    bks: BestKnown | None,
) -> VrpSolution:
    """Set partitioning over the enumerated routes, checked, as a ``VrpSolution``."""
    cust = inst.customers
    covered = 0
    for mask in routes:
        covered |= mask
    missing = [inst.ids[c] for k, c in enumerate(cust) if not covered >> k & 1]
    if missing and not bounded:
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
    if picked is None and time.perf_counter() > deadline:
        raise ExactTimeout(f"{inst.name}: set partitioning not proven optimal in time")
    id_routes: tuple[tuple[str, ...], ...]
    if picked is None:
        # bounded run: nothing at least as good as the heuristic plan survived the
        # completion bound except that plan itself, so it is optimal
        if ub is None:  # pragma: no cover - unbounded runs raise InfeasibleError above
            raise SolverError(f"{inst.name}: set partitioning found no solution")
        id_routes = ub[2]
    else:
        chosen = [routes[masks[k]][1] for k in picked]
        id_routes = tuple(tuple(inst.ids[i] for i in path) for path in chosen)
        if ub is not None and bounded:
            rep0 = check_solution(inst, id_routes)
            if (rep0.vehicles, rep0.distance) > (ub[0], ub[1]):
                id_routes = ub[2]
    rep = check_solution(inst, id_routes)
    return VrpSolution(
        instance=inst.name,
        kind=inst.kind,
        method=(
            "exact-bounded-labelling+setpartition-dp"
            if bounded
            else "exact-labelling+setpartition-dp"
        ),
        distance=rep.distance,
        vehicles=rep.vehicles,
        routes=id_routes,
        wall_s=time.perf_counter() - t0,
        feasible=rep.feasible,
        optimal=rep.feasible,
        bks=bks,
    )
