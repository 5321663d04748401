"""The plan as the report reads it: the typed model, single year or several, with defaults.

JSON input is read by :func:`~freight.fleet.plan.model.plan_from_dict` (errors name JSON
paths); the helpers give the report's views of a plan (days winter first, cost rows in the
contract's order, assumptions as text, policy limits with the plan's published defaults).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from freight.fleet.plan.model import DayCheck, FleetPlan, FleetPlanSet, plan_from_dict
from freight.fleet.plan.report.fmt import fmt_plain

# Defaults when a plan's "policy" omits them: the plan's own figures (facts digest, "Green
# urban fleet"; see the fleet-plan contract).
DEFAULT_MAX_VEHICLES_PER_CHARGER = 4.0
DEFAULT_MIN_REFRIGERATED_SHARE = 0.005

COST_KEYS = (
    ("vehicles_cny_per_year", "vehicles"),
    ("chargers_cny_per_year", "chargers"),
    ("energy_cny_per_year", "energy"),
    ("driver_and_maintenance_cny_per_year", "drivers and maintenance"),
    ("total_cny_per_year", "total"),
)


@dataclass(frozen=True)
class ReportInput:
    plans: tuple[FleetPlan, ...]
    multi: bool
    wall_s: float | None
    partial: bool


def read_report(result: FleetPlan | FleetPlanSet | Mapping[str, Any]) -> ReportInput:
    """The plan(s) to report; JSON is read by the model (errors name JSON paths)."""
    plan = result if isinstance(result, FleetPlan | FleetPlanSet) else plan_from_dict(result)
    if isinstance(plan, FleetPlan):
        return ReportInput(plans=(plan,), multi=False, wall_s=plan.wall_s, partial=plan.partial)
    return ReportInput(
        plans=plan.plans,
        multi=True,
        wall_s=plan.wall_s,
        partial=plan.partial or any(p.partial for p in plan.plans),
    )


def winter_first(p: FleetPlan) -> tuple[DayCheck, ...]:
    """The representative days, winter first."""
    return tuple(sorted(p.daily_check, key=lambda d: 0 if d.day == "winter" else 1))


def cost_rows(p: FleetPlan) -> tuple[tuple[str, float], ...]:
    return tuple((f.name, v) for f in fields(p.cost) if (v := getattr(p.cost, f.name)) is not None)


def assumption_rows(p: FleetPlan) -> tuple[tuple[str, str], ...]:
    """The assumptions the plan records (absent ones left out), by name."""
    named = {k: v for k, v in p.assumptions.to_dict().items() if v not in (None, [], {})}
    return tuple((k, fmt_plain(named[k])) for k in sorted(named))


def vpc_limit(p: FleetPlan) -> float:
    v = p.policy.max_vehicles_per_charger
    return DEFAULT_MAX_VEHICLES_PER_CHARGER if v is None else v


def reefer_minimum(p: FleetPlan) -> float:
    v = p.policy.min_refrigerated_share
    return DEFAULT_MIN_REFRIGERATED_SHARE if v is None else v
