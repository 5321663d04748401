"""Exact recharging-station placement on a fixed customer sequence (E-VRPTW, full recharge).

``StationInserter.route(seq)`` is the one feasibility oracle of the 100-customer
heuristics: a label DP over the positions of the route chooses for every gap a direct
drive or a chain of one (or, if no single station reaches, two) stations (``evrptw_legs``,
the same enumeration as the exact method's); labels are
(distance, time, energy) Pareto sets, so the shortest energy-, time- and capacity-feasible
completion of the sequence is found. Results are cached per sequence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from freight.vrp.evrptw_legs import ChainRule, Leg, LegTable
from freight.vrp.instances import EvrptwInstance

__all__ = ["MAX_CACHE", "StationInserter"]

_EPS = 1e-9
#: Sequences remembered by ``StationInserter.route`` before the cache is cleared (memory).
MAX_CACHE = 200_000


class StationInserter:
    """Optimal station placement on fixed customer sequences of one instance (cached)."""

    def __init__(self, inst: EvrptwInstance) -> None:
        self.inst = inst
        self.d: np.ndarray = inst.distance_matrix()
        self._legs = LegTable(inst, self.d, ChainRule.TWO_IF_NEEDED)
        self._cache: dict[tuple[int, ...], tuple[float, tuple[int, ...]] | None] = {}

    def legs(self, i: int, j: int) -> list[Leg]:
        """Direct drive and non-dominated station chains ``i -> j`` (two-station chains
        only where nothing shorter connects the pair: ``ChainRule.TWO_IF_NEEDED``)."""
        return self._legs(i, j)

    def route(self, seq: Sequence[int]) -> tuple[float, tuple[int, ...]] | None:
        """Cheapest feasible node path (stations inserted) serving ``seq`` in order, or None."""
        key = tuple(seq)
        if key in self._cache:
            return self._cache[key]
        if len(self._cache) >= MAX_CACHE:
            self._cache.clear()  # bounded memory; entries are cheap to recompute
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
