"""E-VRPTW heuristic for large instances: ejection-pool route minimisation + ruin-and-recreate.

Every plan is a list of customer sequences; a sequence is feasible when the exact station
placement DP (``StationInserter``, ``evrptw_stations``) finds stations that meet battery,
time windows and capacity. The search never holds an infeasible plan:

1. **Start**: one route per customer (feasible whenever the instance is).
2. **Route minimisation** (``evrptw_routemin``, Nagata & Bräysy 2009 adapted to the
   energy resource): remove a route, re-insert its customers with an ejection pool
   (insert-and-eject up to ``K_MAX`` customers of lowest penalty counters, random
   feasible perturbation), until a removal fails ``RM_PATIENCE`` times in a row, the
   capacity bound is reached, or ``RM_SHARE`` of the time is spent.
3. **Distance** at that fleet (``evrptw_lns``: ruin and recreate of related customers or
   route strings, cheapest exact re-insertion, falling acceptance threshold). It stalls
   after a few thousand iterations, so it runs in restarts: a plan with one route more
   (the step before the last removal, or a fresh route minimisation with another seed)
   is shortened, squeezed back to the fleet by the ejection pool and shortened again;
   the best plan wins, and time too short for another restart continues on it.
4. **Polish** for the last ``POLISH_SHARE`` of the time: first-improvement route
   elimination, relocation, or-opt and 2-opt* (``_improve``), each move evaluated exactly.

Vehicles come first (a route is only removed, never added), then distance.
Deterministic for a given seed when stopped by a ``SearchBudget``; with a wall-clock limit
the result depends on machine speed and load.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from freight.errors import InfeasibleError, InputError
from freight.vrp.checker import check_solution
from freight.vrp.evrptw_lns import ruin_recreate
from freight.vrp.evrptw_routemin import RouteMinResult, minimise_routes
from freight.vrp.evrptw_stations import StationInserter
from freight.vrp.instances import EvrptwInstance
from freight.vrp.result import BestKnown, VrpSolution

__all__ = ["SearchBudget", "StationInserter", "solve_evrptw_heuristic"]

#: Share of the time limit route minimisation may use (it usually stops earlier).
RM_SHARE = 0.35
#: Pool customers handled per route-removal attempt before it counts as failed.
RM_POOL_ITERS = 2000
#: Consecutive failed route removals after which the fleet is taken as final.
RM_PATIENCE = 2
#: Ruin-and-recreate iterations per run at the final fleet (it stalls after a few thousand).
LNS_ITERS = 4000
#: Share of the time limit spent polishing the best plan at the end (local search only).
POLISH_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class SearchBudget:
    """Iteration limits that replace the wall clock (same seed -> same plan on any machine)."""

    rm_attempts: int = 1000  # route removals per route-minimisation call
    rm_pool_iters: int = RM_POOL_ITERS  # pool customers handled per route removal
    restarts: int = 2  # wide-then-squeezed runs after the first route minimisation
    lns_iters: int = LNS_ITERS  # ruin-and-recreate iterations per run (half when wide)
    polish: bool = True

    def __post_init__(self) -> None:
        if min(self.rm_attempts, self.rm_pool_iters, self.restarts, self.lns_iters) < 0:
            raise InputError("SearchBudget: iteration limits must be >= 0")


Plan = list[tuple[int, ...]]  # customer sequences


def _best_insertion(
    ins: StationInserter, seqs: list[tuple[int, ...]], dist: list[float], c: int, skip: int = -1
) -> tuple[int, tuple[int, ...], float] | None:
    """Cheapest feasible (route, new sequence, added distance) inserting ``c``, or None."""
    best: tuple[int, tuple[int, ...], float] | None = None
    for b, sb in enumerate(seqs):
        if b == skip or not sb:
            continue
        for pos in range(len(sb) + 1):
            cand = (*sb[:pos], c, *sb[pos:])
            got = ins.route(cand)
            if got is None:
                continue
            delta = got[0] - dist[b]
            if best is None or delta < best[2]:
                best = (b, cand, delta)
    return best


def _insert_with_ejection(
    ins: StationInserter,
    seqs: list[tuple[int, ...]],
    dist: list[float],
    c: int,
    skip: int,
    deadline: float,
) -> list[tuple[int, tuple[int, ...], float]] | None:
    """Insert ``c`` into some route by ejecting one customer ``x`` that fits elsewhere.

    Depth-1 ejection chain; returns the two route updates (route, sequence, added
    distance) of the cheapest such move, or None. Stops early at ``deadline``.
    """
    best: tuple[float, list[tuple[int, tuple[int, ...], float]]] | None = None
    for b, sb in enumerate(seqs):
        if b == skip or not sb:
            continue
        for k, x in enumerate(sb):
            if time.perf_counter() > deadline:
                return None if best is None else best[1]
            base = sb[:k] + sb[k + 1 :]
            ins_c: tuple[tuple[int, ...], float] | None = None
            for pos in range(len(base) + 1):
                cand = (*base[:pos], c, *base[pos:])
                got = ins.route(cand)
                if got is not None and (ins_c is None or got[0] < ins_c[1]):
                    ins_c = (cand, got[0])
            if ins_c is None:
                continue
            others = [sq if i not in (b, skip) else () for i, sq in enumerate(seqs)]
            mv = _best_insertion(ins, others, dist, x)
            if mv is None:
                continue
            total = ins_c[1] - dist[b] + mv[2]
            if best is None or total < best[0]:
                best = (total, [(b, ins_c[0], ins_c[1] - dist[b]), mv])
    return None if best is None else best[1]


def _customers_of(inst: EvrptwInstance, path: Sequence[int]) -> tuple[int, ...]:
    return tuple(i for i in path if inst.node_type[i] == "c")


def _eliminate_routes(
    ins: StationInserter, seqs: list[tuple[int, ...]], dist: list[float], deadline: float
) -> bool:
    """Dissolve routes (smallest first, at most 8 customers) whose customers all fit
    elsewhere, directly or by ejecting one customer; True if any route went."""
    improved = False
    for a in sorted(range(len(seqs)), key=lambda k: len(seqs[k])):
        if time.perf_counter() > deadline:
            break
        if not seqs[a] or len(seqs[a]) > 8:
            continue
        saved = (list(seqs), list(dist))
        ok = True
        for c in seqs[a]:
            mv = _best_insertion(ins, seqs, dist, c, a)
            if mv is None:
                ej = _insert_with_ejection(ins, seqs, dist, c, a, deadline)
                if ej is None:
                    ok = False
                    break
                for b, cand, delta in ej:
                    seqs[b] = cand
                    dist[b] += delta
                continue
            b, cand, delta = mv
            seqs[b] = cand
            dist[b] += delta
        if ok:
            seqs[a] = ()
            dist[a] = 0.0
            improved = True
        else:
            seqs[:], dist[:] = saved
    return improved


def _relocate(
    ins: StationInserter, seqs: list[tuple[int, ...]], dist: list[float], deadline: float
) -> bool:
    """Move each customer to its best position in another route when that is shorter (or
    empties its route); True if any moved."""
    improved = False
    for a in range(len(seqs)):
        for c in list(seqs[a]):
            if time.perf_counter() > deadline:
                break
            rest = tuple(x for x in seqs[a] if x != c)
            got = None
            if rest:
                got = ins.route(rest)
                if got is None:
                    continue
                gain = dist[a] - got[0]
            else:
                gain = dist[a] + 1e6  # emptying a route saves a vehicle
            mv = _best_insertion(ins, seqs, dist, c, a)
            if mv is not None and mv[2] < gain - 1e-7:
                b, cand, delta = mv
                seqs[b] = cand
                dist[b] += delta
                seqs[a] = rest
                dist[a] = got[0] if rest and got else 0.0
                improved = True
    return improved


def _improve(
    ins: StationInserter, routes: list[tuple[int, ...]], deadline: float
) -> list[tuple[int, ...]]:
    """Route elimination, relocation, or-opt and 2-opt* with exact station insertion, first
    improvement, until no move helps or the deadline passes."""
    inst = ins.inst
    seqs = [_customers_of(inst, p) for p in routes]
    cost = [ins.route(s) for s in seqs]
    dist = [c[0] if c else float("inf") for c in cost]
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = _eliminate_routes(ins, seqs, dist, deadline)
        improved = _relocate(ins, seqs, dist, deadline) or improved
        # move a customer within its own route (or-opt of length 1)
        for a in range(len(seqs)):
            if time.perf_counter() > deadline:
                break
            moved = _or_opt(ins, seqs[a], dist[a])
            if moved is not None:
                seqs[a], dist[a] = moved
                improved = True
        # 2-opt*: exchange the tails of two routes
        if _two_opt_star(ins, seqs, dist, deadline):
            improved = True
    out = []
    for s in seqs:
        if s:
            got = ins.route(s)
            if got is None:  # pragma: no cover - every accepted move was evaluated
                raise InfeasibleError("internal: improved route became infeasible")
            out.append(got[1])
    return out


def _or_opt(
    ins: StationInserter, seq: tuple[int, ...], dist: float
) -> tuple[tuple[int, ...], float] | None:
    """Best single-customer move within one route (exact evaluation), or None."""
    best: tuple[tuple[int, ...], float] | None = None
    for k, c in enumerate(seq):
        rest = seq[:k] + seq[k + 1 :]
        for pos in range(len(rest) + 1):
            if pos == k:
                continue
            cand = (*rest[:pos], c, *rest[pos:])
            got = ins.route(cand)
            if got is not None and got[0] < (dist if best is None else best[1]) - 1e-7:
                best = (cand, got[0])
    return best


def _two_opt_star(
    ins: StationInserter, seqs: list[tuple[int, ...]], dist: list[float], deadline: float
) -> bool:
    """First-improvement tail exchange between every pair of routes; True if any move.

    Routes ``a = a1 + a2`` and ``b = b1 + b2`` become ``a1 + b2`` and ``b1 + a2``; both
    new routes are evaluated exactly (station insertion), an emptied route saves a vehicle.
    """
    moved = False
    n = len(seqs)
    for a in range(n):
        for b in range(a + 1, n):
            if time.perf_counter() > deadline:
                return moved
            sa, sb = seqs[a], seqs[b]
            if not sa or not sb:
                continue
            done = False
            for i in range(len(sa) + 1):
                for j in range(len(sb) + 1):
                    if (i == 0 and j == 0) or (i == len(sa) and j == len(sb)):
                        continue
                    na, nb = sa[:i] + sb[j:], sb[:j] + sa[i:]
                    da = ins.route(na) if na else (0.0, ())
                    if da is None:
                        continue
                    db = ins.route(nb) if nb else (0.0, ())
                    if db is None:
                        continue
                    old = dist[a] + dist[b]
                    new = da[0] + db[0] - (1e6 if not na or not nb else 0.0)
                    if new < old - 1e-7:
                        seqs[a], seqs[b] = na, nb
                        dist[a], dist[b] = da[0], db[0]
                        moved = done = True
                        break
                if done:
                    break
    return moved


def _plan_distance(ins: StationInserter, seqs: Sequence[tuple[int, ...]]) -> float:
    total = 0.0
    for sq in seqs:
        got = ins.route(sq)
        if got is None:  # pragma: no cover - the search keeps every route feasible
            raise InfeasibleError("internal: a route of the plan is infeasible")
        total += got[0]
    return total


@dataclass(frozen=True, slots=True)
class _Clock:
    """When each phase must stop: shares of the time limit, or never (iteration budget)."""

    t0: float
    time_limit_s: float
    timed: bool
    budget: SearchBudget

    def at(self, share: float) -> float:
        return self.t0 + share * self.time_limit_s if self.timed else np.inf

    @property
    def lns_end(self) -> float:
        return self.at(1.0 - POLISH_SHARE)


# the best plan so far: (vehicles, distance, customer sequences)
_Best = tuple[int, float, list[tuple[int, ...]]]


def _check_alone(ins: StationInserter) -> None:
    """Every customer must be servable on a route of its own (else no plan exists)."""
    inst = ins.inst
    for c in inst.customers:
        if ins.route((c,)) is None:
            raise InfeasibleError(
                f"{inst.name}: customer {inst.ids[c]} cannot be served within battery and "
                "time windows even alone",
                binding=["battery", "time windows"],
            )


def _minimise(
    ins: StationInserter,
    start: Sequence[tuple[int, ...]],
    seed: int,
    deadline: float,
    clock: _Clock,
    min_routes: int,
    patience: int = RM_PATIENCE,
    attempts: bool = True,
) -> RouteMinResult:
    """Route minimisation with the budget's iteration limits."""
    bud = clock.budget
    extra = {"max_attempts": bud.rm_attempts} if attempts else {}
    return minimise_routes(
        ins, start, seed=seed, deadline=deadline, max_iters=bud.rm_pool_iters,
        patience=patience, min_routes=min_routes, **extra,
    )  # fmt: skip


def _restart(
    ins: StationInserter,
    rm: RouteMinResult,
    best: _Best,
    fleet: int,
    run: int,
    seed: int,
    clock: _Clock,
) -> _Best:
    """One restart: shorten a plan with one route more than needed, dissolve one route
    (ejection pool) and shorten again; the better of that and ``best``."""
    singles = [(c,) for c in ins.inst.customers]
    lns_end, bud = clock.lns_end, clock.budget
    rs = seed + 1000 * (run + 1)
    wide = rm.previous
    if run > 0 or wide is None:
        again = _minimise(ins, singles, rs, lns_end, clock, fleet + 1)
        wide = again.routes if again.vehicles == fleet + 1 else None
    if wide is None:  # e.g. one route per customer is already the minimum
        wide = tuple(best[2])
    a = ruin_recreate(ins, wide, seed=rs + 1, deadline=lns_end, max_iters=bud.lns_iters // 2)
    squeezed = _minimise(ins, a.routes, rs + 2, lns_end, clock, fleet, 1, attempts=False)
    if squeezed.vehicles <= fleet:
        tight = ruin_recreate(
            ins, squeezed.routes, seed=rs + 3, deadline=lns_end, max_iters=bud.lns_iters
        )
        if (len(tight.routes), tight.distance + 1e-9) < (best[0], best[1]):
            return (len(tight.routes), tight.distance, list(tight.routes))
    return best


def _search(ins: StationInserter, seed: int, clock: _Clock) -> _Best:
    """Route minimisation, then restarts at the final fleet until the budget or time ends."""
    inst = ins.inst
    total_demand = sum(inst.demand[c] for c in inst.customers)
    min_routes = max(1, math.ceil(total_demand / inst.capacity - 1e-9))
    singles = [(c,) for c in inst.customers]
    rm = _minimise(ins, singles, seed, clock.at(RM_SHARE), clock, min_routes)
    fleet = rm.vehicles
    best: _Best = (fleet, rm.distance, list(rm.routes))
    run = 0
    run_s = 0.0
    lns_end = clock.lns_end
    while (
        (run < clock.budget.restarts)
        if not clock.timed
        else (time.perf_counter() + run_s < lns_end)
    ):
        t_run = time.perf_counter()
        best = _restart(ins, rm, best, fleet, run, seed, clock)
        run += 1
        run_s = max(run_s, time.perf_counter() - t_run)
    if clock.timed and time.perf_counter() < lns_end:
        # not enough time for another restart: continue shortening the best plan
        last = ruin_recreate(ins, best[2], seed=seed + 7, deadline=lns_end, max_iters=10**9)
        if (len(last.routes), last.distance + 1e-9) < (best[0], best[1]):
            best = (len(last.routes), last.distance, list(last.routes))
    return best


def _polish(ins: StationInserter, best: _Best, clock: _Clock) -> _Best:
    """Local search on the best plan for the rest of the time; kept if better."""
    end = clock.t0 + clock.time_limit_s if clock.timed else np.inf
    paths = _improve(ins, [_path(ins, sq) for sq in best[2]], float(end))
    pol = [_customers_of(ins.inst, pa) for pa in paths]
    got = (len(pol), _plan_distance(ins, pol), pol)
    return got if (got[0], got[1] + 1e-9) < (best[0], best[1]) else best


def _path(ins: StationInserter, seq: tuple[int, ...]) -> tuple[int, ...]:
    got = ins.route(seq)
    if got is None:  # pragma: no cover - the search keeps every route feasible
        raise InfeasibleError("internal: a route of the plan is infeasible")
    return got[1]


def solve_evrptw_heuristic(
    inst: EvrptwInstance,
    time_limit_s: float = 40.0,
    seed: int = 0,
    bks: BestKnown | None = None,
    budget: SearchBudget | None = None,
) -> VrpSolution:
    """E-VRPTW (vehicles first, then distance): ejection pool, then ruin and recreate.

    With ``budget`` the phases stop on iteration counts only (``time_limit_s`` is
    ignored) and the result is reproducible; otherwise they share ``time_limit_s``.
    Stages: ``_check_alone``, ``_search`` (route minimisation and restarts), ``_polish``.
    """
    if budget is None and not time_limit_s > 0:
        raise InputError(f"--time-limit must be positive, got {time_limit_s}")
    t0 = time.perf_counter()
    ins = StationInserter(inst)
    _check_alone(ins)
    clock = _Clock(t0, time_limit_s, budget is None, budget or SearchBudget())
    best = _search(ins, seed, clock)
    if clock.budget.polish:
        best = _polish(ins, best, clock)
    id_routes = tuple(tuple(inst.ids[i] for i in _path(ins, sq)) for sq in best[2])
    rep = check_solution(inst, id_routes)
    return VrpSolution(
        instance=inst.name,
        kind=inst.kind,
        method="ejection-pool+ruin-recreate+station-dp",
        distance=rep.distance,
        vehicles=rep.vehicles,
        routes=id_routes,
        wall_s=time.perf_counter() - t0,
        feasible=rep.feasible,
        bks=bks,
    )
