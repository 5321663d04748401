"""The typed result models describe what the solvers really return (job results and the
fleet-routes answer): real outputs validate, and no field of them is left undescribed."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from api.jobs.schemas import JobResult
from api.matching_schemas import MatchingRoundResult
from api.results import ConversionPlanResult, FleetSolution, ResilienceResult


def undescribed(model: type[BaseModel], data: dict[str, Any], where: str = "$") -> list[str]:
    """Keys of ``data`` that ``model`` (recursively) has no field for."""
    out = [f"{where}.{k}" for k in data if k not in model.model_fields]
    for name, info in model.model_fields.items():
        sub, value = info.annotation, data.get(name)
        if isinstance(sub, type) and issubclass(sub, BaseModel) and isinstance(value, dict):
            out += undescribed(sub, value, f"{where}.{name}")
    return out


def run_kind(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    import importlib

    target = {
        "network-resilience": "freight.network.resilience:run",
        "conversion-plan": "freight.conversion.jobs:run",
        "fleet-route": "freight.fleet.jobs:run",
        "matching-round": "freight.matching.jobs:run",
    }[kind]
    mod, fn = target.split(":")
    out: dict[str, Any] = getattr(importlib.import_module(mod), fn)(params, None)
    return out


@pytest.mark.parametrize(
    ("kind", "model", "params"),
    [
        ("network-resilience", ResilienceResult,
         {"pairs": [["kuytun", "alashankou"]], "samples": 20, "seed": 1, "time_limit_s": 5}),
        ("conversion-plan", ConversionPlanResult, {"time_limit_s": 10}),
        ("fleet-route", FleetSolution, None),
        ("matching-round", MatchingRoundResult, "pool"),
    ],
)  # fmt: skip
def test_real_results_validate(kind: str, model: type[BaseModel], params: Any) -> None:
    if params is None:
        from api.routes.fleet_routes import EXAMPLE

        params = dict(EXAMPLE)
    elif params == "pool":
        from freight.matching.generate import random_round
        from freight.matching.io import load_to_dict, vehicle_to_dict
        from freight.network.loader import default_network

        pool = random_round(default_network(), 12, 6, 0)
        params = {"vehicles": [vehicle_to_dict(v) for v in pool.vehicles],
                  "loads": [{k: v for k, v in load_to_dict(x).items() if k != "posted_at"}
                            for x in pool.loads]}  # fmt: skip
    out = run_kind(kind, params)
    model.model_validate(out)
    assert not undescribed(model, out)
    typed = TypeAdapter(JobResult).validate_python(
        {"id": "j1", "kind": kind, "partial": False, "result": out}
    )
    assert typed.kind == kind
