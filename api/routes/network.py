"""GET /v1/network (GeoJSON), GET /v1/network/nodes/{id}; POST /v1/network/resilience (job)."""

from __future__ import annotations

import functools
import json
from typing import Any, Literal, cast

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.errors import problem_responses
from api.geojson_models import FeatureCollection, geojson_responses
from api.jobs import add_job_route, register_job_kind
from api.network_params import network_for
from api.network_store import get_node
from api.security import current_principal
from freight.clock import current_year
from freight.errors import NotFoundError
from freight.network import resilience
from freight.network.geojson import to_geojson
from freight.network.years import default_network_for_year

router = APIRouter(tags=["network"], responses=problem_responses(404, 422, 429, 500))

ResilienceMode = Literal["rail", "siding", "road_expressway", "road_national", "road_urban"]
DEFAULT_RESILIENCE_MODES: tuple[ResilienceMode, ...] = cast(
    tuple[ResilienceMode, ...], resilience.DEFAULT_MODES
)


class HandlingOut(BaseModel):
    forms: list[str]
    cost_cny_per_t: float
    cost_cny_per_teu: float
    hours: float
    capacity_t_per_day: float
    capacity_teu_per_day: float


class NodeOut(BaseModel):
    id: str
    name_en: str
    name_zh: str
    kind: str
    lat: float
    lon: float
    accepts_freight: bool
    rail_access: bool
    station_class: str
    role: str
    district: str
    handling: HandlingOut
    links: list[str] = Field(description="ids of the links that start or end here")


@router.get(
    "/v1/network",
    response_model=FeatureCollection,
    summary="The network as a GeoJSON FeatureCollection",
    responses=geojson_responses(),
)
def network(
    request: Request,
    year: int | None = Query(
        None,
        ge=2000,
        le=2100,
        examples=[2035],
        description="The network the plan has built by this year (the shipped network's "
        "works.csv: new stations, roads and railways, capacity changes); default: the "
        "current year in Beijing time, or the scenario's base year. The answer names it in "
        "`network_year`.",
    ),
    scenario: str | None = Query(
        None,
        max_length=64,
        description="id of a stored scenario (POST /v1/scenarios) to draw: the caller's "
        "organisation's or a shared one; named in `network_scenario`",
    ),
) -> Response:
    if scenario is None:
        body = year_geojson(current_year() if year is None else year)
    else:
        net = network_for(request, current_principal(request), year, scenario)
        fc = to_geojson(net)
        fc.update(network_year=int(net.meta["year"]), network_scenario=scenario)
        body = json.dumps(fc, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, media_type="application/geo+json")


@functools.lru_cache(maxsize=16)
def year_geojson(year: int) -> bytes:
    """The serialised GeoJSON of the shipped network of ``year`` (built once per year)."""
    fc = to_geojson(default_network_for_year(year))
    fc["network_year"] = year
    return json.dumps(fc, ensure_ascii=False, separators=(",", ":")).encode()


@router.get("/v1/network/nodes/{node_id}", response_model=NodeOut, summary="One node")
def node(
    request: Request,
    node_id: str = Path(max_length=128, examples=["kuytun_west"]),
) -> dict[str, Any]:
    found = get_node(request.app.state.db, node_id)
    if found is None:
        raise NotFoundError(f"unknown node id {node_id!r}")
    return found


class EdgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=128)
    u: str = Field(min_length=1, max_length=128)
    v: str = Field(min_length=1, max_length=128)
    length_km: float = Field(gt=0, le=100_000)


class ResilienceParams(BaseModel):
    """Monte-Carlo link-failure study of the network (see freight.network.resilience)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "pairs": [["kuytun", "alashankou"], ["kuytun_west", "urumqi"]],
                    "modes": ["rail"],
                    "failure_probability": 0.05,
                    "samples": 500,
                    "seed": 7,
                    "time_limit_s": 10,
                }
            ]
        },
    )

    pairs: list[tuple[str, str]] | None = Field(
        None, max_length=200, description="origin/destination node ids; default: a fixed set"
    )
    edges: list[EdgeIn] | None = Field(
        None,
        max_length=5000,
        description="study this ad-hoc network instead of the stored one (then give pairs)",
    )
    modes: list[ResilienceMode] = Field(
        default_factory=lambda: list(DEFAULT_RESILIENCE_MODES),
        min_length=1,
        max_length=5,
    )
    failure_probability: float = Field(0.05, gt=0, lt=1)
    samples: int = Field(1000, ge=1, le=10_000_000)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    time_limit_s: float = Field(30.0, gt=0, le=600)


register_job_kind(
    "network-resilience",
    "freight.network.resilience:run",
    params_model=ResilienceParams,
    default_time_limit_s=30.0,
    max_time_limit_s=600.0,
    roles=("planner",),
    description="Share of link-failure scenarios in which each O-D pair stays connected, "
    "the detour it costs, and which links matter most (Monte-Carlo, seeded).",
)
add_job_route(
    router,
    "/v1/network/resilience",
    "network-resilience",
    summary="Start a network resilience study (job)",
    tags=["network", "jobs"],
)
