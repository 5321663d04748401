"""POST /v1/routes: Pareto-optimal rail–road routes for one consignment."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.errors import problem_responses
from api.geojson_models import GEOJSON_MEDIA_TYPE, geojson_responses
from api.offers import quote
from api.scenario_store import get_scenario
from api.security import Principal, current_principal
from freight.clock import current_year
from freight.errors import ExpiredError, FieldIssue, NotFoundError
from freight.network.loader import default_network
from freight.network.scenario import apply_scenario, change_of
from freight.network.years import default_network_for_year
from freight.routing import RoutingIndex
from freight.routing.geojson import route_answer_geojson
from freight.routing.io import request_from_dict

router = APIRouter(tags=["routes"], responses=problem_responses(404, 422, 429, 500))

_lock = threading.Lock()
_by_year: dict[int | None, RoutingIndex] = {}


_by_scenario: dict[tuple[str, int | None], RoutingIndex] = {}


def scenario_index(
    request: Request, who: Principal, scenario_id: str, year: int | None
) -> RoutingIndex:
    """Routing index of a stored scenario the caller may see (its org's or a shared one;
    anonymous callers see shared ones), on ``year`` or the scenario's base year. Scenarios
    are immutable, so the index is cached per (scenario, year)."""
    org = None if who.role == "admin" else (who.org or who.name if who.key_id else "")
    sc = get_scenario(request.app.state.db, org, scenario_id)
    key = (scenario_id, year)
    with _lock:
        found = _by_scenario.get(key)
    if found is None:
        changes = tuple(
            change_of(c["op"], c["table"], c["id"], c.get("values") or {}) for c in sc["changes"]
        )
        found = RoutingIndex(apply_scenario(year or sc["base_year"], changes))
        with _lock:
            if len(_by_scenario) >= 32:
                _by_scenario.pop(next(iter(_by_scenario)))
            _by_scenario[key] = found
    return found


def offer_index(
    request: Request, who: Principal, year: int | None, scenario: str | None
) -> RoutingIndex:
    """The routing index an offer was quoted on: its scenario's (as the booker sees it; a
    scenario deleted since the quote makes the offer stale, 410) or its network year's."""
    if scenario is None:
        return routing_index(year)
    try:
        return scenario_index(request, who, scenario, year)
    except NotFoundError:
        raise ExpiredError(
            f"the offer was quoted on scenario {scenario!r}, which is gone; quote again",
            issues=[FieldIssue("$.offer_id", "offer's scenario no longer exists")],
        ) from None


def routing_index(year: int | None = None) -> RoutingIndex:
    """The routing index of the shipped network of ``year`` (None: the shipped files as
    they are, every element of every year), built once per process and year; later calls
    are one dict lookup without the lock."""
    found = _by_year.get(year)
    if found is None:
        with _lock:
            found = _by_year.get(year)
            if found is None:
                net = default_network() if year is None else default_network_for_year(year)
                found = _by_year[year] = RoutingIndex(net)
    return found


EXAMPLE: dict[str, Any] = {
    "origin": "bonded_center",
    "destination": "alashankou",
    "cargo": {"commodity": "cotton", "form": "container", "quantity": 40, "unit": "teu"},
    "ready_at": "2025-03-03T08:00:00",
    "objective": "cost",
    "alternatives": 3,
}


class RouteCargoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commodity: str = Field(min_length=1, max_length=64, examples=["cotton"])
    form: Literal["container", "bulk", "general", "hazmat", "reefer"]
    quantity: float = Field(description="tonnes or TEU; > 0", examples=[40])
    unit: Literal["t", "teu"] = "t"


class AvoidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    modes: list[
        Literal[
            "road",
            "rail",
            "siding",
            "road_expressway",
            "road_national",
            "road_urban",
            "rail_piggyback",
        ]
    ] = Field(
        default_factory=list,
        max_length=7,
        description="rail avoids every train; rail_piggyback only piggyback trains (驮背)",
    )
    nodes: list[str] = Field(default_factory=list, max_length=100)


class RouteQueryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    origin: str = Field(min_length=1, max_length=128)
    destination: str = Field(min_length=1, max_length=128)
    cargo: RouteCargoIn
    ready_at: datetime | None = Field(
        None, description="ISO 8601; no offset = Beijing time (Asia/Shanghai); default: now"
    )
    due_by: datetime | None = None
    objective: Literal["cost", "time", "co2"] = "cost"
    alternatives: int = Field(3, ge=1, le=10)
    avoid: AvoidIn | None = None
    max_transfers: int | None = Field(None, ge=0, le=6)


class TotalOut(BaseModel):
    cost_cny: float
    hours: float
    co2_kg: float
    distance_km: float


class LegOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    mode: str
    from_: str = Field(alias="from")
    to: str
    links: list[str]
    service: str | None
    depart: str
    arrive: str
    distance_km: float
    cost_cny: float
    co2_kg: float
    trailers: int | None = Field(
        None, description="rail_piggyback legs: road semitrailers carried (驮背)"
    )


class TransferOut(BaseModel):
    terminal: str
    kind: str = Field(
        description="road->rail | rail->road | rail->rail (cargo handled); road->piggyback "
        "| piggyback->road | piggyback->piggyback (trailers roll on/off at a ramp)"
    )
    start: str
    hours: float
    cost_cny: float
    co2_kg: float
    drop_and_hook: bool = Field(
        False, description="the road side swapped semitrailers (甩挂) instead of waiting"
    )
    tractor_saved_cny: float = Field(
        0.0, description="tractor time a drop-and-hook saves, already taken off cost_cny"
    )
    trailers: int = Field(0, description="semitrailers rolled or swapped")


class AlternativeOut(BaseModel):
    rank: int
    total: TotalOut
    arrive: str
    modes: list[str]
    legs: list[LegOut]
    transfers: list[TransferOut]
    multimodal_forms: list[str] = Field(
        default_factory=list, description="piggyback and/or drop_and_hook, as the route uses"
    )
    offer_id: str | None = Field(None, description="book this alternative: POST /v1/bookings")
    offer_expires_at: str | None = Field(None, description="the offer is valid until then")


class RouteCargoOut(BaseModel):
    commodity: str
    form: str
    quantity: float
    unit: str
    tonnes: float
    teu: float


class DueByOut(BaseModel):
    requested: str
    met: bool
    earliest_arrival: str | None
    message: str


class RouteAnswer(BaseModel):
    origin: str
    destination: str
    objective: str
    cargo: RouteCargoOut
    ready_at: str
    alternatives: list[AlternativeOut]
    pareto_size: int
    rules_applied: list[str]
    pruned: dict[str, int]
    notes: list[str]
    due_by: DueByOut | None = None
    wall_s: float


@router.post(
    "/v1/routes",
    response_model=RouteAnswer,
    response_model_by_alias=True,
    response_model_exclude_none=False,
    summary="Pareto-optimal rail–road routes (cost, hours, CO2) for one consignment",
    responses=geojson_responses(),
)
async def routes(
    body: RouteQueryIn,
    request: Request,
    fmt: Literal["json", "geojson"] = Query(
        "json", alias="format", description="geojson: one LineString Feature per leg"
    ),
    year: int | None = Query(
        None,
        ge=2000,
        le=2100,
        examples=[2035],
        description="route on the network the plan has built by this year (stations, "
        "roads, railways and trains of works.csv); default: the current year (Beijing time)",
    ),
    scenario: str | None = Query(
        None,
        max_length=64,
        description="id of a stored scenario (POST /v1/scenarios) to route on: the caller's "
        "organisation's or a shared one; on `year` or else the scenario's base year",
    ),
) -> Any:
    """Rules that a query breaks give 422 naming the field; unknown ids 404."""
    # ``async`` on purpose: the search is short CPU work (mean ~2.5 ms, max ~22 ms on the
    # bench's varied queries) that a thread could not run in parallel anyway (GIL); running
    # it on the event loop saves two threadpool hops per request (the endpoint and FastAPI's
    # response validation) and the GIL hand-offs between loop and worker thread
    # (bench/load_routes.md).
    payload = body.model_dump(mode="json")
    req = request_from_dict(payload)
    if scenario is None:
        # the fast path: no key lookup, no thread hop; default: the current year's network
        index = routing_index(current_year() if year is None else year)
    else:
        index = scenario_index(request, current_principal(request), scenario, year)
    answer = await quote(request, index, req, scenario)  # alternatives carry offers
    accept = request.headers.get("accept", "")
    # GeoJSON when asked for by ?format=geojson, or by an Accept that does not also take
    # plain JSON (the web page accepts both and reads the JSON answer and its offers)
    if fmt == "geojson" or (GEOJSON_MEDIA_TYPE in accept and "application/json" not in accept):
        geo = route_answer_geojson(index.network, answer)
        return JSONResponse(geo, media_type=GEOJSON_MEDIA_TYPE)
    return answer
