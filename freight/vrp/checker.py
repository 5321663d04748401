"""Independent solution checker: feasibility and cost recomputed from the instance alone.

Deliberately shares no code with the solvers (it re-derives distances from coordinates,
walks each route in floating point and lists every violated rule), so tests and benches
can trust its verdict.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from freight.vrp.instances import CvrpInstance, EvrptwInstance, VrptwInstance

__all__ = ["CheckReport", "check_solution"]

#: Slack for floating-point comparisons of times, energy and load.
EPS = 1e-6


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Verdict of the checker: recomputed distance and vehicles, and every violation found."""

    feasible: bool
    distance: float
    vehicles: int
    violations: tuple[str, ...]


def _dist(inst: VrptwInstance | CvrpInstance | EvrptwInstance, i: int, j: int) -> float:
    d = math.hypot(inst.x[i] - inst.x[j], inst.y[i] - inst.y[j])
    if isinstance(inst, CvrpInstance):
        return float(math.floor(d + 0.5))
    return d


def check_solution(
    inst: VrptwInstance | CvrpInstance | EvrptwInstance,
    routes: Sequence[Sequence[int | str]],
) -> CheckReport:
    """Check ``routes`` (depot left out) against ``inst``.

    VRPTW/CVRP routes list customer numbers (1..n); E-VRPTW routes list StringIDs,
    station visits included. Every customer must be served exactly once.
    """
    if isinstance(inst, EvrptwInstance):
        return _check_evrptw(inst, routes)
    bad: list[str] = []
    n = len(inst.x)
    seen: dict[int, int] = {}
    total = 0.0
    used = 0
    for k, route in enumerate(routes):
        if not route:
            continue
        used += 1
        nodes: list[int] = []
        for v in route:
            if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v < n:
                bad.append(f"route {k}: {v!r} is not a customer number 1..{n - 1}")
                continue
            nodes.append(v)
            seen[v] = seen.get(v, 0) + 1
        load = sum(inst.demand[v] for v in nodes)
        if load > inst.capacity + EPS:
            bad.append(f"route {k}: load {load:g} exceeds capacity {inst.capacity:g}")
        path = [0, *nodes, 0]
        total += sum(_dist(inst, a, b) for a, b in zip(path, path[1:], strict=False))
        if isinstance(inst, VrptwInstance):
            t = inst.ready[0]
            for a, b in zip(path, path[1:], strict=False):
                t += (inst.service[a] if a else 0.0) + _dist(inst, a, b)
                if t > inst.due[b] + EPS:
                    what = "depot" if b == 0 else f"customer {b}"
                    bad.append(f"route {k}: arrives at {what} at {t:.4f} after due {inst.due[b]:g}")
                    break
                t = max(t, inst.ready[b])
    for v in range(1, n):
        if seen.get(v, 0) != 1:
            bad.append(f"customer {v} served {seen.get(v, 0)} times")
    if isinstance(inst, VrptwInstance) and used > inst.num_vehicles:
        bad.append(f"{used} routes exceed the fleet of {inst.num_vehicles}")
    return CheckReport(not bad, total, used, tuple(bad))


def _check_evrptw(inst: EvrptwInstance, routes: Sequence[Sequence[int | str]]) -> CheckReport:
    bad: list[str] = []
    index = {sid: i for i, sid in enumerate(inst.ids)}
    seen: dict[int, int] = {}
    total = 0.0
    used = 0
    q, r, g, v = inst.battery, inst.consumption_rate, inst.recharge_rate, inst.velocity
    for k, route in enumerate(routes):
        if not route:
            continue
        nodes: list[int] = []
        for sid in route:
            i = index.get(str(sid), -1)
            if i <= 0:
                bad.append(f"route {k}: {sid!r} is not a customer or station StringID")
                continue
            nodes.append(i)
            if inst.node_type[i] == "c":
                seen[i] = seen.get(i, 0) + 1
        if not any(inst.node_type[i] == "c" for i in nodes):
            bad.append(f"route {k}: serves no customer")
        used += 1
        load = sum(inst.demand[i] for i in nodes)
        if load > inst.capacity + EPS:
            bad.append(f"route {k}: load {load:g} exceeds capacity {inst.capacity:g}")
        t = inst.ready[0]
        energy = q
        path = [0, *nodes, 0]
        for a, b in zip(path, path[1:], strict=False):
            d = _dist(inst, a, b)
            total += d
            t += d / v
            energy -= r * d
            name = inst.ids[b]
            if energy < -EPS:
                bad.append(f"route {k}: battery empty ({energy:.4f}) on arrival at {name}")
            if t > inst.due[b] + EPS:
                bad.append(f"route {k}: arrives at {name} at {t:.4f} after due {inst.due[b]:g}")
            t = max(t, inst.ready[b])
            if inst.node_type[b] == "f":
                t += g * (q - energy)
                energy = q
            else:
                t += inst.service[b]
    for i in inst.customers:
        if seen.get(i, 0) != 1:
            bad.append(f"customer {inst.ids[i]} served {seen.get(i, 0)} times")
    return CheckReport(not bad, total, used, tuple(bad))
