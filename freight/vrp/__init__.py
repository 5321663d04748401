"""Public VRP benchmarks (Solomon VRPTW, VRPLIB CVRP, Schneider E-VRPTW): readers, solvers,
an independent checker. PyVRP does the routing search; E-VRPTW adds exact methods."""

from freight.vrp.checker import CheckReport, check_solution
from freight.vrp.instances import (
    CvrpInstance,
    EvrptwInstance,
    VrpKind,
    VrptwInstance,
    read_instance,
)
from freight.vrp.result import BestKnown, VrpSolution, load_bks
from freight.vrp.solve import solve_file, solve_instance

__all__ = [
    "BestKnown",
    "CheckReport",
    "CvrpInstance",
    "EvrptwInstance",
    "VrpKind",
    "VrpSolution",
    "VrptwInstance",
    "check_solution",
    "load_bks",
    "read_instance",
    "solve_file",
    "solve_instance",
]
