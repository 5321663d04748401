"""POST /v1/assignments: the year's shipments on the capacitated network (a job)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.errors import problem_responses
from api.jobs import add_job_route, register_job_kind
from api.network_params import NetworkScenarioIn

router = APIRouter(tags=["assignments"], responses=problem_responses(401, 403, 409, 422, 429, 500))

CargoFormName = Literal["container", "bulk", "general", "hazmat", "reefer"]
DEFAULT_FORMS: tuple[CargoFormName, ...] = ("container", "bulk", "general")


class NewServiceIn(BaseModel):
    """A train service to add in the scenario (same fields as network services)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=64)
    name: str | None = Field(None, max_length=128)
    route: list[str] = Field(min_length=2, max_length=40)
    weekdays: list[int] = Field(default_factory=lambda: list(range(7)), min_length=1, max_length=7)
    depart: str = Field("08:00", pattern=r"^\d{1,2}:\d{2}$")
    offsets_h: list[float] = Field(min_length=2, max_length=40)
    capacity_t: float = Field(3000.0, ge=0, le=100_000)
    capacity_teu: float = Field(100.0, ge=0, le=1_000)
    forms: list[CargoFormName] = Field(default_factory=lambda: list(DEFAULT_FORMS), min_length=1)


class AssignParams(BaseModel):
    """Scenario of a network assignment (see freight.assign.solve)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"year": 2025, "co2_price_cny_per_t": 60, "closed": [], "time_limit_s": 60}
            ]
        },
    )

    year: int = Field(2025, ge=2020, le=2040)
    co2_price_cny_per_t: float = Field(0.0, ge=0, le=10_000, description="CNY per tonne CO2")
    closed: list[str] = Field(
        default_factory=list, max_length=50, description="closed link, station or service ids"
    )
    new_services: list[NewServiceIn] = Field(default_factory=list, max_length=20)
    scale: int = Field(1, ge=1, le=8, description="demand multiplier (stress test)")
    time_limit_s: float = Field(60.0, gt=0, le=600)
    network_year: int | None = Field(
        None,
        ge=2000,
        le=2100,
        description="assign on the network the plan has built by this year (works.csv: "
        "new stations, roads, railways, trains and capacities); null = the current year "
        "(Beijing time)",
        examples=[2035],
    )
    network_scenario: NetworkScenarioIn | None = Field(
        None, description="the stored scenario to assign on; set from ?scenario="
    )


register_job_kind(
    "assignment",
    "freight.assign.jobs:run",
    params_model=AssignParams,
    default_time_limit_s=60.0,
    max_time_limit_s=600.0,
    roles=("planner",),
    description="Assign the year's shipments to rail–road routes under link, terminal and "
    "train capacities (path LP, OR-Tools GLOP); compares with the uncapacitated assignment.",
)
add_job_route(
    router,
    "/v1/assignments",
    "assignment",
    summary="Start a network assignment (job)",
    network_query=True,
    tags=["assignments", "jobs"],
)
