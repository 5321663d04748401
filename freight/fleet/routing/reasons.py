"""Why a stop is left out: screened alone before the search, or left after repair."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from freight.fleet.charging import schedule_route
from freight.fleet.problem import FleetProblem


def screen_stop(problem: FleetProblem, i: int) -> str:
    """Why stop ``i`` cannot be served even alone on any vehicle ('' if some vehicle can)."""
    s = problem.stops[i]
    types = [vt for vt in problem.vehicle_types if vt.count > 0]
    if not types:
        return "no vehicles available"
    types = [vt for vt in types if vt.refrigerated or not s.refrigerated]
    if not types:
        return "refrigerated stop and no refrigerated vehicle"
    types = [vt for vt in types if s.demand_kg <= vt.capacity_kg and s.demand_m3 <= vt.capacity_m3]
    if not types:
        return "demand exceeds the kg/m3 capacity of every compatible vehicle"
    for vt in types:
        if schedule_route(problem, vt, [i]) is not None:
            return ""
    # distinguish time from energy: drop the battery limit and retry
    for vt in types:
        if vt.battery_kwh is not None:
            phev = replace(vt, battery_kwh=None, min_soc_kwh=0.0)
            if schedule_route(problem, phev, [i]) is not None:
                return "out of battery range even with charging visits"
    return "window cannot be met within any vehicle's shift and depot hours"


def leftover_reason(problem: FleetProblem, i: int, used: Counter[str], allow_charging: bool) -> str:
    s = problem.stops[i]
    free = [
        vt
        for vt in problem.vehicle_types
        if used[vt.id] < vt.count
        and (vt.refrigerated or not s.refrigerated)
        and schedule_route(problem, vt, [i], allow_charging=allow_charging) is not None
    ]
    if not allow_charging and not any(
        schedule_route(problem, vt, [i], allow_charging=False) is not None
        for vt in problem.vehicle_types
    ):
        return "needs a charging visit (not allowed by this method)"
    if not free:
        return "fleet exhausted: no free vehicle and no feasible insertion into a route"
    return "no feasible insertion found within the time limit"


def urgency(problem: FleetProblem, i: int) -> tuple[float, float]:
    s = problem.stops[i]
    return (s.window_close_min - s.window_open_min, -s.demand_kg)
