"""Fleet and charger planning 2026-2035 (issue 7).

``plan_fleet(year, PlanParams(...))`` routes the winter and summer representative days
(decomposed into parts solved in parallel on a process pool or Ray), sizes the fleet by type
and depot and the depot chargers by site and power class, and returns a :class:`FleetPlan`
whose ``to_dict()`` is the fleet-plan JSON contract. ``plan_fleet_years`` does several years.
``report`` (Markdown report) and ``jobs`` (API job runner) live in sibling modules.
"""

from freight.fleet.plan.planner import (
    FIRST_YEAR,
    LAST_YEAR,
    FleetPlan,
    FleetPlanSet,
    PlanParams,
    plan_fleet,
    plan_fleet_years,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "FleetPlan",
    "FleetPlanSet",
    "PlanParams",
    "plan_fleet",
    "plan_fleet_years",
]
