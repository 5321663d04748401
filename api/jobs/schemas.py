"""Response models of the job API (shared by every job-starting route)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.matching_schemas import MatchingRoundResult
from api.results import (
    AssignmentResult,
    ConversionPlanResult,
    FleetSolution,
    ResilienceResult,
)
from freight.fleet.plan.model import FleetPlan, FleetPlanSet

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
JOB_STATUSES: tuple[str, ...] = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED = ("succeeded", "failed", "cancelled")


class JobLinks(BaseModel):
    self: str = Field(examples=["/v1/jobs/0f8fad5b-d9cb-469f-a165-70867728950e"])
    result: str
    cancel: str


class JobAccepted(BaseModel):
    """Answer of every job-starting POST (202, with ``Location``)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
                    "status": "queued",
                    "links": {
                        "self": "/v1/jobs/0f8fad5b-d9cb-469f-a165-70867728950e",
                        "result": "/v1/jobs/0f8fad5b-d9cb-469f-a165-70867728950e/result",
                        "cancel": "/v1/jobs/0f8fad5b-d9cb-469f-a165-70867728950e",
                    },
                }
            ]
        }
    )

    id: str
    kind: str
    status: JobStatus
    links: JobLinks


class JobTimings(BaseModel):
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    queued_s: float | None = Field(None, description="seconds from creation to start")
    run_s: float | None = Field(None, description="seconds of solver run time")


class JobErrorInfo(BaseModel):
    """A failed job's problem (the fields of problem+json, plus ``code``)."""

    code: str
    status: int
    type: str | None = None
    title: str | None = None
    detail: str
    errors: list[dict[str, str]] | None = None
    binding: list[str] | None = None


class JobOut(BaseModel):
    """A job's state. ``partial`` is true when the time limit cut the solve short and the
    result is the best solution found so far."""

    id: str
    kind: str
    status: JobStatus
    progress: float = Field(ge=0, le=1)
    message: str
    partial: bool
    attempts: int
    time_limit_s: float
    timings: JobTimings
    error: JobErrorInfo | None = None
    links: JobLinks


class JobPage(BaseModel):
    items: list[JobOut]
    total: int
    limit: int
    offset: int
    next: str | None = Field(None, description="link to the next page, if any")


class _JobResult(BaseModel):
    id: str
    partial: bool = Field(description="the time limit cut the solve short: best so far")


class AssignmentJobResult(_JobResult):
    kind: Literal["assignment"]
    result: AssignmentResult


class ConversionPlanJobResult(_JobResult):
    kind: Literal["conversion-plan"]
    result: ConversionPlanResult


class FleetRouteJobResult(_JobResult):
    kind: Literal["fleet-route"]
    result: FleetSolution


class FleetPlanJobResult(_JobResult):
    kind: Literal["fleet-plan"]
    result: Annotated[FleetPlan | FleetPlanSet, Field(discriminator="kind")]


class MatchingRoundJobResult(_JobResult):
    kind: Literal["matching-round"]
    result: MatchingRoundResult


class ResilienceJobResult(_JobResult):
    kind: Literal["network-resilience"]
    result: ResilienceResult


#: A succeeded job's result: one typed model per job kind, told apart by ``kind``.
JobResult = Annotated[
    AssignmentJobResult
    | ConversionPlanJobResult
    | FleetRouteJobResult
    | FleetPlanJobResult
    | MatchingRoundJobResult
    | ResilienceJobResult,
    Field(discriminator="kind"),
]


class JobSubmit(BaseModel):
    """Generic job submission: ``kind`` names a registered kind, ``params`` its parameters."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "network-resilience",
                    "params": {"samples": 200, "failure_probability": 0.05, "seed": 7},
                }
            ]
        },
    )

    kind: str = Field(min_length=1, max_length=64)
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="free-form here: the parameters of `kind`, validated against that kind's "
        "schema (GET /v1/job-kinds, or the kind's own POST endpoint); errors name $.params.*",
    )
