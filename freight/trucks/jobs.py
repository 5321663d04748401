"""Job runner of ``POST /v1/heavy-trucks/plans`` and ``freight trucks plan``: pure, JSON in
and out (``run(params, progress)``), so any worker process can run it by name."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from freight.errors import FieldIssue, InputError
from freight.network.model import Network
from freight.network.scenario import network_of
from freight.trucks.plan import FIRST_YEAR, LAST_YEAR, plan_year, plan_years

KIND_YEARS = "heavy-truck-plan-years"
DEFAULT_TIME_LIMIT_S = 600.0  # the whole job (every year), not one MIP
MIP_LIMIT_S = 60.0  # one year's MIP at most


def parse_years(params: dict[str, Any]) -> tuple[int, int]:
    """``year`` (one) or ``years`` ("A-B"); exactly one, inside 2026..2035."""
    year, years = params.get("year"), params.get("years")
    if (year is None) == (years is None):
        raise InputError("give exactly one of year or years",
                         issues=[FieldIssue("$.year", "one of year / years")])  # fmt: skip
    try:
        if year is not None:
            a = b = int(year)
        else:
            left, _, right = str(years).partition("-")
            a, b = int(left), int(right or left)
    except ValueError:
        loc = "$.year" if year is not None else "$.years"
        raise InputError(
            f"{loc}: expected a year or A-B", issues=[FieldIssue(loc, "not a year")]
        ) from None
    if not FIRST_YEAR <= a <= b <= LAST_YEAR:
        loc = "$.year" if year is not None else "$.years"
        raise InputError(f"{loc}: years must be within {FIRST_YEAR}..{LAST_YEAR}",
                         issues=[FieldIssue(loc, f"{a}-{b}")])  # fmt: skip
    return a, b


def _number(params: dict[str, Any], key: str) -> float | None:
    v = params.get(key)
    if v is None:
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        raise InputError(
            f"$.{key}: not a number", issues=[FieldIssue(f"$.{key}", "not a number")]
        ) from None


def run(params: dict[str, Any], progress: Callable[..., Any] | None = None) -> dict[str, Any]:
    """params: year | years, target_tkm_share, budget_cny, truck_types, sites, time_limit_s,
    network_scenario (a stored scenario's patch). Each year runs on the network of that
    year (or the scenario's network on it).

    ``time_limit_s`` is the whole job's budget: each year's MIP gets at most
    ``MIP_LIMIT_S`` and its share of the time left.
    """
    a, b = parse_years(params)
    target = _number(params, "target_tkm_share")
    budget = _number(params, "budget_cny")
    if budget is not None and budget < 0:
        raise InputError("$.budget_cny: must be >= 0", issues=[FieldIssue("$.budget_cny", "< 0")])
    if target is not None and not 0 <= target <= 1:
        raise InputError("$.target_tkm_share: must be in [0, 1]",
                         issues=[FieldIssue("$.target_tkm_share", "not in [0, 1]")])  # fmt: skip
    limit = _number(params, "time_limit_s") or DEFAULT_TIME_LIMIT_S
    raw = params.get("truck_types") or {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise InputError("$.truck_types: an object of objects per truck type id",
                         issues=[FieldIssue("$.truck_types", "not an object")])  # fmt: skip
    # unset fields (null) keep the defaults of trucks.toml
    overrides = {t: {k: v for k, v in d.items() if v is not None} for t, d in raw.items()} or None
    sites = params.get("sites")
    site_ids = None if sites is None else tuple(str(s) for s in sites)
    if site_ids is not None:
        from freight.trucks.scenario import candidate_site_ids

        known = set(candidate_site_ids())
        for k, sid in enumerate(site_ids):
            if sid not in known:
                raise InputError(f"$.sites[{k}]: unknown site {sid!r}",
                                 issues=[FieldIssue(f"$.sites[{k}]", "unknown site")])  # fmt: skip
    patch = params.get("network_scenario")

    def network(y: int) -> Network:
        return network_of(y, patch)

    if progress:
        progress(0.02, f"planning {a}" if a == b else f"planning {a}-{b}")
    t0 = time.perf_counter()
    deadline = t0 + 0.9 * limit  # room to serialise the answer inside the job's limit
    scenario_id = patch["id"] if patch else None
    if a == b:
        out = plan_year(a, target_tkm_share=target, budget_cny=budget, site_ids=site_ids,
                        truck_overrides=overrides, time_limit_s=MIP_LIMIT_S,
                        deadline=deadline, net=network(a)).to_dict()  # fmt: skip
        out["partial"] = out["status"] != "optimal"
        out.update(network_year=a, network_scenario=scenario_id)
        return out

    def step(y: int, _plan: Any) -> None:
        if progress:
            progress((y - a + 1) / (b - a + 1), f"year {y} planned")

    plans = plan_years(
        a, b, budget_cny=budget, time_limit_s=MIP_LIMIT_S, progress=step, deadline=deadline,
        targets=None if target is None else dict.fromkeys(range(a, b + 1), target),
        truck_overrides=overrides, site_ids=site_ids, networks=network,
    )  # fmt: skip
    return {
        "kind": KIND_YEARS,
        "years": [p.year for p in plans],
        "plans": [{**p.to_dict(), "network_year": p.year} for p in plans],
        "network_scenario": scenario_id,
        "wall_s": round(time.perf_counter() - t0, 3),
        # cut short: years missing, or a year's MIP stopped before its gap was proven
        "partial": len(plans) < b - a + 1 or any(p.status != "optimal" for p in plans),
    }
