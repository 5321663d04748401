"""Route minimisation for the E-VRPTW: ejection pool with exact station insertion.

An adaptation of Nagata & Bräysy (2009), "A powerful route minimization heuristic for
the vehicle routing problem with time windows", to the energy resource. Customer
sequences are the search space; a sequence is feasible when ``StationInserter`` finds a
station placement meeting battery, time windows and capacity (exact for the sequence),
so every plan this module returns is feasible as it stands.

* ``empty_pool``: the fleet is fixed; customers waiting in the ejection pool (a stack)
  are inserted one at a time. A customer that fits nowhere is inserted anyway and up to
  ``K_MAX`` other customers of that route are ejected, choosing the set with the smallest
  sum of penalty counters ``p`` (``p[v]`` counts how often ``v`` could not be inserted,
  so customers that are hard to place are ejected less and less). After each ejection a
  few random feasible relocations and tail exchanges perturb the plan so the search does
  not cycle.
* ``minimise_routes``: remove one route, put its customers in the pool and empty it;
  on success repeat with one route fewer, on failure restore and try another route.

Determinism: with ``deadline=inf`` the result depends only on the input and ``seed``
(iteration budgets stop the search). Wall-clock deadlines make it depend on machine speed.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from freight.errors import InputError
from freight.vrp.evrptw_stations import StationInserter

__all__ = ["K_MAX", "RouteMinResult", "empty_pool", "minimise_routes"]

#: Most customers ejected to make room for one pool customer.
K_MAX = 2
#: Random perturbation moves attempted after every ejection.
PERTURB_MOVES = 30
#: Neighbours per customer considered by perturbation moves (nearest by distance).
NEIGHBOURS = 12

Seq = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RouteMinResult:
    """Outcome of ``minimise_routes``: feasible customer sequences (one per route)."""

    routes: tuple[Seq, ...]
    vehicles: int
    distance: float
    iterations: int  # pool customers handled over all attempts
    attempts: int  # route removals tried
    successes: int  # route removals that emptied the pool
    previous: tuple[Seq, ...] | None = None  # the plan with one route more, if any


class _Search:
    """Fast necessary checks (load, direct-drive time windows) in front of the exact DP."""

    def __init__(self, ins: StationInserter, rng: random.Random) -> None:
        inst = ins.inst
        self.ins = ins
        self.rng = rng
        n = len(inst.ids)
        v = inst.velocity
        self.tt = [[float(ins.d[i, j]) / v for j in range(n)] for i in range(n)]
        self.ready = list(inst.ready)
        self.due = list(inst.due)
        self.service = list(inst.service)
        self.demand = list(inst.demand)
        self.cap = inst.capacity + 1e-9
        cust = list(inst.customers)
        self.near = {
            c: sorted((o for o in cust if o != c), key=lambda o: float(ins.d[c, o]))[:NEIGHBOURS]
            for c in cust
        }

    def tw_ok(self, seq: Sequence[int]) -> bool:
        """Time windows hold when driving directly (necessary: stations only add time)."""
        tt, ready, due, service = self.tt, self.ready, self.due, self.service
        t = ready[0]
        prev = 0
        for j in seq:
            t += tt[prev][j]
            if t > due[j] + 1e-9:
                return False
            rj = ready[j]
            t = (rj if rj > t else t) + service[j]
            prev = j
        return t + tt[prev][0] <= due[0] + 1e-9

    def feasible(self, seq: Seq) -> bool:
        if not seq:
            return True
        if sum(self.demand[c] for c in seq) > self.cap:
            return False
        return self.tw_ok(seq) and self.ins.route(seq) is not None


def _feasible_insertions(s: _Search, seqs: list[Seq], v: int) -> list[tuple[float, int, Seq]]:
    """Every feasible (added distance, route, new sequence) inserting ``v``, cheapest first."""
    ins = s.ins
    out: list[tuple[float, int, Seq]] = []
    for b, sb in enumerate(seqs):
        if sum(s.demand[c] for c in sb) + s.demand[v] > s.cap:
            continue
        base = ins.route(sb)
        base_d = base[0] if base is not None else 0.0
        for pos in range(len(sb) + 1):
            cand = (*sb[:pos], v, *sb[pos:])
            if not s.tw_ok(cand):
                continue
            got = ins.route(cand)
            if got is not None:
                out.append((got[0] - base_d, b, cand))
    out.sort(key=lambda m: m[0])
    return out


def _eject_insert(
    s: _Search, seqs: list[Seq], v: int, p: dict[int, int], k_max: int
) -> tuple[int, Seq, tuple[int, ...]] | None:
    """Insert ``v`` and eject at most ``k_max`` others: minimum sum of ``p`` (random ties).

    Cheap filters before the exact DP: load, and direct-drive time windows resumed from
    the first ejected position (the prefix before it is unchanged); an ejection set that
    leaves the first late customer's prefix intact cannot help and is skipped.
    """
    tt, ready, due, service, demand = s.tt, s.ready, s.due, s.service, s.demand
    due0 = due[0] + 1e-9
    best_key: tuple[int, float] | None = None
    best: tuple[int, Seq, tuple[int, ...]] | None = None
    order = list(range(len(seqs)))
    s.rng.shuffle(order)
    for b in order:
        sb = seqs[b]
        if not sb:
            continue
        load = sum(demand[c] for c in sb) + demand[v]
        for pos in range(len(sb) + 1):
            full = (*sb[:pos], v, *sb[pos:])
            n = len(full)
            # departure times along `full` (direct drive) up to the first late visit
            dep: list[float] = []
            t, prev, late = ready[0], 0, n
            for i, j in enumerate(full):
                t += tt[prev][j]
                if t > due[j] + 1e-9:
                    late = i
                    break
                rj = ready[j]
                t = (rj if rj > t else t) + service[j]
                dep.append(t)
                prev = j
            pk = [p[c] for c in full]
            dk = [demand[c] for c in full]
            others = [k for k in range(n) if k != pos]
            for k in range(1, min(k_max, len(others)) + 1):
                if best_key is not None and k > best_key[0]:
                    break  # every counter is >= 1
                for drop in itertools.combinations(others, k):
                    m = drop[0]
                    if m > late:
                        break  # lexicographic order: every later set starts after `late` too
                    if k == 1:
                        psum, dsum = pk[m], dk[m]
                    elif k == 2:
                        psum, dsum = pk[m] + pk[drop[1]], dk[m] + dk[drop[1]]
                    else:
                        psum, dsum = sum(pk[i] for i in drop), sum(dk[i] for i in drop)
                    if best_key is not None and psum > best_key[0]:
                        continue
                    if load - dsum > s.cap:
                        continue
                    tie = s.rng.random()
                    if best_key is not None and (psum, tie) >= best_key:
                        continue
                    # resume the time-window check at the first ejected position
                    t = dep[m - 1] if m else ready[0]
                    prev = full[m - 1] if m else 0
                    ok = True
                    for i in range(m + 1, n):
                        if i in drop:
                            continue
                        j = full[i]
                        t += tt[prev][j]
                        if t > due[j] + 1e-9:
                            ok = False
                            break
                        rj = ready[j]
                        t = (rj if rj > t else t) + service[j]
                        prev = j
                    if not ok or t + tt[prev][0] > due0:
                        continue
                    cand = tuple(c for i, c in enumerate(full) if i not in drop)
                    if s.ins.route(cand) is not None:
                        best_key = (psum, tie)
                        best = (b, cand, tuple(full[i] for i in drop))
    return best


def _perturb(s: _Search, seqs: list[Seq], where: dict[int, int], moves: int) -> None:
    """Random feasible relocations / tail exchanges between neighbouring routes."""
    rng = s.rng
    cust = [c for sq in seqs for c in sq]
    if not cust:
        return
    for _ in range(moves):
        c = rng.choice(cust)
        o = rng.choice(s.near[c])
        if o not in where:  # o waits in the pool
            continue
        a, b = where[c], where[o]
        if a == b:
            continue
        sa, sb = seqs[a], seqs[b]
        ia, ib = sa.index(c), sb.index(o)
        if rng.random() < 0.5:
            # relocate c next to o (before or after)
            if len(sa) == 1:
                continue  # never empty a route here: the fleet is fixed
            pos = ib + rng.randint(0, 1)
            na = sa[:ia] + sa[ia + 1 :]
            nb = (*sb[:pos], c, *sb[pos:])
        else:
            # 2-opt*: a keeps its head up to c, then o's tail; b the reverse
            na = sa[: ia + 1] + sb[ib + 1 :]
            nb = sb[: ib + 1] + sa[ia + 1 :]
            if not na or not nb:
                continue
        if s.feasible(na) and s.feasible(nb):
            seqs[a], seqs[b] = na, nb
            for x in na:
                where[x] = a
            for x in nb:
                where[x] = b


def _pool_loop(
    s: _Search,
    seqs: list[Seq],
    pool: list[int],
    deadline: float,
    max_iters: int,
    perturb_moves: int = PERTURB_MOVES,
) -> tuple[bool, int]:
    """Empty ``pool`` into ``seqs`` in place (fleet fixed); (success, pool customers handled)."""
    p = {c: 1 for sq in seqs for c in sq}
    p.update(dict.fromkeys(pool, 1))
    where = {c: k for k, sq in enumerate(seqs) for c in sq}
    it = 0
    while pool:
        if it >= max_iters or time.perf_counter() > deadline:
            return False, it
        it += 1
        v = pool.pop()
        moves = _feasible_insertions(s, seqs, v)
        if moves:
            _, b, cand = moves[0]
            seqs[b] = cand
            where[v] = b
            continue
        p[v] += 1
        ej = _eject_insert(s, seqs, v, p, K_MAX)
        if ej is None:  # nothing fits even alone: put it back at the bottom
            pool.insert(0, v)
            continue
        b, cand, out = ej
        seqs[b] = cand
        for c in cand:
            where[c] = b
        for c in out:
            where.pop(c, None)
        pool.extend(out)
        _perturb(s, seqs, where, perturb_moves)
    return True, it


def empty_pool(
    ins: StationInserter,
    seqs: Sequence[Seq],
    pool: Sequence[int],
    *,
    seed: int = 0,
    deadline: float = float("inf"),
    max_iters: int = 2000,
    perturb_moves: int = PERTURB_MOVES,
) -> list[Seq] | None:
    """Serve ``pool`` with the routes ``seqs`` (feasible, count fixed), or None if stopped.

    The input routes must be feasible; the returned ones are, and serve the same customers.
    """
    s = _Search(ins, random.Random(seed))
    work = [tuple(sq) for sq in seqs]
    for sq in work:
        if not s.feasible(sq):
            raise InputError(f"route {sq} is not feasible; empty_pool needs feasible routes")
    ok, _ = _pool_loop(s, work, list(pool), deadline, max_iters, perturb_moves)
    return work if ok else None


def _distance(ins: StationInserter, seqs: Sequence[Seq]) -> float:
    total = 0.0
    for sq in seqs:
        got = ins.route(sq)
        if got is None:  # pragma: no cover - only feasible routes are kept
            raise InputError(f"route {sq} is not feasible")
        total += got[0]
    return total


def minimise_routes(
    ins: StationInserter,
    seqs: Sequence[Seq],
    *,
    seed: int = 0,
    deadline: float = float("inf"),
    max_iters: int = 2000,
    max_attempts: int = 1000,
    patience: int = 2,
    min_routes: int = 1,
) -> RouteMinResult:
    """Remove routes one at a time while the ejection pool can re-serve their customers.

    ``max_iters`` bounds the pool customers handled per attempt, ``max_attempts`` the
    route removals; stops at ``min_routes`` (a known lower bound), after ``patience``
    failed removals in a row, or at ``deadline``.
    """
    rng = random.Random(seed)
    s = _Search(ins, rng)
    best = [tuple(sq) for sq in seqs if sq]
    for sq in best:
        if not s.feasible(sq):
            raise InputError(f"route {sq} is not feasible; minimise_routes needs feasible routes")
    iters = attempts = wins = fails = 0
    previous: list[Seq] | None = None
    while len(best) > min_routes and attempts < max_attempts:
        if time.perf_counter() > deadline:
            break
        attempts += 1
        # smaller routes are easier to dissolve: pick by weight 1/len
        weights = [1.0 / len(sq) for sq in best]
        k = rng.choices(range(len(best)), weights=weights)[0]
        work = [sq for i, sq in enumerate(best) if i != k]
        pool = list(best[k])
        rng.shuffle(pool)
        ok, n = _pool_loop(s, work, pool, deadline, max_iters)
        iters += n
        if ok:
            wins += 1
            fails = 0
            previous, best = best, work
        else:
            fails += 1
            if fails >= patience:
                break
    return RouteMinResult(
        routes=tuple(best),
        vehicles=len(best),
        distance=_distance(ins, best),
        iterations=iters,
        attempts=attempts,
        successes=wins,
        previous=None if previous is None else tuple(previous),
    )
