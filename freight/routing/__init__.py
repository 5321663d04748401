"""Time-dependent multimodal rail–road routing."""

from freight.routing.index import CapacityLedger, RoutingIndex
from freight.routing.model import (
    Alternative,
    Cargo,
    Leg,
    Objective,
    RouteRequest,
    RouteResult,
    Transfer,
    Unit,
)
from freight.routing.search import find_routes

__all__ = [
    "Alternative",
    "CapacityLedger",
    "Cargo",
    "Leg",
    "Objective",
    "RouteRequest",
    "RouteResult",
    "RoutingIndex",
    "Transfer",
    "Unit",
    "find_routes",
]
