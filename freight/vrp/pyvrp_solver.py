"""Routing search with PyVRP (Wouters et al., state-of-the-art HGS, actively maintained).

PyVRP needs integers: every distance, time and demand is scaled by the one constant
``SCALE`` at this boundary. Distances are rounded; travel and service *durations* are
rounded **up**, so a route that is time-feasible in PyVRP's integers is also
time-feasible with the true unrounded values. Reported distances are recomputed from
coordinates by the caller, never read back from the scaled integers.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, Solution, VehicleType
from pyvrp import solve as pyvrp_solve
from pyvrp.stop import MaxRuntime

from freight.errors import InputError, SolverError
from freight.vrp.checker import check_solution
from freight.vrp.instances import CvrpInstance, VrptwInstance
from freight.vrp.result import BestKnown, VrpSolution

__all__ = ["SCALE", "TwRouting", "pyvrp_routes", "solve_cvrp", "solve_vrptw"]

#: Fixed-point scale for unrounded Euclidean data (1/1000 of a distance/time unit).
SCALE = 1000


@dataclass(frozen=True, slots=True)
class TwRouting:
    """A capacitated VRPTW on points (node 0 = depot) as handed to PyVRP.

    ``travel_time`` may differ from ``distance`` (same units). ``fixed_cost`` per used
    vehicle (in distance units) makes PyVRP minimise vehicles first when large.
    """

    distance: np.ndarray
    travel_time: np.ndarray
    demand: Sequence[float]
    ready: Sequence[float]
    due: Sequence[float]
    service: Sequence[float]
    capacity: float
    num_vehicles: int
    fixed_cost: float = 0.0
    scale: int = SCALE


def _problem_data(p: TwRouting) -> ProblemData:
    n = p.distance.shape[0]
    s = p.scale
    dist = np.round(p.distance * s).astype(np.int64)
    dur = np.ceil(p.travel_time * s - 1e-9).astype(np.int64)
    np.fill_diagonal(dist, 0)
    np.fill_diagonal(dur, 0)
    locs = [Location(0, 0) for _ in range(n)]
    depot = Depot(location=0, tw_early=math.ceil(p.ready[0] * s), tw_late=math.floor(p.due[0] * s))
    clients = [
        Client(
            location=i,
            delivery=[round(p.demand[i] * s)],
            service_duration=math.ceil(p.service[i] * s - 1e-9),
            tw_early=math.ceil(p.ready[i] * s - 1e-9),
            tw_late=math.floor(p.due[i] * s + 1e-9),
        )
        for i in range(1, n)
    ]
    vt = VehicleType(
        num_available=p.num_vehicles,
        capacity=[round(p.capacity * s)],
        fixed_cost=round(p.fixed_cost * s),
        tw_early=math.ceil(p.ready[0] * s),
        tw_late=math.floor(p.due[0] * s),
    )
    return ProblemData(locs, clients, [depot], [vt], [dist], [dur], [], [])  # type: ignore[list-item]


def pyvrp_routes(
    p: TwRouting,
    time_limit_s: float,
    seed: int = 0,
    initial: Sequence[Sequence[int]] | None = None,
) -> list[list[int]] | None:
    """Run PyVRP on ``p``; return routes of node numbers (1..n-1), or None if infeasible."""
    data = _problem_data(p)
    init = None
    if initial is not None:
        init = Solution(data, [[c - 1 for c in r] for r in initial if r])
    with warnings.catch_warnings():
        # PyVRP warns when its penalties saturate on instances that are hard to make
        # feasible; infeasibility is reported through the return value instead.
        warnings.simplefilter("ignore")
        res = pyvrp_solve(
            data,
            MaxRuntime(max(time_limit_s, 0.01)),
            seed=seed,
            display=False,
            initial_solution=init,
        )
    if not res.is_feasible():
        return None
    out: list[list[int]] = []
    for route in res.best.routes():
        visits = [a.idx + 1 for a in route if a.is_client()]
        if visits:
            out.append(visits)
    return out


def _check_limit(time_limit_s: float) -> None:
    if not time_limit_s > 0:
        raise InputError(f"--time-limit must be positive, got {time_limit_s}")


def solve_vrptw(
    inst: VrptwInstance, time_limit_s: float = 10.0, seed: int = 0, bks: BestKnown | None = None
) -> VrpSolution:
    """Minimise total unrounded Euclidean distance with at most the file's vehicles.

    >>> from freight.vrp.instances import VrptwInstance
    >>> inst = VrptwInstance("tiny", (0, 3, 0), (0, 0, 4), (0, 1, 1), (0, 0, 0),
    ...                      (100, 50, 50), (0, 1, 1), 10, 2)
    >>> round(solve_vrptw(inst, 0.2).distance, 3)  # 0 -> 1 -> 2 -> 0 = 3 + 5 + 4
    12.0
    """
    _check_limit(time_limit_s)
    t0 = time.perf_counter()
    d = inst.distance_matrix()
    p = TwRouting(
        d, d, inst.demand, inst.ready, inst.due, inst.service, inst.capacity, inst.num_vehicles
    )
    routes = pyvrp_routes(p, time_limit_s, seed)
    if routes is None:
        raise SolverError(
            f"{inst.name}: PyVRP found no feasible solution with {inst.num_vehicles} vehicles "
            f"in {time_limit_s:g} s"
        )
    rep = check_solution(inst, routes)
    return VrpSolution(
        instance=inst.name,
        kind=inst.kind,
        method="pyvrp",
        distance=rep.distance,
        vehicles=rep.vehicles,
        routes=tuple(tuple(r) for r in routes),
        wall_s=time.perf_counter() - t0,
        feasible=rep.feasible,
        bks=bks,
    )


def solve_cvrp(
    inst: CvrpInstance, time_limit_s: float = 10.0, seed: int = 0, bks: BestKnown | None = None
) -> VrpSolution:
    """Minimise total ``nint`` Euclidean distance; the fleet is unlimited (VRPLIB X)."""
    _check_limit(time_limit_s)
    t0 = time.perf_counter()
    d = inst.distance_matrix()
    n = d.shape[0]
    zeros = [0.0] * n
    big = [1e9] * n
    p = TwRouting(d, d * 0, inst.demand, zeros, big, zeros, inst.capacity, n - 1, scale=1)
    routes = pyvrp_routes(p, time_limit_s, seed)
    if routes is None:
        raise SolverError(f"{inst.name}: PyVRP found no feasible solution in {time_limit_s:g} s")
    rep = check_solution(inst, routes)
    return VrpSolution(
        instance=inst.name,
        kind=inst.kind,
        method="pyvrp",
        distance=rep.distance,
        vehicles=rep.vehicles,
        routes=tuple(tuple(r) for r in routes),
        wall_s=time.perf_counter() - t0,
        feasible=rep.feasible,
        bks=bks,
    )
