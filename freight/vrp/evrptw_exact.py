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
from dataclasses import dataclass

import numpy as np

from freight.errors import InfeasibleError, SolverError
from freight.vrp.checker import check_solution
from freight.vrp.evrptw_bounds import (
    CompletionBound,
    ExactTimeout,
    one_route_serves_all,
    vehicle_lower_bound,
)
from freight.vrp.evrptw_legs import Leg, build_legs
from freight.vrp.instances import EvrptwInstance
from freight.vrp.result import BestKnown, VrpSolution

#: A short heuristic run ``(instance, time limit s, seed) -> solution`` that gives the
#: exact method an upper bound; it raises ``InfeasibleError`` when it finds no plan.
UpperBoundSolver = Callable[[EvrptwInstance, float, int], VrpSolution]

__all__ = [
    "ExactTimeout",
    "UpperBoundSolver",
    "enumerate_routes",
    "solve_evrptw_exact",
]

_EPS = 1e-9


# A path as linked segments (parent, nodes added: stations then the customer); None = depot
_Path = tuple["_Path", tuple[int, ...]] | None
# A label: (distance, departure time, energy on departure, path)
_Label = tuple[float, float, float, _Path]
_Level = dict[tuple[int, int], list[_Label]]  # labels per (customer set, last customer)


_Succ = tuple[int, int, list[tuple[float, float, float, float, bool, tuple[int, ...]]],
              float, float, float, float]  # fmt: skip


class _Grower:
    """Tables of one route enumeration and the step that extends labels by one customer.

    Successor table per node: (customer, bit, legs as plain tuples, shortest leg, fastest
    leg, energy needed at the customer to reach the depot or any station from it, latest
    departure that still gets home by the depot's due time). Deadline table per customer:
    (due[c] - travel time from j, bit of c), ascending, so the first c not yet visited gives
    the latest departure from j that still reaches every customer in time.
    """

    def __init__(
        self,
        inst: EvrptwInstance,
        d: np.ndarray,
        legs: list[list[list[Leg]]],
        cb: CompletionBound | None,
        ub: float,
        one_route: bool,
    ) -> None:
        self.inst, self.cb, self.ub, self.one_route = inst, cb, ub, one_route
        cust, r, v = inst.customers, inst.consumption_rate, inst.velocity
        self.bit = {c: 1 << k for k, c in enumerate(cust)}
        bit, due0 = self.bit, inst.due[0]
        self.succ: dict[int, list[_Succ]] = {
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
        self.deadlines = {
            j: sorted((float(inst.due[c] - d[j, c] / v + _EPS), bit[c]) for c in cust if c != j)
            for j in cust
        }

    def latest(self, mask: int, j: int) -> float:
        for late, b in self.deadlines[j]:
            if not mask & b:
                return late
        return float(np.inf)

    def grow(self, i: int, mask: int, load: float, labs: list[_Label], store: _Level) -> None:
        """Extend every label of state (``mask``, ``i``) by one customer."""
        inst, cb, ub, one_route = self.inst, self.cb, self.ub, self.one_route
        q, g = inst.battery, inst.recharge_rate
        demand, ready, due, service = inst.demand, inst.ready, inst.due, inst.service
        cap = inst.capacity
        t_min = min(lab[1] for lab in labs)
        d_min = min(lab[0] for lab in labs)
        for j, bj, legs_ij, short, fast, reach_j, home_j in self.succ[i]:
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
            t_cap = min(self.latest(m2, j), home_j) if one_route else home_j
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


def _close_routes(
    inst: EvrptwInstance,
    home: list[tuple[float, float, float, bool, tuple[int, ...]]],
    mask: int,
    labs: list[_Label],
    best: dict[int, tuple[float, tuple[int, ...]]],
) -> None:
    """Drive every label home (``home``: the legs back to the depot); keep the shortest
    route per customer set in ``best``."""
    q, g, due0 = inst.battery, inst.recharge_rate, inst.due[0]
    for dist0, t0, e0, path in labs:
        for dist_leg, need, fixed, chain, stations in home:
            if e0 + _EPS < need:
                continue
            arr = t0 + fixed + (g * (q - e0) if chain else 0.0)
            if arr <= due0 + _EPS:
                total = dist0 + dist_leg
                if mask not in best or total < best[mask][0] - _EPS:
                    best[mask] = (total, (*_unroll(path), *stations))


def _beam_cut(nxt: _Level, cb: CompletionBound, beam: int) -> _Level:
    """The ``beam`` labels with the smallest distance plus completion bound."""
    ranked = sorted(
        ((lab[0] + cb(key[0], key[1]), n, key, lab) for n, (key, labs) in
         enumerate(nxt.items()) for lab in labs),
        key=lambda x: (x[0], x[1]),
    )[:beam]  # fmt: skip
    out: _Level = {}
    for _, _, key, lab in ranked:
        out.setdefault(key, []).append(lab)
    return out


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
    grower = _Grower(inst, d, legs, cb, ub, one_route)
    bit = grower.bit
    best: dict[int, tuple[float, tuple[int, ...]]] = {}
    level: _Level = {}
    start: _Label = (0.0, inst.ready[0], inst.battery, None)
    grower.grow(0, 0, 0.0, [start], level)
    loads = {0: 0.0}
    home = {
        i: [(lg.distance, lg.need_e, lg.fixed_time, bool(lg.stations), lg.stations)
            for lg in legs[i][0]]
        for i in cust
    }  # fmt: skip
    while level:
        if deadline is not None and time.perf_counter() > deadline:
            raise ExactTimeout(f"{inst.name}: route enumeration exceeded the time limit")
        nxt: _Level = {}
        for (mask, i), labs in level.items():
            if deadline is not None and time.perf_counter() > deadline:
                raise ExactTimeout(f"{inst.name}: route enumeration exceeded the time limit")
            load = loads.get(mask)
            if load is None:
                load = sum(inst.demand[c] for c in cust if mask & bit[c])
                loads[mask] = load
            if not one_route or mask == everyone:
                _close_routes(inst, home[i], mask, labs, best)
            grower.grow(i, mask, load, labs, nxt)
        if beam is not None and cb is not None:
            nxt = _beam_cut(nxt, cb, beam)
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
    legs = build_legs(inst, inst.distance_matrix())
    lb = vehicle_lower_bound(inst, legs, 2, t0 + time_limit_s, exhaustive=False)
    st = _State(inst, legs, t0, t0 + time_limit_s, time_limit_s, lb, lb)
    if st.lb <= 1:
        _settle_one_route(st)
    if st.ub is None and st.lb > st.cheap_lb:
        _beam_for_lower_bound(st)
    if st.ub is None:
        quick = _quick_enumeration(st)
        if quick is not None:
            return _finish(inst, quick, None, False, st.deadline, t0, bks)
        _heuristic_incumbent(st, seed, upper_bound)
    return _bounded_enumeration(st, bks)


_Plan = tuple[int, float, tuple[tuple[str, ...], ...]]


@dataclass(slots=True)
class _State:
    """What the exact method knows so far: a proven vehicle bound and the incumbent."""

    inst: EvrptwInstance
    legs: list[list[list[Leg]]]
    t0: float
    deadline: float
    time_limit_s: float
    lb: int  # proven lower bound on the vehicles
    cheap_lb: int  # the bound from capacity and incompatible pairs alone
    ub: _Plan | None = None  # incumbent (vehicles, distance, routes)
    completion: CompletionBound | None = None


def _settle_one_route(st: _State) -> None:
    """Can one route serve everyone? The completion bound is infinite at the root when time
    windows (or unreachable arcs) rule it out; a narrow beam search guided by it usually
    finds such a route at once; failing both, an exhaustive check settles "no" fast when
    time windows forbid it."""
    inst, legs = st.inst, st.legs
    st.completion = CompletionBound(inst, legs, 1)
    if not np.isfinite(st.completion.root()):
        st.lb = 2
        return
    full = (1 << len(inst.customers)) - 1
    try:
        got = enumerate_routes(
            inst, st.deadline, (1, np.inf), legs, beam=_BEAM, completion=st.completion
        ).get(full)
    except ExactTimeout:
        got = None
    if got is not None:
        ids = (tuple(inst.ids[i] for i in got[1]),)
        rep = check_solution(inst, ids)
        if rep.feasible:
            st.ub = (1, rep.distance, ids)
    if st.ub is None:
        try:
            limit = min(st.deadline, time.perf_counter() + 0.05 * st.time_limit_s)
            one = one_route_serves_all(inst, legs, limit)
        except ExactTimeout:
            one = True  # undecided
        if not one:
            st.lb = 2


def _beam_for_lower_bound(st: _State) -> None:
    """One route was ruled out (windows wide enough that cheap bounds allowed it): a beam
    search over labels bounded for ``lb`` routes usually finds an ``lb``-route plan at once,
    which settles the vehicles and bounds the distance."""
    st.completion = CompletionBound(st.inst, st.legs, st.lb)
    if np.isfinite(st.completion.root()):
        st.ub = _beam_plan(st.inst, st.legs, st.completion, np.inf, st.deadline)


def _quick_enumeration(st: _State) -> dict[int, tuple[float, tuple[int, ...]]] | None:
    """Plain enumeration with a short budget: tiny for few customers or when time windows or
    capacity already force two routes (short routes), and then nothing else is needed."""
    share = _QUICK_SHARE if st.cheap_lb >= 2 else 0.5 * _QUICK_SHARE
    try:
        return enumerate_routes(
            st.inst, time.perf_counter() + share * st.time_limit_s, None, st.legs
        )
    except ExactTimeout:
        return None


def _heuristic_incumbent(st: _State, seed: int, heuristic: UpperBoundSolver | None) -> None:
    """A short heuristic run as the incumbent; its vehicles may lift the lower bound."""
    limit = min(max(0.1 * st.time_limit_s, 0.2), 1.0)
    st.ub = _upper_bound(st.inst, limit, seed, heuristic)
    if st.ub is not None and st.lb < st.ub[0]:
        st.lb = vehicle_lower_bound(st.inst, st.legs, st.ub[0], st.deadline, exhaustive=False)


def _bounded_enumeration(st: _State, bks: BestKnown | None) -> VrpSolution:
    """Enumerate every route that can be part of a plan at least as good as the incumbent
    (all routes without a proven vehicle count), then partition; out of time: the incumbent
    without a proof."""
    inst, legs, ub = st.inst, st.legs, st.ub
    bounded = ub is not None and st.lb >= ub[0]
    if bounded and ub is not None and (st.completion is None or st.completion.k != ub[0]):
        st.completion = CompletionBound(inst, legs, ub[0])
        # the heuristic's distance can be loose after a short run: a beam search over
        # the bounded labels plus set partitioning often tightens it, and a tighter
        # bound prunes far more
        ub = _beam_upper_bound(inst, legs, st.completion, ub, st.deadline)
    bound = (ub[0], ub[1]) if bounded and ub is not None else None
    try:
        routes = enumerate_routes(inst, st.deadline, bound, legs, completion=st.completion)
        return _finish(inst, routes, ub, bounded, st.deadline, st.t0, bks)
    except ExactTimeout:
        if ub is None:
            raise
    rep = check_solution(inst, ub[2])
    return VrpSolution(
        instance=inst.name,
        kind=inst.kind,
        method="exact-timeout->incumbent",
        distance=rep.distance,
        vehicles=rep.vehicles,
        routes=ub[2],
        wall_s=time.perf_counter() - st.t0,
        feasible=rep.feasible,
        optimal=False,
        bks=bks,
    )


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
