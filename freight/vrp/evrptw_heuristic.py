"""E-VRPTW heuristic for large instances: PyVRP routing + exact station insertion + repair.

PyVRP has no energy resource, so the search is split:

1. **Routing** (PyVRP, vehicles first via a large fixed cost) on customers only. Even
   rounds inflate each leg's travel time by ``alpha * g * r * distance`` (a uniform
   allowance for recharging the energy that leg uses; ``alpha`` cycles through ALPHAS);
   odd rounds instead add to each customer's service time its share of the recharge and
   station-detour time its route actually needed in earlier rounds (learned, smoothed).
   Rounds are warm-started from the best customer sequences found so far.
2. **Exact station insertion** on each fixed customer sequence (``insert_stations``): a
   label DP over the positions of the route, choosing for every gap a direct drive or a
   chain of one (or, if needed, two) stations, with full-recharge semantics; labels are
   (distance, time, energy) Pareto sets, so the cheapest energy- and time-feasible
   completion of that sequence is found.
3. **Repair**: customers are ejected from a sequence no station placement can fix and
   re-inserted elsewhere (best insertion, else a depth-1 ejection chain that moves one
   customer out of the way, else a new route).
4. **Local improvement** in every round and, for the last ``POLISH_SHARE`` of the time,
   on the best plan: route elimination (move all customers of a small route elsewhere,
   with ejection chains), relocation between routes, relocation within a route (or-opt)
   and tail exchange between routes (2-opt*), each move evaluated exactly by (2).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from freight.errors import InfeasibleError
from freight.vrp.checker import check_solution
from freight.vrp.evrptw_exact import Leg
from freight.vrp.instances import EvrptwInstance
from freight.vrp.pyvrp_solver import TwRouting, pyvrp_routes
from freight.vrp.result import BestKnown, VrpSolution

__all__ = ["StationInserter", "solve_evrptw_heuristic"]

_EPS = 1e-9
#: Allowance factors for recharge time tried in turn (fraction of g*r*distance).
ALPHAS = (0.5, 0.0, 1.0, 0.25, 0.75)
#: Share of the time limit spent polishing the best plan at the end (local search only).
POLISH_SHARE = 0.15
#: Squeeze rounds inflate the learned recharge allowance by this factor (fewer routes
#: leave less slack, so be conservative).
SQUEEZE_ALLOWANCE = 1.5


class StationInserter:
    """Optimal station placement on fixed customer sequences of one instance (cached)."""

    def __init__(self, inst: EvrptwInstance) -> None:
        self.inst = inst
        self.d = inst.distance_matrix()
        self._legs: dict[tuple[int, int], list[Leg]] = {}
        self._cache: dict[tuple[int, ...], tuple[float, tuple[int, ...]] | None] = {}

    def legs(self, i: int, j: int) -> list[Leg]:
        key = (i, j)
        got = self._legs.get(key)
        if got is not None:
            return got
        inst, d = self.inst, self.d
        q, r, g, v = inst.battery, inst.consumption_rate, inst.recharge_rate, inst.velocity
        out: list[Leg] = []
        if r * d[i, j] <= q + _EPS:
            out.append(Leg((), float(d[i, j]), r * d[i, j], d[i, j] / v, -1.0))
        singles = []
        for s in inst.stations:
            if r * d[i, s] > q + _EPS or r * d[s, j] > q + _EPS:
                continue
            dist = float(d[i, s] + d[s, j])
            singles.append(
                Leg((s,), dist, r * d[i, s], dist / v + g * r * d[i, s], q - r * d[s, j])
            )
        if not singles and not out:
            # two-station chains only when nothing shorter exists
            for s1 in inst.stations:
                for s2 in inst.stations:
                    ok = s1 != s2 and max(d[i, s1], d[s1, s2], d[s2, j]) * r <= q + _EPS
                    if ok:
                        dist = float(d[i, s1] + d[s1, s2] + d[s2, j])
                        fixed = dist / v + g * r * (d[i, s1] + d[s1, s2])
                        singles.append(Leg((s1, s2), dist, r * d[i, s1], fixed, q - r * d[s2, j]))
        keep = [
            a
            for a in singles
            if not any(
                b is not a
                and b.distance <= a.distance + _EPS
                and b.fixed_time <= a.fixed_time + _EPS
                and b.need_e <= a.need_e + _EPS
                and b.e_at_j >= a.e_at_j - _EPS
                and (b.distance, b.stations) < (a.distance, a.stations)
                for b in singles
            )
        ]
        out += keep
        self._legs[key] = out
        return out

    def route(self, seq: Sequence[int]) -> tuple[float, tuple[int, ...]] | None:
        """Cheapest feasible node path (stations inserted) serving ``seq`` in order, or None."""
        key = tuple(seq)
        if key in self._cache:
            return self._cache[key]
        inst = self.inst
        q, g = inst.battery, inst.recharge_rate
        if sum(inst.demand[c] for c in seq) > inst.capacity + _EPS:
            self._cache[key] = None
            return None
        labels: list[tuple[float, float, float, tuple[int, ...]]] = [(0.0, inst.ready[0], q, ())]
        prev = 0
        for j in (*seq, 0):
            nxt: list[tuple[float, float, float, tuple[int, ...]]] = []
            for dist0, t0, e0, path in labels:
                for leg in self.legs(prev, j):
                    if e0 + _EPS < leg.need_e:
                        continue
                    if leg.stations:
                        arr = t0 + leg.fixed_time + g * (q - e0)
                        e_arr = leg.e_at_j
                    else:
                        arr = t0 + leg.fixed_time
                        e_arr = e0 - leg.need_e
                    if arr > inst.due[j] + _EPS:
                        continue
                    t_j = max(arr, inst.ready[j]) + (inst.service[j] if j else 0.0)
                    lab = (dist0 + leg.distance, t_j, e_arr, (*path, *leg.stations, j))
                    if any(
                        o[0] <= lab[0] + _EPS and o[1] <= lab[1] + _EPS and o[2] >= lab[2] - _EPS
                        for o in nxt
                    ):
                        continue
                    nxt = [
                        o for o in nxt if not (lab[0] <= o[0] and lab[1] <= o[1] and lab[2] >= o[2])
                    ]
                    nxt.append(lab)
            if not nxt:
                self._cache[key] = None
                return None
            labels = nxt
            prev = j
        best = min(labels, key=lambda lab: lab[0])
        res = (best[0], best[3][:-1])
        self._cache[key] = res
        return res

    def repair(self, seq: Sequence[int]) -> list[tuple[float, tuple[int, ...]]] | None:
        """Split ``seq`` into the fewest, then shortest, consecutive feasible routes."""
        n = len(seq)
        # best[k] = (routes, distance, pieces) for the prefix seq[:k]
        best: list[tuple[int, float, list[tuple[float, tuple[int, ...]]]] | None] = [None] * (n + 1)
        best[0] = (0, 0.0, [])
        for k in range(1, n + 1):
            for s in range(k):
                head = best[s]
                if head is None:
                    continue
                piece = self.route(seq[s:k])
                if piece is None:
                    continue
                cand = (head[0] + 1, head[1] + piece[0], [*head[2], piece])
                cur = best[k]
                if cur is None or (cand[0], cand[1]) < (cur[0], cur[1]):
                    best[k] = cand
        final = best[n]
        return None if final is None else final[2]


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


def _evaluate(
    ins: StationInserter, plan: Plan, deadline: float = np.inf
) -> tuple[int, float, list[tuple[int, ...]]] | None:
    """Make ``plan`` energy-feasible: insert stations, eject-and-reinsert, split as last resort."""
    inst = ins.inst
    d = ins.d
    seqs: list[tuple[int, ...]] = []
    pool: list[int] = []
    for seq in plan:
        cur = tuple(seq)
        while cur and ins.route(cur) is None:
            # eject the customer whose removal helps most: feasible-after first, else detour
            def score(k: int, cur: tuple[int, ...] = cur) -> tuple[int, float]:
                rest = cur[:k] + cur[k + 1 :]
                got = ins.route(rest) if rest else (0.0, ())
                prv = cur[k - 1] if k else 0
                nxt = cur[k + 1] if k + 1 < len(cur) else 0
                detour = d[prv, cur[k]] + d[cur[k], nxt] - d[prv, nxt]
                return (0 if got is not None else 1, -detour)

            k = min(range(len(cur)), key=score)
            pool.append(cur[k])
            cur = cur[:k] + cur[k + 1 :]
        if cur:
            seqs.append(cur)
    dist = [ins.route(sq)[0] for sq in seqs]  # type: ignore[index]
    for c in sorted(pool, key=lambda c: inst.due[c] - inst.ready[c]):
        mv = _best_insertion(ins, seqs, dist, c)
        if mv is not None:
            b, cand, delta = mv
            seqs[b] = cand
            dist[b] += delta
            continue
        # no room: try making room by moving one customer elsewhere (ejection chain)
        stop = min(deadline, time.perf_counter() + 1.0)
        ej = _insert_with_ejection(ins, seqs, dist, c, -1, stop)
        if ej is not None:
            for b, cand, delta in ej:
                seqs[b] = cand
                dist[b] += delta
            continue
        single = ins.route((c,))
        if single is None:
            return None
        seqs.append((c,))
        dist.append(single[0])
    paths = [ins.route(sq)[1] for sq in seqs]  # type: ignore[index]
    return len(paths), float(sum(dist)), paths


def _overhead_time(inst: EvrptwInstance, d: np.ndarray, path: Sequence[int]) -> float:
    """Time a route spends recharging and detouring to stations (vs. driving direct)."""
    seq = [0, *path, 0]
    q, r, g, v = inst.battery, inst.consumption_rate, inst.recharge_rate, inst.velocity
    energy, charge, travel = q, 0.0, 0.0
    for a, b in zip(seq, seq[1:], strict=False):
        travel += d[a, b] / v
        energy -= r * d[a, b]
        if inst.node_type[b] == "f":
            charge += g * (q - energy)
            energy = q
    direct = [0, *_customers_of(inst, path), 0]
    base = sum(d[a, b] / v for a, b in zip(direct, direct[1:], strict=False))
    return charge + travel - base


def _customers_of(inst: EvrptwInstance, path: Sequence[int]) -> tuple[int, ...]:
    return tuple(i for i in path if inst.node_type[i] == "c")


def _improve(
    ins: StationInserter, routes: list[tuple[int, ...]], deadline: float
) -> list[tuple[int, ...]]:
    """Route elimination + relocate with exact station insertion, first improvement."""
    inst = ins.inst
    seqs = [_customers_of(inst, p) for p in routes]
    cost = [ins.route(s) for s in seqs]
    dist = [c[0] if c else float("inf") for c in cost]

    def try_insert(c: int, skip: int) -> tuple[int, tuple[int, ...], float] | None:
        return _best_insertion(ins, seqs, dist, c, skip)

    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        # 1) route elimination, smallest routes first
        for a in sorted(range(len(seqs)), key=lambda k: len(seqs[k])):
            if time.perf_counter() > deadline:
                break
            if not seqs[a] or len(seqs[a]) > 8:
                continue
            saved = (list(seqs), list(dist))
            ok = True
            for c in seqs[a]:
                mv = try_insert(c, a)
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
                seqs, dist = saved
        # 2) relocate each customer to its best position elsewhere
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
                mv = try_insert(c, a)
                if mv is not None and mv[2] < gain - 1e-7:
                    b, cand, delta = mv
                    seqs[b] = cand
                    dist[b] += delta
                    seqs[a] = rest
                    dist[a] = got[0] if rest and got else 0.0
                    improved = True
        # 3) move a customer within its own route (or-opt of length 1)
        for a in range(len(seqs)):
            if time.perf_counter() > deadline:
                break
            moved = _or_opt(ins, seqs[a], dist[a])
            if moved is not None:
                seqs[a], dist[a] = moved
                improved = True
        # 4) 2-opt*: exchange the tails of two routes
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


def solve_evrptw_heuristic(
    inst: EvrptwInstance,
    time_limit_s: float = 40.0,
    seed: int = 0,
    bks: BestKnown | None = None,
) -> VrpSolution:
    """E-VRPTW (vehicles first, then distance) by PyVRP routing + exact station insertion."""
    t0 = time.perf_counter()
    deadline = t0 + time_limit_s
    ins = StationInserter(inst)
    cust = list(inst.customers)
    nodes = [0, *cust]
    d = ins.d[np.ix_(nodes, nodes)]
    g, r, v = inst.recharge_rate, inst.consumption_rate, inst.velocity
    fixed = 2.0 * float(d[0].sum())  # > any distance saving: one vehicle costs more
    best: tuple[int, float, list[tuple[int, ...]]] | None = None
    plan_init: list[list[int]] | None = None
    # the last POLISH_SHARE of the time polishes the best plan found by the rounds
    rounds_end = t0 + (1.0 - POLISH_SHARE) * time_limit_s
    round_s = (1.0 - POLISH_SHARE) * time_limit_s / len(ALPHAS)
    extra = dict.fromkeys(nodes, 0.0)  # learned recharge+detour time per customer
    k = 0
    while True:
        left = rounds_end - time.perf_counter()
        if best is not None and left < 0.3 * round_s:
            break
        # every third round: one vehicle fewer than the best plan, as a hard fleet limit
        squeeze = best is not None and k % 3 == 2 and best[0] > 1
        # odd and squeeze rounds: learned per-customer recharge allowance instead of a
        # uniform one (a squeezed plan must leave room for its recharges)
        learned = k % 2 == 1 or squeeze
        alpha = 0.0 if learned else ALPHAS[(k // 2) % len(ALPHAS)]
        route_s = max(0.05, min(0.4 * round_s, left))
        fleet = best[0] - 1 if squeeze and best is not None else len(cust)
        p = TwRouting(
            d,
            d / v + alpha * g * r * d,
            [inst.demand[i] for i in nodes],
            [inst.ready[i] for i in nodes],
            [inst.due[i] for i in nodes],
            [
                inst.service[i]
                + (SQUEEZE_ALLOWANCE if squeeze else 1.0) * (extra[i] if learned else 0.0)
                for i in nodes
            ],
            inst.capacity,
            fleet,
            fixed_cost=fixed,
        )
        try:
            routes = pyvrp_routes(p, route_s, seed + k, None if squeeze else plan_init)
        except RuntimeError:  # warm start rejected under a tighter allowance
            routes = pyvrp_routes(p, route_s, seed + k)
        k += 1
        got = None
        if routes is not None:
            got = _evaluate(ins, [tuple(nodes[i] for i in rt) for rt in routes], deadline)
        if got is not None:
            stop = min(rounds_end, time.perf_counter() + 0.6 * round_s)
            paths = _improve(ins, got[2], stop)
            dist = 0.0
            for pa in paths:
                part = ins.route(_customers_of(inst, pa))
                dist += part[0] if part is not None else float("inf")
            got = (len(paths), float(dist), paths)
            target = dict.fromkeys(cust, 0.0)
            for pa in paths:
                seq = _customers_of(inst, pa)
                over = _overhead_time(inst, ins.d, pa) / len(seq)
                for c in seq:
                    target[c] = over
            for c in cust:
                extra[c] = 0.5 * extra[c] + 0.5 * target[c]
            if best is None or (got[0], got[1] + 1e-9) < (best[0], best[1]):
                best = got
                plan_init = [[nodes.index(c) for c in _customers_of(inst, pa)] for pa in paths]
        if best is None and time.perf_counter() > deadline:
            break
    if best is None:
        # fall back to one customer per route, always feasible if any solution is
        singles = _evaluate(ins, [(c,) for c in cust])
        if singles is None:
            raise InfeasibleError(
                f"{inst.name}: some customer cannot be served within battery and time windows",
                binding=["battery", "time windows"],
            )
        best = singles
    elif time.perf_counter() < deadline:
        polished = _improve(ins, best[2], deadline)
        total = 0.0
        for pa in polished:
            part = ins.route(_customers_of(inst, pa))
            total += part[0] if part is not None else float("inf")
        if (len(polished), total + 1e-9) < (best[0], best[1]):
            best = (len(polished), total, polished)
    paths = best[2]
    id_routes = tuple(tuple(inst.ids[i] for i in path) for path in paths)
    rep = check_solution(inst, id_routes)
    return VrpSolution(
        instance=inst.name,
        kind=inst.kind,
        method="pyvrp+station-dp",
        distance=rep.distance,
        vehicles=rep.vehicles,
        routes=id_routes,
        wall_s=time.perf_counter() - t0,
        feasible=rep.feasible,
        bks=bks,
    )
