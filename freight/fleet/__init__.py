"""Kuytun electric distribution fleet routing (EV-VRPTW with charging stops).

``parse_problem`` reads the fleet problem JSON; ``solve_fleet`` routes it (OR-Tools warm start,
PyVRP search, exact charging insertion on fixed routes, repair); ``verify_plan``
independently checks any plan against the reference semantics; ``schedule_route`` is the
exact charging DP for one fixed route (what fleet sizing builds on).
"""

from freight.fleet.charging import ChargerBook, schedule_route

# fleet and charger planning
from freight.fleet.plan import FleetPlan, FleetPlanSet, PlanParams, plan_fleet, plan_fleet_years
from freight.fleet.problem import (
    ChargingSite,
    Depot,
    FleetProblem,
    Stop,
    TravelMatrix,
    VehicleType,
)
from freight.fleet.problem_json import parse_problem, problem_to_dict
from freight.fleet.result import (
    ChargeVisit,
    FleetResult,
    FleetStatus,
    RoutePlan,
    StopVisit,
    Unserved,
)
from freight.fleet.routing import Method, RouterParams, solve_fleet
from freight.fleet.verify import check_plan, verify_plan

__all__ = [
    "ChargeVisit",
    "ChargerBook",
    "ChargingSite",
    "Depot",
    "FleetPlan",
    "FleetPlanSet",
    "FleetProblem",
    "FleetResult",
    "FleetStatus",
    "Method",
    "PlanParams",
    "RoutePlan",
    "RouterParams",
    "Stop",
    "StopVisit",
    "TravelMatrix",
    "Unserved",
    "VehicleType",
    "check_plan",
    "parse_problem",
    "plan_fleet",
    "plan_fleet_years",
    "problem_to_dict",
    "schedule_route",
    "solve_fleet",
    "verify_plan",
]
