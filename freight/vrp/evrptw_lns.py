"""Distance descent for the E-VRPTW at a fixed fleet: ruin and recreate with exact checks.

Each iteration removes a cluster of related customers (a seed customer and its nearest
neighbours in space and time) or, as in SISR, strings of consecutive customers from the
one to three routes nearest a seed customer, and re-inserts
them one at a time at the cheapest position that ``StationInserter`` can make feasible
(battery, time windows and capacity exact for the sequence), in random order with a
small chance of skipping the best position ("blinks", as in SISR by Christiaens &
Vanden Berghe 2020). A plan that cannot re-insert everyone is dropped, so the fleet
never grows. Acceptance is a linearly falling threshold (record-to-record style), so the
search can cross small ridges early and only descends at the end.

Deterministic for a given seed when stopped by ``max_iters`` (``deadline=inf``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from freight.errors import InputError
from freight.vrp.evrptw_stations import StationInserter

__all__ = ["LnsResult", "ruin_recreate"]

Seq = tuple[int, ...]

#: Customers removed per iteration (drawn uniformly from this range).
RUIN_MIN, RUIN_MAX = 4, 12
#: Share of iterations that remove strings (consecutive customers) of 1-3 nearby routes.
STRING_SHARE = 0.5
#: Longest string removed from one route.
STRING_MAX = 8
#: Probability of skipping a feasible position while re-inserting (diversification).
BLINK = 0.05
#: Starting acceptance threshold as a fraction of the plan's distance.
THRESHOLD_START = 0.01


@dataclass(frozen=True, slots=True)
class LnsResult:
    """Best plan found (customer sequences) and how the search went."""

    routes: tuple[Seq, ...]
    distance: float
    iterations: int
    improvements: int
    accepted: int  # iterations whose plan became the current one
    failed: int  # iterations that could not re-insert every removed customer


class _Plan:
    def __init__(self, ins: StationInserter, seqs: Sequence[Seq]) -> None:
        self.ins = ins
        self.seqs = [tuple(s) for s in seqs]
        self.dist = []
        for s in self.seqs:
            got = ins.route(s) if s else (0.0, ())
            if got is None:
                raise InputError(f"route {s} is not feasible; ruin_recreate needs feasible routes")
            self.dist.append(got[0])

    @property
    def total(self) -> float:
        return float(sum(self.dist))


def _relatedness(ins: StationInserter) -> dict[int, list[int]]:
    """Customers of the instance sorted by distance plus time-window separation."""
    inst = ins.inst
    cust = list(inst.customers)
    out: dict[int, list[int]] = {}
    for c in cust:
        mid_c = 0.5 * (inst.ready[c] + inst.due[c])

        def key(o: int, c: int = c, mid_c: float = mid_c) -> float:
            mid_o = 0.5 * (inst.ready[o] + inst.due[o])
            return float(ins.d[c, o]) + 0.5 * abs(mid_c - mid_o)

        out[c] = sorted((o for o in cust if o != c), key=key)
    return out


class _Tables:
    """Plain-float travel times, distances and windows; per-sequence loads and slack."""

    def __init__(self, ins: StationInserter) -> None:
        inst = ins.inst
        n = len(inst.ids)
        self.tt = [[float(ins.d[i, j]) / inst.velocity for j in range(n)] for i in range(n)]
        self.dm = [[float(ins.d[i, j]) for j in range(n)] for i in range(n)]
        self.ready, self.due = list(inst.ready), list(inst.due)
        self.service, self.demand = list(inst.service), list(inst.demand)
        self.cap = inst.capacity + 1e-9
        self._memo: dict[Seq, tuple[float, float, list[float], list[float]]] = {}

    def info(self, seq: Seq) -> tuple[float, float, list[float], list[float]]:
        """Load, direct distance, earliest departures and latest starts along ``seq``."""
        got = self._memo.get(seq)
        if got is not None:
            return got
        if len(self._memo) > 100_000:
            self._memo.clear()
        tt, ready, due, service = self.tt, self.ready, self.due, self.service
        nodes = (0, *seq, 0)
        dep = [ready[0]]
        for i in range(1, len(nodes) - 1):
            t = dep[-1] + tt[nodes[i - 1]][nodes[i]]
            dep.append(max(t, ready[nodes[i]]) + service[nodes[i]])
        latest = [0.0] * len(nodes)
        latest[-1] = due[0]
        for i in range(len(nodes) - 2, 0, -1):
            j = nodes[i]
            latest[i] = min(due[j], latest[i + 1] - tt[j][nodes[i + 1]] - service[j])
        direct = sum(self.dm[a][b] for a, b in zip(nodes, nodes[1:], strict=False))
        res = (sum(self.demand[x] for x in seq), direct, dep, latest)
        self._memo[seq] = res
        return res


def _ruin(
    rng: random.Random, seqs: list[Seq], cust: list[int], related: dict[int, list[int]]
) -> list[int]:
    """Customers to remove: a seed customer and related ones, or strings of the routes
    nearest it."""
    c0 = rng.choice(cust)
    k = rng.randint(RUIN_MIN, RUIN_MAX)
    removed: list[int] = [c0]
    if rng.random() < STRING_SHARE:
        where = {c: b for b, sb in enumerate(seqs) for c in sb}
        hit: set[int] = set()
        routes_left = rng.randint(1, 3)
        for o in (c0, *related[c0]):
            b = where[o]
            if b in hit:
                continue
            hit.add(b)
            sb = seqs[b]
            length = min(len(sb), rng.randint(1, STRING_MAX))
            i = sb.index(o)
            lo = rng.randint(max(0, i - length + 1), min(i, len(sb) - length))
            removed.extend(x for x in sb[lo : lo + length] if x != c0)
            routes_left -= 1
            if routes_left == 0:
                break
    else:
        for o in related[c0]:
            if len(removed) >= k:
                break
            if rng.random() < 0.7:
                removed.append(o)
    return removed


def _remove(ins: StationInserter, seqs: list[Seq], dist: list[float], removed: list[int]) -> bool:
    """Take ``removed`` out of their routes; False if a shortened route became infeasible
    (a station placement broke: rare, the move is skipped)."""
    gone = set(removed)
    for b, sb in enumerate(seqs):
        if gone.intersection(sb):
            rest = tuple(c for c in sb if c not in gone)
            got = ins.route(rest) if rest else (0.0, ())
            if got is None:
                return False
            seqs[b] = rest
            dist[b] = got[0]
    return True


def _best_insertion(
    rng: random.Random,
    ins: StationInserter,
    tab: _Tables,
    seqs: list[Seq],
    dist: list[float],
    c: int,
) -> tuple[float, int, Seq, float] | None:
    """Cheapest feasible (delta, route, sequence, distance) for ``c``, or None.

    Positions are tried by a lower bound (direct detour minus the route's station detours)
    and checked exactly; a feasible better position is skipped with probability ``BLINK``.
    """
    tt, dm, ready, due, service = tab.tt, tab.dm, tab.ready, tab.due, tab.service
    best_mv: tuple[float, int, Seq, float] | None = None
    cands: list[tuple[float, float, int, int]] = []
    for b, sb in enumerate(seqs):
        if not sb:
            continue
        load, direct, dep, latest = tab.info(sb)
        if load + tab.demand[c] > tab.cap:
            continue
        slack = dist[b] - direct  # station detours: a delta lower bound
        nodes = (0, *sb, 0)
        for pos in range(len(sb) + 1):
            a, z = nodes[pos], nodes[pos + 1]
            arr = dep[pos] + tt[a][c]
            if arr > due[c] + 1e-9:
                continue
            rc = ready[c]
            if (rc if rc > arr else arr) + service[c] + tt[c][z] > latest[pos + 1]:
                continue
            dd = dm[a][c] + dm[c][z] - dm[a][z]
            cands.append((dd - slack, dd, b, pos))
    cands.sort()
    for lb, _, b, pos in cands:
        if best_mv is not None and lb >= best_mv[0]:
            break
        sb = seqs[b]
        cand = (*sb[:pos], c, *sb[pos:])
        got = ins.route(cand)
        if got is None:
            continue
        delta = got[0] - dist[b]
        if best_mv is not None and delta >= best_mv[0]:
            continue
        if best_mv is not None and rng.random() < BLINK:
            continue
        best_mv = (delta, b, cand, got[0])
    return best_mv


def _recreate(
    rng: random.Random,
    ins: StationInserter,
    tab: _Tables,
    seqs: list[Seq],
    dist: list[float],
    removed: list[int],
) -> bool:
    """Re-insert ``removed`` one by one (random order, by time-window width, or farthest
    from the depot first); False if one of them fits nowhere."""
    mode = rng.random()
    if mode < 0.4:
        rng.shuffle(removed)
    elif mode < 0.7:
        removed.sort(key=lambda c: tab.due[c] - tab.ready[c])
    else:
        removed.sort(key=lambda c: -float(ins.d[0, c]))
    for c in removed:
        mv = _best_insertion(rng, ins, tab, seqs, dist, c)
        if mv is None:
            return False
        _, b, cand, dnew = mv
        seqs[b] = cand
        dist[b] = dnew
    return True


def ruin_recreate(
    ins: StationInserter,
    seqs: Sequence[Seq],
    *,
    seed: int = 0,
    deadline: float = float("inf"),
    max_iters: int = 1000,
) -> LnsResult:
    """Shorten a feasible plan without adding routes (see module docstring)."""
    rng = random.Random(seed)
    cur = _Plan(ins, [s for s in seqs if s])
    best_seqs, best_total = list(cur.seqs), cur.total
    related = _relatedness(ins)
    tab = _Tables(ins)
    cust = list(ins.inst.customers)
    start = time.perf_counter()
    span = deadline - start
    it = improvements = accepted = failed = 0
    while it < max_iters:
        now = time.perf_counter()
        if now > deadline:
            break
        # threshold falls linearly with the progress (iterations or time, whichever is further)
        progress = it / max_iters
        if span != float("inf") and span > 0:
            progress = max(progress, (now - start) / span)
        threshold = THRESHOLD_START * best_total * max(0.0, 1.0 - progress)
        it += 1
        seqs_new, dist_new = list(cur.seqs), list(cur.dist)
        removed = _ruin(rng, seqs_new, cust, related)
        if not _remove(ins, seqs_new, dist_new, removed):
            continue
        if not _recreate(rng, ins, tab, seqs_new, dist_new, removed):
            failed += 1
            continue
        total = float(sum(dist_new))
        if total < cur.total + threshold:
            accepted += 1
            cur.seqs, cur.dist = seqs_new, dist_new
            if total < best_total - 1e-9:
                best_seqs, best_total = list(seqs_new), total
                improvements += 1
    return LnsResult(
        routes=tuple(s for s in best_seqs if s),
        distance=best_total,
        iterations=it,
        improvements=improvements,
        accepted=accepted,
        failed=failed,
    )
