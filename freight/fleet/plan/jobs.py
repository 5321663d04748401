"""Job runner of ``POST /v1/fleet/plans`` (kind ``fleet-plan``): params dict in, JSON dict out.

Pure and importable by name (it runs in a fresh worker process). ``params`` is the validated
JSON of the API's parameter model (``api/routes/fleet_plans.py``) plus ``time_limit_s``;
this module checks it again (the generic ``POST /v1/jobs`` and direct callers bypass the
model) and raises :class:`~freight.errors.InputError` naming the JSON path of a bad field.

Returns the fleet-plan contract (``FleetPlan.to_dict()`` for ``year``,
``FleetPlanSet.to_dict()`` for ``years``) plus ``"report_md"``, the Markdown report of
:mod:`freight.fleet.plan.report`.
"""

from __future__ import annotations

import importlib.util
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from freight.errors import FieldIssue, InputError, IssueCollector, SolverError

__all__ = ["FIRST_YEAR", "LAST_YEAR", "parse_years", "plan_params_kwargs", "run"]

#: Years the plan covers (issue 7: "Fleet and charger sizing, 2026–2035").
FIRST_YEAR = 2026
LAST_YEAR = 2035
#: Seconds of the job's limit kept back for writing the report and sending the answer.
REPORT_RESERVE_S = 5.0
REPORT_RESERVE_SHARE = 0.05
ENGINES = ("process", "ray")

_RANGE = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_year(v: Any, loc: str, issues: IssueCollector) -> int | None:
    if not _is_int(v):
        issues.add(loc, f"must be an integer year, got {v!r}")
        return None
    if not FIRST_YEAR <= v <= LAST_YEAR:
        issues.add(loc, f"must be between {FIRST_YEAR} and {LAST_YEAR}, got {v}")
        return None
    return int(v)


def parse_years(params: Mapping[str, Any]) -> tuple[int | None, tuple[int, ...] | None]:
    """``(year, None)`` or ``(None, years)`` from ``year`` or ``years``; exactly one is given.

    ``years`` is a list of years or a string ``"2026-2035"`` / ``"2030"``; the result is in
    increasing order without repeats (a repeated year is an error).
    """
    issues = IssueCollector()
    year = params.get("year")
    years = params.get("years")
    if (year is None) == (years is None):
        which = "both were given" if year is not None else "neither was given"
        issues.add(
            "$.years" if year is not None else "$", f"give exactly one of year or years; {which}"
        )
        issues.raise_if_any("bad plan years", InputError)
    if year is not None:
        y = _check_year(year, "$.year", issues)
        issues.raise_if_any("bad plan year", InputError)
        return y, None
    out: list[int] = []
    if isinstance(years, str):
        m = _RANGE.match(years)
        if m is None:
            issues.add("$.years", f"must look like '2026-2035' or '2030', got {years!r}")
        else:
            a = int(m.group(1))
            b = int(m.group(2) or m.group(1))
            if a > b:
                issues.add("$.years", f"the range {years!r} runs backwards")
            for y, part in ((a, "first"), (b, "last")):
                if not FIRST_YEAR <= y <= LAST_YEAR:
                    issues.add(
                        "$.years", f"the {part} year {y} is outside {FIRST_YEAR}..{LAST_YEAR}"
                    )
            out = list(range(a, b + 1))
    elif isinstance(years, list | tuple):
        if not years:
            issues.add("$.years", "must name at least one year")
        for i, v in enumerate(years):
            y = _check_year(v, f"$.years[{i}]", issues)
            if y is None:
                continue
            if y in out:
                issues.add(f"$.years[{i}]", f"{y} is repeated")
            else:
                out.append(y)
    else:
        issues.add(
            "$.years", f"must be a list of years or a string like '2026-2035', got {years!r}"
        )
    issues.raise_if_any("bad plan years", InputError)
    return None, tuple(sorted(out))


def plan_params_kwargs(params: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of ``PlanParams`` from the job params (only the fields given).

    ``time_limit_s`` becomes the planner's whole-plan budget, less a small reserve for the
    report (the service terminates the worker a grace period after the job's limit).
    """
    issues = IssueCollector()
    kw: dict[str, Any] = {}
    if params.get("seed") is not None:
        seed = params["seed"]
        if not _is_int(seed) or seed < 0:
            issues.add("$.seed", f"must be an integer >= 0, got {seed!r}")
        else:
            kw["seed"] = int(seed)
    if params.get("time_limit_s") is not None:
        limit = params["time_limit_s"]
        if (
            not isinstance(limit, int | float)
            or isinstance(limit, bool)
            or not math.isfinite(limit)
            or limit <= 0
        ):
            issues.add("$.time_limit_s", f"must be a number of seconds > 0, got {limit!r}")
        else:
            reserve = min(REPORT_RESERVE_S, REPORT_RESERVE_SHARE * float(limit))
            kw["time_limit_s"] = float(limit) - reserve
    if params.get("max_stops") is not None:
        ms = params["max_stops"]
        if not _is_int(ms) or ms < 1:
            issues.add("$.max_stops", f"must be an integer >= 1, got {ms!r}")
        else:
            kw["max_stops"] = int(ms)
    if params.get("engine") is not None:
        engine = params["engine"]
        if engine not in ENGINES:
            issues.add("$.engine", f"must be one of {', '.join(ENGINES)}, got {engine!r}")
        elif engine == "ray" and importlib.util.find_spec("ray") is None:
            issues.add("$.engine", "the ray engine needs the 'ray' package, not installed here")
        else:
            kw["engine"] = engine
    if params.get("charger_powers_kw") is not None:
        powers = params["charger_powers_kw"]
        if not isinstance(powers, list | tuple) or not powers:
            issues.add("$.charger_powers_kw", f"must be a non-empty list of kW, got {powers!r}")
        else:
            seen: list[float] = []
            known = _charger_classes_kw()
            for i, p in enumerate(powers):
                loc = f"$.charger_powers_kw[{i}]"
                if (
                    not isinstance(p, int | float)
                    or isinstance(p, bool)
                    or not math.isfinite(p)
                    or p <= 0
                ):
                    issues.add(loc, f"must be a power in kW > 0, got {p!r}")
                elif float(p) in seen:
                    issues.add(loc, f"{p:g} kW is repeated")
                elif float(p) not in known:
                    issues.add(
                        loc,
                        f"{p:g} kW is not one of the cited charger classes "
                        f"({', '.join(f'{k:g}' for k in known)} kW)",
                    )
                else:
                    seen.append(float(p))
            kw["charger_powers_kw"] = tuple(seen)
    issues.raise_if_any("bad fleet plan parameters", InputError)
    return kw


def _charger_classes_kw() -> tuple[float, ...]:
    """The charger classes the planner knows (``networks/kuytun/fleet_defaults.toml``)."""
    from freight.fleet.plan.defaults import load_fleet_defaults

    return tuple(c.power_kw for c in load_fleet_defaults().chargers)


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
    kwargs = plan_params_kwargs(params)

    from freight.fleet.plan import PlanParams, plan_fleet, plan_fleet_years
    from freight.fleet.plan.report import render_report

    try:
        plan_params = PlanParams(**kwargs)
    except InputError as exc:  # name the field: "engine must be ..." -> $.engine
        field = next((k for k in sorted(kwargs) if exc.message.startswith(k)), None)
        if field is None or exc.issues:
            raise
        raise InputError(exc.message, issues=[FieldIssue(f"$.{field}", exc.message)]) from None
    step = _clamped(progress, 0.97)
    if year is not None:
        step(0.0, f"planning {year}")
        out = plan_fleet(year, plan_params, step).to_dict()
    else:
        assert years is not None
        step(0.0, f"planning {_years_label(years)}")
        out = plan_fleet_years(years, plan_params, step).to_dict()
    if progress is not None:
        progress(0.98, "writing the report")
    try:
        out["report_md"] = render_report(out)
    except InputError as exc:  # the planner's answer, not the caller's input
        raise SolverError(
            "the planner's answer does not match the fleet-plan contract: " + exc.message,
            issues=[FieldIssue(i.loc, i.message) for i in exc.issues],
        ) from None
    out["partial"] = bool(out.get("partial", False))
    if progress is not None:
        progress(1.0, "done")
    return out
