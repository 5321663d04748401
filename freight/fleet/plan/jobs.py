"""Job runner of ``POST /v1/fleet/plans`` (kind ``fleet-plan``): params dict in, JSON dict out.

Pure and importable by name (it runs in a fresh worker process). ``params`` is the validated
JSON of the API's parameter model (``api/routes/fleet_plans.py``) plus ``time_limit_s``;
this module checks it again with the planner's one validator
(:func:`~freight.fleet.plan.params.plan_param_issues`; the generic ``POST /v1/jobs`` and
direct callers bypass the model) and raises :class:`~freight.errors.InputError` naming the
JSON path of a bad field.

Returns the fleet-plan contract (``FleetPlan.to_dict()`` for ``year``,
``FleetPlanSet.to_dict()`` for ``years``) plus ``"report_md"``, the Markdown report of
:mod:`freight.fleet.plan.report`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from freight.errors import InputError, IssueCollector
from freight.fleet.plan.params import PlanParams, parse_years, plan_param_issues

__all__ = ["parse_years", "plan_params_kwargs", "run"]

#: Seconds of the job's limit kept back for writing the report and sending the answer.
REPORT_RESERVE_S = 5.0
REPORT_RESERVE_SHARE = 0.05
#: The settings a job may give (the rest, e.g. workers, are the service's).
JOB_FIELDS = ("seed", "time_limit_s", "max_stops", "engine", "charger_powers_kw", "keep_routes")


def plan_params_kwargs(params: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of ``PlanParams`` from the job params (only the fields given).

    ``time_limit_s`` becomes the planner's whole-plan budget, less a small reserve for the
    report (the service terminates the worker a grace period after the job's limit).
    """
    issues = IssueCollector()
    kw = plan_param_issues({k: params.get(k) for k in JOB_FIELDS}, issues)
    issues.raise_if_any("bad fleet plan parameters", InputError)
    if "time_limit_s" in kw:
        limit = kw["time_limit_s"]
        kw["time_limit_s"] = limit - min(REPORT_RESERVE_S, REPORT_RESERVE_SHARE * limit)
    return kw


def _clamped(
    progress: Callable[[float, str], Any] | None, top: float
) -> Callable[[float, str], None]:
    def report(fraction: float, message: str = "") -> None:
        if progress is not None:
            progress(max(0.0, min(top, float(fraction) * top)), message)

    return report


def _years_label(years: Sequence[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def run(
    params: dict[str, Any], progress: Callable[[float, str], Any] | None = None
) -> dict[str, Any]:
    """Plan the fleet for ``params["year"]`` or ``params["years"]``; add the Markdown report."""
    year, years = parse_years(params)
    plan_params = PlanParams(**plan_params_kwargs(params))

    from freight.fleet.plan import plan_fleet, plan_fleet_years
    from freight.fleet.plan.report import render_report

    step = _clamped(progress, 0.97)
    if year is not None:
        step(0.0, f"planning {year}")
        plan: Any = plan_fleet(year, plan_params, step, params.get("network_scenario"))
    else:
        assert years is not None
        step(0.0, f"planning {_years_label(years)}")
        plan = plan_fleet_years(years, plan_params, step, params.get("network_scenario"))
    if progress is not None:
        progress(0.98, "writing the report")
    out: dict[str, Any] = plan.to_dict()
    out["report_md"] = render_report(plan)
    if progress is not None:
        progress(1.0, "done")
    return out
