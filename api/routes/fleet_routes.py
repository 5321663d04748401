"""POST /v1/fleet/routes: route the EV distribution fleet.

Small problems (at most ``SYNC_MAX_STOPS`` stops and ``SYNC_MAX_TIME_S`` seconds) are solved
in the request and answered 200 with the plan; larger ones become a ``fleet-route`` job
(202 + ``Location``). ``mode`` forces either. The body is the fleet problem JSON plus
solver options (``method`` is the router's :class:`~freight.fleet.routing.Method`);
``freight.fleet.parse_problem`` validates it, so errors name JSON paths
(``$.stops[3].window``) and come back as 422 problem+json.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from api.errors import problem_responses
from api.geojson_models import GEOJSON_MEDIA_TYPE
from api.jobs import register_job_kind, submit_job
from api.results import FleetSolution
from api.security import Principal, require_role
from freight.errors import InputError
from freight.fleet.jobs import problem_json, solve
from freight.fleet.routing import Method

router = APIRouter(tags=["fleet"])

SYNC_MAX_STOPS = 60
SYNC_MAX_TIME_S = 10.0

EXAMPLE: dict[str, Any] = {
    "speed_kmh": 30,
    "depots": [
        {"id": "hub_station_front", "lat": 44.433, "lon": 84.893, "open": "06:00", "close": "22:00"}
    ],
    "charging_sites": [
        {"id": "cs_centre", "lat": 44.425, "lon": 84.905, "power_kw": 60, "count": 4}
    ],
    "vehicle_types": [
        {
            "id": "ev_van",
            "depot": "hub_station_front",
            "count": 2,
            "capacity_kg": 1200,
            "capacity_m3": 11,
            "battery_kwh": 81,
            "min_soc_kwh": 8,
            "kwh_per_km": 0.3,
            "kwh_per_km_per_tonne": 0.0,
            "fixed_cost_cny": 180,
            "cost_per_km_cny": 1.0,
            "cost_per_hour_cny": 40.0,
            "refrigerated": False,
            "shift_start": "07:00",
            "shift_end": "19:00",
        }
    ],
    "stops": [
        {
            "id": "s1",
            "lat": 44.44,
            "lon": 84.92,
            "demand_kg": 120,
            "demand_m3": 0.8,
            "service_min": 10,
            "window": ["09:00", "12:00"],
            "refrigerated": False,
        }
    ],
    "time_limit_s": 2,
}


class _Part(BaseModel):
    """A part of the fleet problem: extra optional fields are accepted and ignored (the issue
    welcomes them); fields left out are left out of the problem JSON, so
    ``parse_problem`` applies its documented defaults and names bad values' JSON paths."""

    model_config = ConfigDict(extra="ignore")

    @model_serializer(mode="wrap")
    def _given_only(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if k in self.model_fields_set or v is not None}


HHMM = Field(None, description="HH:MM", examples=["06:00"])


class DepotIn(_Part):
    id: str
    lat: float
    lon: float
    open: str | None = HHMM
    close: str | None = HHMM


class ChargingSiteIn(_Part):
    id: str
    lat: float
    lon: float
    power_kw: float
    count: int


class FleetVehicleTypeIn(_Part):
    id: str
    depot: str
    count: int
    capacity_kg: float
    capacity_m3: float
    battery_kwh: float | None = Field(description="required: a number, or null for a PHEV")
    min_soc_kwh: float | None = None
    kwh_per_km: float | None = None
    kwh_per_km_per_tonne: float | None = None
    fixed_cost_cny: float | None = None
    cost_per_km_cny: float | None = None
    cost_per_hour_cny: float | None = None
    refrigerated: bool | None = None
    shift_start: str | None = HHMM
    shift_end: str | None = HHMM


class FleetStopIn(_Part):
    id: str
    lat: float
    lon: float
    demand_kg: float | None = None
    demand_m3: float | None = None
    service_min: float | None = None
    window: list[str] | None = Field(None, description='["HH:MM", "HH:MM"]')
    refrigerated: bool | None = None


class TravelMatrixIn(_Part):
    """Travel between every place (depots, charging sites, stops), in ``ids`` order."""

    ids: list[str]
    km: list[list[float]]
    minutes: list[list[float]]


class FleetRouteRequest(BaseModel):
    """The fleet problem plus solver options (deep checks by ``parse_problem``)."""

    # the contract welcomes extra optional fields: they are accepted and ignored
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [EXAMPLE]})

    road_factor: float | None = Field(None, description="default 1.3")
    speed_kmh: float | None = Field(None, description="default 30")
    depots: list[DepotIn] = Field(max_length=100)
    charging_sites: list[ChargingSiteIn] = Field(default_factory=list, max_length=2000)
    vehicle_types: list[FleetVehicleTypeIn] = Field(max_length=500)
    stops: list[FleetStopIn] = Field(max_length=20_000)
    matrix: TravelMatrixIn | None = None
    time_limit_s: float = Field(10.0, gt=0, le=600)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    method: Method = Method.PYVRP
    max_iterations: int | None = Field(None, ge=1, le=10_000_000)
    mode: Literal["auto", "sync", "job"] = "auto"


register_job_kind(
    "fleet-route",
    "freight.fleet.jobs:run",
    params_model=FleetRouteRequest,
    default_time_limit_s=10.0,
    max_time_limit_s=600.0,
    roles=("operator", "planner"),
    description="Daily EV fleet routing with charging stops (PyVRP search, exact charging "
    "insertion, repair; every plan independently verified).",
)


@router.post(
    "/v1/fleet/routes",
    summary="Route the EV fleet (200 with the plan, or 202 with a job for large problems)",
    responses={
        200: {
            "description": "The plan: routes, charging visits, unserved stops with reasons",
            "model": FleetSolution,
            "content": {
                "application/geo+json": {
                    "schema": {"$ref": "#/components/schemas/FeatureCollection"}
                }
            },
        },
        202: {
            "description": "Job accepted; poll the Location",
            "headers": {"Location": {"schema": {"type": "string"}}},
        },
        **problem_responses(400, 401, 403, 409, 422, 429, 500),
    },
)
def fleet_routes(
    request: Request,
    body: FleetRouteRequest = Body(...),
    principal: Principal = Depends(require_role("operator", "planner")),
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=256),
    fmt: Literal["json", "geojson"] = Query(
        "json", alias="format", description="geojson: the 200 plan as one Feature per route"
    ),
) -> JSONResponse:
    from freight.fleet.problem_json import parse_problem

    # drop unset top-level options only (a nested null, e.g. a PHEV's battery, is data)
    params = {k: v for k, v in body.model_dump(mode="json").items() if v is not None}
    problem = parse_problem(problem_json(params))
    small = len(problem.stops) <= SYNC_MAX_STOPS and body.time_limit_s <= SYNC_MAX_TIME_S
    if body.mode == "sync" and not small:
        raise InputError(
            f"mode 'sync' allows at most {SYNC_MAX_STOPS} stops and {SYNC_MAX_TIME_S:g} s; "
            "use mode 'job' or 'auto'"
        )
    if body.mode == "sync" or (body.mode == "auto" and small):
        plan = solve(params)
        if fmt == "geojson" or GEOJSON_MEDIA_TYPE in request.headers.get("accept", ""):
            from freight.fleet.geojson import fleet_solution_geojson

            geo = fleet_solution_geojson(problem, plan)
            return JSONResponse(geo, media_type=GEOJSON_MEDIA_TYPE)
        return JSONResponse(plan)
    return submit_job(request, "fleet-route", body, principal, idempotency_key)
