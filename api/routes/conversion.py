"""POST /v1/conversion-plans: the bulk-to-container (散改集) conversion plan (a job)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.errors import problem_responses
from api.jobs import add_job_route, register_job_kind
from api.network_params import NetworkScenarioIn

router = APIRouter(tags=["conversion"], responses=problem_responses(401, 403, 409, 422, 429, 500))


class ConversionParams(BaseModel):
    """Scenario of a conversion plan (see freight.conversion.plan_conversion)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"co2_price_cny_per_t": 100, "time_limit_s": 30}]},
    )

    co2_price_cny_per_t: float | None = Field(
        None, ge=0, le=10_000, description="CNY per tonne CO2 (default: the scenario's)"
    )
    pool_max_teu: int | None = Field(
        None, ge=0, le=1_000_000, description="cap on the container pool, TEU"
    )
    scenario: dict[str, Any] | None = Field(
        None,
        description="free-form here: a whole scenario in the networks/kuytun/conversion.toml "
        "layout (default: that file, with flows from demand_data), checked by "
        "freight.conversion.scenario with errors naming its JSON path",
    )
    time_limit_s: float = Field(30.0, gt=0, le=600)
    network_year: int | None = Field(
        None, ge=2000, le=2100, description="the network year whose paths give the "
        "distances (set from ?year=; default: the current year, Beijing time)",
    )  # fmt: skip
    network_scenario: NetworkScenarioIn | None = Field(
        None, description="the stored scenario whose network gives the distances; set from "
        "?scenario=",
    )  # fmt: skip


register_job_kind(
    "conversion-plan",
    "freight.conversion.jobs:run",
    params_model=ConversionParams,
    default_time_limit_s=30.0,
    max_time_limit_s=600.0,
    roles=("planner",),
    description="Choose per bulk flow bulk rail, container rail via a terminal, or road; size "
    "terminal equipment and the container pool (MIP, OR-Tools SCIP); baselines all-bulk and "
    "all-container.",
)
add_job_route(
    router,
    "/v1/conversion-plans",
    "conversion-plan",
    summary="Start a bulk-to-container conversion plan (job)",
    network_query=True,
    tags=["conversion", "jobs"],
)
