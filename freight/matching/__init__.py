"""Vehicle–cargo matching (车货对接) with backhaul chains: domain, solvers, checker."""

from freight.matching.check import check_result
from freight.matching.model import (
    Assignment,
    Kpis,
    LegPlan,
    Load,
    MatchingResult,
    Powertrain,
    Reason,
    Unmatched,
    Vehicle,
    VehicleKind,
)
from freight.matching.solve import Method, match

__all__ = [
    "Assignment",
    "Kpis",
    "LegPlan",
    "Load",
    "MatchingResult",
    "Method",
    "Powertrain",
    "Reason",
    "Unmatched",
    "Vehicle",
    "VehicleKind",
    "check_result",
    "match",
]
