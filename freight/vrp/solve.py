"""One entry point for `freight vrp solve`: read a benchmark file and pick the solver.

* Solomon VRPTW and VRPLIB CVRP -> PyVRP (``freight.vrp.pyvrp_solver``).
* E-VRPTW with at most ``EXACT_MAX_CUSTOMERS`` customers -> exact label setting + set
  partitioning; if that does not finish within the time limit, the heuristic runs instead
  (reported with ``optimal=False``).
* Larger E-VRPTW -> PyVRP routing + exact station insertion + repair + local search.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from freight.errors import InputError
from freight.vrp.evrptw_exact import ExactTimeout, solve_evrptw_exact
from freight.vrp.evrptw_heuristic import solve_evrptw_heuristic
from freight.vrp.instances import CvrpInstance, EvrptwInstance, VrptwInstance, read_instance
from freight.vrp.pyvrp_solver import solve_cvrp, solve_vrptw
from freight.vrp.result import VrpSolution, load_bks

__all__ = ["EXACT_MAX_CUSTOMERS", "heuristic_upper_bound", "solve_file", "solve_instance"]

#: Above this many customers the exact E-VRPTW enumeration is not attempted (2^n subsets).
EXACT_MAX_CUSTOMERS = 15


def heuristic_upper_bound(inst: EvrptwInstance, time_limit_s: float, seed: int) -> VrpSolution:
    """The heuristic as the exact method's upper bound (a short, time-limited run)."""
    return solve_evrptw_heuristic(inst, time_limit_s, seed)


def solve_instance(
    inst: VrptwInstance | CvrpInstance | EvrptwInstance,
    time_limit_s: float = 10.0,
    seed: int = 0,
    bks_path: str | Path | None = None,
) -> VrpSolution:
    """Solve an instance with the method suited to its kind (see module docstring)."""
    if not time_limit_s > 0:
        raise InputError(f"--time-limit must be positive, got {time_limit_s}")
    if isinstance(inst, VrptwInstance):
        bks = load_bks(bks_path, "bks_distance.csv") if bks_path else None
        return solve_vrptw(inst, time_limit_s, seed, bks)
    bks = load_bks(bks_path) if bks_path else None
    if isinstance(inst, CvrpInstance):
        return solve_cvrp(inst, time_limit_s, seed, bks)
    if inst.num_customers <= EXACT_MAX_CUSTOMERS:
        t0 = time.perf_counter()
        try:
            return solve_evrptw_exact(
                inst, time_limit_s, bks, seed=seed, upper_bound=heuristic_upper_bound
            )
        except ExactTimeout:
            left = max(time_limit_s - (time.perf_counter() - t0), 0.5)
            sol = solve_evrptw_heuristic(inst, left, seed, bks)
            return replace(
                sol,
                method="exact-timeout->" + sol.method,
                wall_s=time.perf_counter() - t0,
            )
    return solve_evrptw_heuristic(inst, time_limit_s, seed, bks)


def solve_file(path: str | Path, time_limit_s: float = 10.0, seed: int = 0) -> VrpSolution:
    """Read ``path`` (format detected) and solve it; best-known values from its folder."""
    inst = read_instance(path)
    return solve_instance(inst, time_limit_s, seed, bks_path=path)
