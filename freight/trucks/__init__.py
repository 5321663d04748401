"""Electric heavy trucks for bulk and container drayage: lanes, truck types, stations.

>>> from freight.trucks import plan_year
>>> plan = plan_year(2030)  # doctest: +SKIP
"""

from freight.trucks.lanes import Lane, LaneSet, build_lanes
from freight.trucks.model import Existing, Scenario, Site, TruckType
from freight.trucks.plan import plan_scenario, plan_year, plan_years
from freight.trucks.result import LanePlan, StationPlan, TruckPlan
from freight.trucks.verify import check_plan

__all__ = [
    "Existing",
    "Lane",
    "LanePlan",
    "LaneSet",
    "Scenario",
    "Site",
    "StationPlan",
    "TruckPlan",
    "TruckType",
    "build_lanes",
    "check_plan",
    "plan_scenario",
    "plan_year",
    "plan_years",
]
