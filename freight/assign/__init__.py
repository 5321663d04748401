"""Capacitated assignment of a year's shipments to rail–road routes."""

from freight.assign.lp import Candidate, Group, LpResult, solve_lp
from freight.assign.solve import AssignOptions, AssignResult, apply_closures, assign

__all__ = [
    "AssignOptions",
    "AssignResult",
    "Candidate",
    "Group",
    "LpResult",
    "apply_closures",
    "assign",
    "solve_lp",
]
