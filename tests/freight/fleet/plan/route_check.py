"""Re-check a fleet plan's kept routes with the fleet router's independent checker.

The day's problem is rebuilt the way the planner builds it (same demand sample, parts and
merged problem), so ``verify_plan`` replays each kept route against the stops' windows,
demand, the vehicles' batteries and capacities and the charging sites' plugs.
"""

from __future__ import annotations

import time

from freight.demand import load_charging_sites, load_depots
from freight.fleet.plan.build import merged_problem
from freight.fleet.plan.defaults import load_fleet_defaults
from freight.fleet.plan.model import DayRoutes
from freight.fleet.plan.params import PlanParams
from freight.fleet.plan.plan_routes import day_result
from freight.fleet.plan.planner import PlanContext, load_day_parts, on_network
from freight.fleet.verify import verify_plan
from freight.network.scenario import network_of

#: A sampled plan small enough to route in a few seconds (the route tests' plan).
PARAMS = PlanParams(max_stops=60, seed=4, workers=1, time_limit_s=120)


def route_errors(day: DayRoutes, params: PlanParams) -> list[str]:
    """Violations of ``day``'s routes (empty: every route feasible, every stop accounted)."""
    d = load_fleet_defaults()
    depots, sites = on_network(load_depots(), load_charging_sites(), network_of(day.year))
    ctx = PlanContext(
        day.year, params, d, depots, sites, (), lambda f, m: None, time.perf_counter(), 1
    )
    parts = load_day_parts(ctx).parts[day.season]
    return verify_plan(merged_problem(list(parts), depots, sites, d), day_result(day))
