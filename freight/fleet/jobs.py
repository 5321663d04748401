"""Job runner of ``POST /v1/fleet/routes`` (kind ``fleet-route``): params dict in, JSON out.

Pure and importable by name (it runs in a worker process). ``params`` is the fleet problem
JSON (see :func:`freight.fleet.problem.parse_problem`, which names the JSON path of a bad
field) plus the solver options in :data:`OPTION_FIELDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["OPTION_FIELDS", "problem_json", "run", "solve"]

#: Top-level fields of the request that are solver options, not part of the problem.
OPTION_FIELDS = frozenset({"time_limit_s", "seed", "method", "max_iterations", "mode"})


def problem_json(params: dict[str, Any]) -> dict[str, Any]:
    """The problem part of ``params`` (the solver options removed)."""
    return {k: v for k, v in params.items() if k not in OPTION_FIELDS}


def solve(params: dict[str, Any]) -> dict[str, Any]:
    """Parse, route and verify; the fleet result as JSON (``FleetResult.to_dict()``)."""
    from freight.fleet.problem_json import parse_problem
    from freight.fleet.routing import Method, RouterParams, solve_fleet

    problem = parse_problem(problem_json(params))
    result = solve_fleet(
        problem,
        RouterParams(
            time_limit_s=float(params.get("time_limit_s", 10.0)),
            seed=int(params.get("seed", 0)),
            method=Method(params.get("method", "pyvrp")),
            max_iterations=params.get("max_iterations"),
        ),
    )
    return result.to_dict()


def run(
    params: dict[str, Any], progress: Callable[[float, str], Any] | None = None
) -> dict[str, Any]:
    """Job runner of ``fleet-route``: the plan is complete within its time limit (unserved
    stops are listed with reasons), so ``partial`` is always false."""
    if progress is not None:
        progress(0.0, "routing")
    out = solve(params)
    out["partial"] = False
    if progress is not None:
        progress(1.0, "done")
    return out
