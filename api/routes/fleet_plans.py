"""POST /v1/fleet/plans: fleet and charger sizing 2026–2035 (a job), its typed result, its report.

``POST /v1/fleet/plans`` starts a ``fleet-plan`` job (planner role) for one ``year`` or for
``years`` (a list or ``"2026-2035"``); the runner is :func:`freight.fleet.plan.jobs.run`.
The result (``GET /v1/jobs/{id}/result``) is the fleet-plan JSON contract plus
``report_md``, its kept routes left out (``routes`` null) unless ``?routes=true``;
``GET /v1/fleet/plans/{id}`` answers the same plan typed by the model
(:class:`~freight.fleet.plan.model.FleetPlan` or ``FleetPlanSet``, so the OpenAPI document
lists every field). ``GET /v1/fleet/plans/{id}/report`` answers the report as
``text/markdown`` (``?format=html``: a self-contained HTML page with the same SVG charts).
``GET /v1/fleet/plans/{id}/routes`` answers the routes the plan kept (``?year=&season=``
filters) as JSON, GeoJSON (``?format=geojson`` or ``Accept: application/geo+json``: one
LineString Feature per route) or one CSV/Parquet table (``?format=csv|parquet&table=``);
the plan endpoint leaves them out unless ``?routes=true``.
Parameters are checked by the planner's one validator (:mod:`freight.fleet.plan.params`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from api.errors import ApiError, problem_responses
from api.geojson_models import GEOJSON_MEDIA_TYPE
from api.jobs import add_job_route, register_job_kind, service
from api.jobs.routing import REPORT_MEDIA, report_responses
from api.network_params import NetworkScenarioIn
from api.routes.tables import TABLE_CONTENT
from api.security import ROLES, Principal, require_role
from freight.errors import InputError, IssueCollector, NotFoundError
from freight.fleet.plan.model import DayRoutes, FleetPlan, FleetPlanSet, plan_from_dict
from freight.fleet.plan.params import (
    DEFAULT_TIME_LIMIT_S,
    FIRST_YEAR,
    LAST_YEAR,
    parse_years,
    plan_param_issues,
)

router = APIRouter(tags=["fleet"], responses=problem_responses(401, 403, 404, 409, 422, 429, 500))

KIND = "fleet-plan"
MAX_TIME_LIMIT_S = 3600.0
YEARS_PATTERN = r"^\s*\d{4}\s*(-\s*\d{4}\s*)?$"

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
ChargerPowerKw = Annotated[float, Field(gt=0, le=1000)]


class FleetPlanParams(BaseModel):
    """Parameters of a fleet plan: exactly one of ``year`` or ``years``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"year": 2035},
                {"years": "2026-2035", "time_limit_s": 1800},
                {"years": [2026, 2030, 2035], "seed": 7},
                {"year": 2030, "max_stops": 200, "time_limit_s": 60, "charger_powers_kw": [11, 60]},
            ]
        },
    )

    year: Year | None = Field(None, description=f"one year, {FIRST_YEAR}..{LAST_YEAR}")
    years: (
        Annotated[list[Year], Field(min_length=1, max_length=LAST_YEAR - FIRST_YEAR + 1)]
        | Annotated[str, Field(pattern=YEARS_PATTERN, max_length=32)]
        | None
    ) = Field(
        None,
        validate_default=True,
        description='several years: a list, or a range such as "2026-2035" (in year order)',
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="same seed, same plan")
    time_limit_s: float = Field(
        DEFAULT_TIME_LIMIT_S,
        gt=0,
        le=MAX_TIME_LIMIT_S,
        description="whole-plan wall budget; when it cuts the plan short the job is partial",
    )
    max_stops: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="seeded subsample of each representative day, for quick runs "
        "(the answer then says sampled)",
    )
    engine: Literal["process", "ray"] = Field(
        "process", description="'ray' only where the service has the ray package"
    )
    charger_powers_kw: Annotated[list[ChargerPowerKw], Field(min_length=1, max_length=8)] | None = (
        Field(
            None,
            description="candidate charger classes in kW, each one of the cited classes in "
            "networks/kuytun/fleet_defaults.toml (default: all of them)",
        )
    )
    keep_routes: bool = Field(
        True,
        description="keep both days' routes in the plan (served by GET /v1/fleet/plans/{id}"
        "/routes); false leaves them out of very large plans",
    )
    network_scenario: NetworkScenarioIn | None = Field(
        None,
        description="the stored scenario whose network (on the plan's year) decides which "
        "depots and charging sites exist; set from ?scenario=",
    )

    @field_validator("years")
    @classmethod
    def _one_of_year_or_years(cls, v: Any, info: ValidationInfo) -> Any:
        if "year" not in info.data:  # year itself was invalid; that error is enough
            return v
        try:  # one parser of year ranges for the API, the job runner and the CLI
            parse_years({"year": info.data["year"], "years": v})
        except InputError as exc:
            raise ValueError("; ".join(i.message for i in exc.issues) or exc.message) from None
        return v

    @field_validator(
        "seed", "time_limit_s", "max_stops", "engine", "charger_powers_kw", "keep_routes"
    )
    @classmethod
    def _planner_accepts(cls, v: Any, info: ValidationInfo) -> Any:
        """The planner's validator, field by field (its messages, this field's path)."""
        issues = IssueCollector()
        plan_param_issues({str(info.field_name): v}, issues)
        if issues.issues:
            raise ValueError("; ".join(i.message for i in issues.issues))
        return v


register_job_kind(
    KIND,
    "freight.fleet.plan.jobs:run",
    params_model=FleetPlanParams,
    default_time_limit_s=DEFAULT_TIME_LIMIT_S,
    max_time_limit_s=MAX_TIME_LIMIT_S,
    roles=("planner",),
    description="Size the urban new-energy delivery fleet by type and depot and the chargers "
    "by site and power for 2026–2035 (both representative days routed and checked, overnight "
    "charging scheduled, at most 4 plug-in vehicles per charger, refrigerated share >= 0.5 %); "
    "the result carries a Markdown report with SVG charts.",
)
add_job_route(
    router,
    "/v1/fleet/plans",
    KIND,
    summary="Start a fleet and charger plan for one year or several (job)",
    scenario_query=True,
    tags=["fleet", "jobs"],
)


class FleetPlanResult(BaseModel):
    """A succeeded fleet-plan job's plan, typed by the planner's model, and its report."""

    id: str = Field(description="job id")
    partial: bool = Field(description="the time limit cut the plan short (best plan so far)")
    plan: FleetPlan | FleetPlanSet = Field(
        discriminator="kind",
        description="one year's plan (kind fleet-plan) or several years' (fleet-plan-set)",
    )
    report_md: str | None = Field(None, description="the Markdown report with SVG charts")


def _stored_plan(request: Request, job_id: str, principal: Principal) -> tuple[Any, dict[str, Any]]:
    """The job (404 unless a fleet-plan job of the caller's) and its result (409 until done)."""
    db = request.app.state.db
    job = service.get(db, job_id, principal)  # 404 when unknown or not the caller's
    if job.kind != KIND:
        raise NotFoundError(f"no {KIND} job with id {job_id!r} (it is a {job.kind!r} job)")
    return service.get_result(db, job_id, principal)


def _trimmed(
    result: dict[str, Any], routes: bool, year: int | None = None, season: str | None = None
) -> dict[str, Any]:
    """The stored plan JSON with only the routes asked for (``routes`` false: none), so a
    large plan's other days are not read."""

    def trim(p: Any) -> Any:
        if not isinstance(p, dict) or not isinstance(p.get("routes"), list):
            return p
        if not routes or (year is not None and p.get("year") != year):
            return {**p, "routes": None}
        if season is None:
            return p
        days = p["routes"]
        return {
            **p,
            "routes": [d for d in days if not isinstance(d, dict) or d.get("season") == season],
        }

    if isinstance(result.get("plans"), list):
        return {**result, "plans": [trim(p) for p in result["plans"]]}
    out: dict[str, Any] = trim(result)
    return out


def without_routes(result: dict[str, Any]) -> dict[str, Any]:
    """The stored result JSON (``report_md`` and every other field kept) with each plan's
    kept routes left out (``routes`` null), for the light ``GET /v1/jobs/{id}/result``."""
    return _trimmed(result, False)


def _read_stored(
    result: dict[str, Any],
    routes: bool = False,
    year: int | None = None,
    season: str | None = None,
) -> FleetPlan | FleetPlanSet:
    """The stored plan, typed; its kept routes only when ``routes`` (of ``year`` and
    ``season`` when given)."""
    try:
        trimmed = _trimmed(result, routes, year, season)
        return plan_from_dict({k: v for k, v in trimmed.items() if k != "report_md"})
    except InputError as exc:  # a stored result is ours, never the caller's input
        raise ApiError(500, f"the stored plan does not match the fleet-plan model: {exc}") from None


@router.get(
    "/v1/fleet/plans/{job_id}",
    response_model=FleetPlanResult,
    operation_id="getFleetPlan",
    summary="The plan of a succeeded fleet-plan job, typed (409 while it is not succeeded)",
)
def get_fleet_plan(
    request: Request,
    job_id: str = Path(max_length=36, description="id of a fleet-plan job"),
    routes: bool = Query(
        False,
        description="also answer the kept routes (each plan's `routes`; null without this, "
        "as they can be large: GET /v1/fleet/plans/{id}/routes serves them by year and day)",
    ),
    principal: Principal = Depends(require_role(*ROLES)),
) -> FleetPlanResult:
    job, result = _stored_plan(request, job_id, principal)
    plan = _read_stored(result, routes)
    report = result.get("report_md")
    return FleetPlanResult(
        id=job.id,
        partial=bool(job.partial),
        plan=plan,
        report_md=report if isinstance(report, str) else None,
    )


@router.get(
    "/v1/fleet/plans/{job_id}/report",
    response_class=Response,
    summary="The report of a succeeded fleet-plan job (Markdown, or HTML with format=html)",
    responses=report_responses(),
)
def fleet_plan_report(
    request: Request,
    job_id: str = Path(max_length=36, description="id of a fleet-plan job"),
    format: Literal["md", "html"] = Query("md", description="md (text/markdown) or html"),
    principal: Principal = Depends(require_role(*ROLES)),
) -> Response:
    from freight.fleet.plan.report import render_report, render_report_html

    _, result = _stored_plan(request, job_id, principal)
    stored = result.get("report_md")
    if format == "md" and isinstance(stored, str):
        return Response(stored, media_type=REPORT_MEDIA[format])
    plan = _read_stored(result)
    text = render_report_html(plan) if format == "html" else render_report(plan)
    return Response(text, media_type=REPORT_MEDIA[format])


class FleetPlanRoutes(BaseModel):
    """The routes a succeeded fleet-plan job kept, one entry per year and representative day."""

    id: str = Field(description="job id")
    kind: Literal["fleet-plan-routes"] = "fleet-plan-routes"
    partial: bool = Field(description="the time limit cut the plan short")
    days: list[DayRoutes] = Field(description="in year order, the days asked for")


def routes_responses() -> dict[int | str, dict[str, Any]]:
    """OpenAPI answers: JSON (the model), GeoJSON, or one CSV/Parquet table."""
    geo = {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}
    return {200: {"content": {GEOJSON_MEDIA_TYPE: geo, **TABLE_CONTENT}}}


@router.get(
    "/v1/fleet/plans/{job_id}/routes",
    response_model=FleetPlanRoutes,
    operation_id="getFleetPlanRoutes",
    summary="The routes of a fleet plan by year and day: JSON, GeoJSON, CSV or Parquet",
    responses=routes_responses(),
)
def fleet_plan_routes(
    request: Request,
    job_id: str = Path(max_length=36, description="id of a fleet-plan job"),
    year: Year | None = Query(None, description="one year of the plan (default: every year)"),
    season: Literal["winter", "summer"] | None = Query(
        None, description="one representative day (default: both)"
    ),
    fmt: Literal["json", "geojson", "csv", "parquet"] = Query(
        "json",
        alias="format",
        description="geojson: one LineString Feature per route (also with Accept: "
        "application/geo+json); csv/parquet: one table (see table)",
    ),
    table: Literal["routes", "route_stops"] = Query(
        "routes",
        description="with csv/parquet: routes (one row per route) or route_stops (one row "
        "per stop or charging stop)",
    ),
    principal: Principal = Depends(require_role(*ROLES)),
) -> Response:
    from freight.fleet.plan.plan_routes import routes_geojson, select_days

    job, result = _stored_plan(request, job_id, principal)
    plan = _read_stored(result, True, year, season)
    days = select_days(plan, year, season, loc_prefix="query.")
    accept = request.headers.get("accept", "")
    if fmt == "geojson" or (GEOJSON_MEDIA_TYPE in accept and "application/json" not in accept):
        return JSONResponse(routes_geojson(days), media_type=GEOJSON_MEDIA_TYPE)
    if fmt in ("csv", "parquet"):
        from api.routes.tables import frame_response
        from freight.tables import fleet_plan_route_tables

        df = fleet_plan_route_tables([d.to_dict() for d in days])[table]
        return frame_response(df, fmt, f"fleet-plan-{job.id[:8]}-{table}")
    body = {"id": job.id, "kind": "fleet-plan-routes", "partial": bool(job.partial),
            "days": [d.to_dict() for d in days]}  # fmt: skip
    return JSONResponse(body)
