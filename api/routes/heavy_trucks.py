"""POST /v1/heavy-trucks/plans: electric heavy trucks, lanes and stations (a job), and its report.

The runner is :func:`freight.trucks.jobs.run` (pure, in the domain package); this module
only validates, queues and renders. The job's result is the plan JSON contract (one year)
or ``{"kind": "heavy-truck-plan-years", "plans": [...]}``;
``GET /v1/heavy-trucks/plans/{id}/report`` renders it as Markdown or HTML with SVG charts.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from api.errors import ApiError, problem_responses
from api.jobs import register_job_kind, service, submit_job
from api.jobs.routing import REPORT_MEDIA, report_responses
from api.jobs.schemas import JobAccepted
from api.network_params import SCENARIO_QUERY, NetworkScenarioIn, network_params
from api.security import ROLES, Principal, require_role
from freight.errors import InputError, NotFoundError

router = APIRouter(
    tags=["heavy-trucks"], responses=problem_responses(401, 403, 404, 409, 422, 429, 500)
)

KIND = "heavy-truck-plan"
FIRST_YEAR, LAST_YEAR = 2026, 2035
YEARS_PATTERN = r"^\s*\d{4}\s*(-\s*\d{4}\s*)?$"
Pos = Annotated[float, Field(gt=0)]


class TruckTypeOverride(BaseModel):
    """Values replacing those of a truck type in networks/kuytun/trucks.toml."""

    model_config = ConfigDict(extra="forbid")

    powertrain: Literal["bev_swap", "bev_plugin", "lng", "diesel"] | None = None
    payload_t: Pos | None = None
    battery_kwh: Pos | None = None
    usable_share: Annotated[float, Field(gt=0, le=1)] | None = None
    kwh_per_km_loaded: Pos | None = None
    kwh_per_km_empty: Pos | None = None
    winter_penalty: Annotated[float, Field(ge=0, lt=2)] | None = None
    swap_min: Pos | None = None
    charge_kw: Pos | None = None
    price_cny: Pos | None = None
    maintenance_cny_per_km: Annotated[float, Field(ge=0)] | None = None
    life_years: Annotated[int, Field(ge=1, le=30)] | None = None
    fuel_per_km_loaded: Pos | None = None
    fuel_per_km_empty: Pos | None = None


class HeavyTruckPlanParams(BaseModel):
    """One ``year`` or ``years`` ("A-B"); a target share and/or a station budget."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"year": 2030},
                {"years": "2026-2035"},
                {"year": 2035, "target_tkm_share": 0.6, "budget_cny": 200000000},
            ]
        },
    )

    year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)] | None = None
    years: Annotated[str, Field(pattern=YEARS_PATTERN, max_length=32)] | None = None
    target_tkm_share: Annotated[float, Field(ge=0, le=1)] | None = Field(
        None, description="electrified t-km share (default: 5 % in 2026 rising to 50 % in 2035)"
    )
    budget_cny: Annotated[float, Field(ge=0)] | None = Field(
        None, description="capital for new station capacity per year, CNY"
    )
    truck_types: dict[str, TruckTypeOverride] | None = Field(
        None, description="per truck type id, values replacing the defaults"
    )
    sites: Annotated[list[Annotated[str, Field(max_length=80)]], Field(max_length=200)] | None = (
        Field(None, description="candidate site ids to allow (default: every candidate)")
    )
    time_limit_s: float = Field(
        600.0, gt=0, le=3600,
        description="the whole job's budget, every year included (each year's MIP at most 60 s)",
    )  # fmt: skip
    network_scenario: NetworkScenarioIn | None = Field(
        None, description="the stored scenario whose network each year runs on (on that "
        "year); set from ?scenario=",
    )  # fmt: skip

    @field_validator("sites")
    @classmethod
    def _known_sites(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        from freight.trucks.scenario import candidate_site_ids

        known = set(candidate_site_ids())
        bad = [f"sites[{k}] {s!r}" for k, s in enumerate(v) if s not in known]
        if bad:
            raise ValueError("unknown site: " + ", ".join(bad))
        return v

    @model_validator(mode="after")
    def _one_of_year_or_years(self) -> HeavyTruckPlanParams:
        from freight.trucks.jobs import parse_years

        try:
            parse_years({"year": self.year, "years": self.years})
        except InputError as exc:
            raise ValueError(exc.message) from None
        return self


register_job_kind(
    KIND,
    "freight.trucks.jobs:run",
    params_model=HeavyTruckPlanParams,
    default_time_limit_s=600.0,
    max_time_limit_s=3600.0,
    roles=("planner",),
    description="Choose which heavy-truck lanes to electrify and where battery-swap and "
    "charging stations go, with bays, chargers and spare batteries sized on the peak hour "
    "(MIP, OR-Tools SCIP; every plan checked independently), year by year 2026–2035.",
)


@router.post(
    "/v1/heavy-trucks/plans",
    operation_id="createHeavyTruckPlan",
    status_code=202,
    response_model=JobAccepted,
    summary="Start an electric heavy-truck plan for one year or several (job)",
    tags=["heavy-trucks", "jobs"],
    responses={
        202: {
            "description": "Job accepted; poll the Location",
            "headers": {"Location": {"schema": {"type": "string"}}},
        },
        **problem_responses(400, 401, 403, 404, 409, 422, 429, 500),
    },
)
def create_heavy_truck_plan(
    request: Request,
    body: HeavyTruckPlanParams = Body(...),
    principal: Principal = Depends(require_role("planner")),
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=256),
    scenario: str | None = SCENARIO_QUERY,
) -> JSONResponse:
    """Each year runs on the network of that year, or with ``?scenario=`` on that stored
    scenario's network on it."""
    params = body.model_dump(mode="json")
    params.update(network_params(request, principal, None, scenario))
    return submit_job(request, KIND, params, principal, idempotency_key)


@router.get(
    "/v1/heavy-trucks/plans/{job_id}/report",
    operation_id="getHeavyTruckPlanReport",
    response_class=Response,
    summary="The report of a succeeded heavy-truck plan (Markdown, or HTML with format=html)",
    responses=report_responses(),
)
def get_heavy_truck_plan_report(
    request: Request,
    job_id: str = Path(max_length=36, description="id of a heavy-truck-plan job"),
    format: Literal["md", "html"] = Query("md", description="md (text/markdown) or html"),
    principal: Principal = Depends(require_role(*ROLES)),
) -> Response:
    from freight.trucks.report import render_report, render_report_html

    db = request.app.state.db
    job = service.get(db, job_id, principal)
    if job.kind != KIND:
        raise NotFoundError(f"no {KIND} job with id {job_id!r} (it is a {job.kind!r} job)")
    _, result = service.get_result(db, job_id, principal)
    try:
        text = render_report_html(result) if format == "html" else render_report(result)
    except InputError as exc:
        raise ApiError(500, f"the stored plan cannot be rendered: {exc}") from None
    return Response(text, media_type=REPORT_MEDIA[format])
