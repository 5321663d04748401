"""Fleet-plan parameters: the years, the planner settings, and their one validator.

``plan_param_issues`` checks every setting the planner takes (JSON types and values) and
records each problem at its JSON path (``$.charger_powers_kw[1]``); ``PlanParams`` runs it
at construction, the job runner and the CLI build ``PlanParams``, and the API's parameter
model calls it per field. ``parse_years`` is the one reader of ``year`` / ``years``.
"""

from __future__ import annotations

import importlib.util
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from freight.demand.assumptions import LAST_YEAR as DEMAND_LAST_YEAR
from freight.demand.assumptions import URBAN_FIRST_YEAR
from freight.errors import InputError, IssueCollector

__all__ = [
    "DEFAULT_MAX_ITERATIONS",
    "DEFAULT_PART_STOPS",
    "DEFAULT_TIME_LIMIT_S",
    "ENGINES",
    "FIRST_YEAR",
    "LAST_YEAR",
    "PlanParams",
    "check_year",
    "parse_years",
    "plan_param_issues",
]

#: Years the plan covers: the urban demand horizon (``freight.demand.assumptions``).
FIRST_YEAR = URBAN_FIRST_YEAR
LAST_YEAR = DEMAND_LAST_YEAR
#: Where parts are routed: a local process pool or a Ray cluster.
ENGINES = ("process", "ray")
DEFAULT_TIME_LIMIT_S = 600.0
#: Default stops per routed part (bench/results/fleet_plan.md: size vs speed).
DEFAULT_PART_STOPS = 120
#: PyVRP iteration cap per part (reproducible runs; the time limit is only a safety cap).
DEFAULT_MAX_ITERATIONS = 100
MIN_PART_STOPS = 10

_RANGE = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _charger_classes_kw() -> tuple[float, ...]:
    """The cited charger classes (``networks/kuytun/fleet_defaults.toml``)."""
    from freight.fleet.plan.defaults import load_fleet_defaults

    return tuple(c.power_kw for c in load_fleet_defaults().chargers)


def _check_powers(powers: Any, issues: IssueCollector) -> tuple[float, ...] | None:
    if not isinstance(powers, list | tuple) or not powers:
        issues.add("$.charger_powers_kw", f"must be a non-empty list of kW, got {powers!r}")
        return None
    seen: list[float] = []
    known = _charger_classes_kw()
    for i, p in enumerate(powers):
        loc = f"$.charger_powers_kw[{i}]"
        if not _is_number(p) or p <= 0:
            issues.add(loc, f"must be a power in kW > 0, got {p!r}")
        elif float(p) in seen:
            issues.add(loc, f"{p:g} kW is repeated")
        elif float(p) not in known:
            issues.add(
                loc,
                f"{p:g} kW is not one of the cited charger classes "
                f"({', '.join(f'{k:g}' for k in known)} kW, networks/kuytun/fleet_defaults.toml)",
            )
        else:
            seen.append(float(p))
    return tuple(seen)


def _check_engine(engine: Any, issues: IssueCollector) -> str | None:
    if engine not in ENGINES:
        issues.add("$.engine", f"must be one of {', '.join(ENGINES)}, got {engine!r}")
        return None
    if engine == "ray" and importlib.util.find_spec("ray") is None:
        issues.add("$.engine", "the ray engine needs the 'ray' package, not installed here")
        return None
    return str(engine)


def _check_int(
    raw: Mapping[str, Any], key: str, minimum: int, issues: IssueCollector
) -> int | None:
    v = raw[key]
    if not _is_int(v) or v < minimum:
        issues.add(f"$.{key}", f"must be an integer >= {minimum}, got {v!r}")
        return None
    return int(v)


def plan_param_issues(raw: Mapping[str, Any], issues: IssueCollector) -> dict[str, Any]:
    """The ``PlanParams`` keyword arguments in ``raw`` (fields absent or null are skipped).

    Every bad value is recorded in ``issues`` at its JSON path; the answer holds only the
    good ones, normalised (floats, tuples).
    """
    kw: dict[str, Any] = {}
    given = {k for k, v in raw.items() if v is not None}
    for key, minimum in (
        ("seed", 0),
        ("workers", 1),
        ("max_stops", 1),
        ("max_iterations", 1),
        ("part_stops", MIN_PART_STOPS),
    ):
        if key in given and (n := _check_int(raw, key, minimum, issues)) is not None:
            kw[key] = n
    if "time_limit_s" in given:
        limit = raw["time_limit_s"]
        if not _is_number(limit) or limit <= 0:
            issues.add("$.time_limit_s", f"must be a number of seconds > 0, got {limit!r}")
        else:
            kw["time_limit_s"] = float(limit)
    if "engine" in given and (engine := _check_engine(raw["engine"], issues)) is not None:
        kw["engine"] = engine
    if "ray_address" in given:
        address = raw["ray_address"]
        if not isinstance(address, str) or not address.strip():
            issues.add("$.ray_address", f"must be a non-empty string, got {address!r}")
        else:
            kw["ray_address"] = address
    if "charger_powers_kw" in given:
        powers = _check_powers(raw["charger_powers_kw"], issues)
        if powers is not None:
            kw["charger_powers_kw"] = powers
    if "keep_routes" in given:
        if not isinstance(raw["keep_routes"], bool):
            issues.add("$.keep_routes", f"must be true or false, got {raw['keep_routes']!r}")
        else:
            kw["keep_routes"] = raw["keep_routes"]
    return kw


def _default_powers() -> tuple[float, ...]:
    return _charger_classes_kw()


@dataclass(frozen=True, slots=True)
class PlanParams:
    """Planner settings (the fleet-plan contract); checked by :func:`plan_param_issues`."""

    seed: int = 0
    time_limit_s: float = DEFAULT_TIME_LIMIT_S
    engine: str = "process"
    workers: int | None = None
    ray_address: str | None = None
    max_stops: int | None = None
    charger_powers_kw: tuple[float, ...] = field(default_factory=_default_powers)
    part_stops: int = DEFAULT_PART_STOPS
    max_iterations: int = DEFAULT_MAX_ITERATIONS
    #: keep both days' routes in the plan (``FleetPlan.routes``); false leaves them out
    keep_routes: bool = True

    def __post_init__(self) -> None:
        issues = IssueCollector()
        raw = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.engine == "process":  # the default needs no package check
            raw.pop("engine")
        kw = plan_param_issues(raw, issues)
        issues.raise_if_any("bad fleet plan parameters", InputError)
        object.__setattr__(self, "charger_powers_kw", kw["charger_powers_kw"])
        object.__setattr__(self, "time_limit_s", kw["time_limit_s"])

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> PlanParams:
        """Settings from JSON (absent fields keep their defaults); errors name JSON paths."""
        issues = IssueCollector()
        kw = plan_param_issues(raw, issues)
        issues.raise_if_any("bad fleet plan parameters", InputError)
        return cls(**kw)


def check_year(v: Any, loc: str, issues: IssueCollector) -> int | None:
    """``v`` if it is a year the plan covers, else an issue at ``loc``."""
    if not _is_int(v):
        issues.add(loc, f"must be an integer year, got {v!r}")
        return None
    if not FIRST_YEAR <= v <= LAST_YEAR:
        issues.add(loc, f"must be between {FIRST_YEAR} and {LAST_YEAR}, got {v}")
        return None
    return int(v)


def _years_from_text(years: str, issues: IssueCollector) -> list[int]:
    m = _RANGE.match(years)
    if m is None:
        issues.add("$.years", f"must look like '2026-2035' or '2030', got {years!r}")
        return []
    a = int(m.group(1))
    b = int(m.group(2) or m.group(1))
    if a > b:
        issues.add("$.years", f"the range {years!r} runs backwards")
    for y, part in ((a, "first"), (b, "last")):
        if not FIRST_YEAR <= y <= LAST_YEAR:
            issues.add("$.years", f"the {part} year {y} is outside {FIRST_YEAR}..{LAST_YEAR}")
    return list(range(a, b + 1))


def _years_from_list(years: list[Any] | tuple[Any, ...], issues: IssueCollector) -> list[int]:
    out: list[int] = []
    if not years:
        issues.add("$.years", "must name at least one year")
    for i, v in enumerate(years):
        y = check_year(v, f"$.years[{i}]", issues)
        if y is None:
            continue
        if y in out:
            issues.add(f"$.years[{i}]", f"{y} is repeated")
        else:
            out.append(y)
    return out


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
        y = check_year(year, "$.year", issues)
        issues.raise_if_any("bad plan year", InputError)
        return y, None
    out: list[int] = []
    if isinstance(years, str):
        out = _years_from_text(years, issues)
    elif isinstance(years, list | tuple):
        out = _years_from_list(years, issues)
    else:
        issues.add(
            "$.years", f"must be a list of years or a string like '2026-2035', got {years!r}"
        )
    issues.raise_if_any("bad plan years", InputError)
    return None, tuple(sorted(out))
