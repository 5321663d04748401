"""Fleet and charger planning 2026-2035.

``plan_fleet(year, PlanParams(...))`` routes the winter and summer representative days
(decomposed into parts solved in parallel on a process pool or Ray), sizes the fleet by type
and depot and the depot chargers by site and power class, and returns a typed
:class:`~freight.fleet.plan.model.FleetPlan` whose ``to_dict()`` is the fleet-plan JSON
contract (``from_dict()`` reads it back). ``plan_fleet_years`` does several years.
``params`` holds the settings and their validator, ``report`` the Markdown/HTML report,
``jobs`` the API job runner.
"""

from freight.fleet.plan.model import FleetPlan, FleetPlanSet, plan_from_dict
from freight.fleet.plan.params import FIRST_YEAR, LAST_YEAR, PlanParams
from freight.fleet.plan.planner import plan_fleet, plan_fleet_years

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "FleetPlan",
    "FleetPlanSet",
    "PlanParams",
    "plan_fleet",
    "plan_fleet_years",
    "plan_from_dict",
]
