"""Ways to drive between two E-VRPTW nodes: directly or through a chain of stations.

One enumeration serves both E-VRPTW methods. Under full recharge a leg from ``i`` to ``j``
is a direct drive or a chain of one or two recharging stations; a chain is kept unless
another one is as short, as fast, needs no more energy on leaving ``i`` and arrives with
at least as much (ties broken by distance, time, stations). Two rules decide which
chains are candidates (``ChainRule``):

* ``ALL``: every one- and two-station chain (the exact method: every non-dominated leg,
  so the route enumeration is complete);
* ``TWO_IF_NEEDED``: two-station chains only when neither a direct drive nor a single
  station connects the pair (the 100-customer heuristic: fewer labels per gap).

``build_legs`` tabulates every ordered pair at once; ``LegTable`` computes pairs on demand
(large instances, where most pairs are never asked for).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from freight.vrp.instances import EvrptwInstance

__all__ = ["EPS", "ChainRule", "Leg", "LegTable", "build_legs"]

#: Tolerance of every energy, time and distance comparison of the E-VRPTW code.
EPS = 1e-9


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


class ChainRule(StrEnum):
    """Which station chains are candidates for a leg (see the module docstring)."""

    ALL = "all"
    TWO_IF_NEEDED = "two-if-needed"


# A station chain without its first and last hop: (stations, first, last, distance between
# the stations, time of the full recharges after the first).
_Inner = tuple[tuple[int, ...], int, int, float, float]
# A chain reachable from i: (stations, last station, distance so far, energy needed,
# time of the first recharge's fixed part, time of the later recharges).
_Start = tuple[tuple[int, ...], int, float, float, float, float]


class _Chains:
    """The station chains of one instance and the arithmetic of legs through them."""

    def __init__(self, inst: EvrptwInstance, d: np.ndarray, max_chain: int) -> None:
        self.inst = inst
        self.dd: list[list[float]] = d.tolist()  # plain floats: ~4x faster, same values
        q, r, g = inst.battery, inst.consumption_rate, inst.recharge_rate
        self.cap = q + EPS
        dd = self.dd
        self.inner: list[_Inner] = [((s,), s, s, 0.0, 0.0) for s in inst.stations]
        if max_chain >= 2:
            self.inner += [
                ((s1, s2), s1, s2, dd[s1][s2], g * r * dd[s1][s2])
                for s1 in inst.stations
                for s2 in inst.stations
                if s1 != s2 and r * dd[s1][s2] <= self.cap
            ]

    def starts(self, i: int) -> tuple[list[_Start], list[_Start]]:
        """The one- and the two-station chains whose first station ``i`` reaches."""
        r, g = self.inst.consumption_rate, self.inst.recharge_rate
        di = self.dd[i]
        got = [
            (ch, last, di[first] + between, r * di[first], g * r * di[first], later)
            for ch, first, last, between, later in self.inner
            if r * di[first] <= self.cap
        ]
        return [st for st in got if len(st[0]) == 1], [st for st in got if len(st[0]) == 2]

    def legs(
        self, i: int, j: int, starts: tuple[list[_Start], list[_Start]], rule: ChainRule
    ) -> list[Leg]:
        """Direct drive (if in range) followed by the non-dominated chains, ``i -> j``."""
        inst, dd = self.inst, self.dd
        q, r, v = inst.battery, inst.consumption_rate, inst.velocity
        dij = dd[i][j]
        direct = [Leg((), dij, r * dij, dij / v, -1.0)] if r * dij <= self.cap else []
        reach = [st for st in starts[0] if r * dd[st[1]][j] <= self.cap]
        if rule is ChainRule.ALL or not (reach or direct):
            reach += [st for st in starts[1] if r * dd[st[1]][j] <= self.cap]
        chained = [
            Leg(ch, dist + dd[last][j], need, (dist + dd[last][j]) / v + first + later,
                q - r * dd[last][j])
            for ch, last, dist, need, first, later in reach
        ]  # fmt: skip
        return direct + _pareto_chains(chained)


def _pareto_chains(chained: list[Leg]) -> list[Leg]:
    """The chains no other chain dominates (see the module docstring), in their order."""
    order = sorted(
        range(len(chained)),
        key=lambda k: (chained[k].distance, chained[k].fixed_time, chained[k].stations),
    )
    dominated = [False] * len(chained)
    for pos, k in enumerate(order):
        a = chained[k]
        for b in (chained[x] for x in order[:pos]):
            if (
                b.fixed_time <= a.fixed_time + EPS
                and b.distance <= a.distance + EPS
                and b.need_e <= a.need_e + EPS
                and b.e_at_j >= a.e_at_j - EPS
            ):
                dominated[k] = True
                break
    return [leg for k, leg in enumerate(chained) if not dominated[k]]


def build_legs(inst: EvrptwInstance, d: np.ndarray, max_chain: int = 2) -> list[list[list[Leg]]]:
    """Legs (``ChainRule.ALL``, 0..``max_chain`` stations) for every ordered pair of
    customers and depot; ``legs[i][j]`` is empty when ``j`` cannot be reached from ``i``."""
    chains = _Chains(inst, d, max_chain)
    n = len(inst.ids)
    ends = [i for i in range(n) if inst.node_type[i] != "f"]
    legs: list[list[list[Leg]]] = [[[] for _ in range(n)] for _ in range(n)]
    for i in ends:
        starts = chains.starts(i)
        for j in ends:
            if j != i:
                legs[i][j] = chains.legs(i, j, starts, ChainRule.ALL)
    return legs


class LegTable:
    """Legs between node pairs, computed when first asked for and remembered."""

    def __init__(
        self, inst: EvrptwInstance, d: np.ndarray, rule: ChainRule = ChainRule.ALL
    ) -> None:
        self._chains = _Chains(inst, d, 2)
        self._rule = rule
        self._starts: dict[int, tuple[list[_Start], list[_Start]]] = {}
        self._legs: dict[tuple[int, int], list[Leg]] = {}

    def __call__(self, i: int, j: int) -> list[Leg]:
        """The legs ``i -> j`` (direct first, then station chains)."""
        key = (i, j)
        got = self._legs.get(key)
        if got is None:
            starts = self._starts.get(i)
            if starts is None:
                starts = self._starts[i] = self._chains.starts(i)
            got = self._legs[key] = self._chains.legs(i, j, starts, self._rule)
        return got
