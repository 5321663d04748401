"""Vehicle–cargo matching (车货对接): the pool of trucks and loads, rounds, accept/decline.

Roles: operator, platform and admin keys. A round over at most ``SYNC_MAX_LOADS`` open
loads answers at once; a larger one runs as a job (kind ``matching-round``) and
``GET /v1/matching/rounds/{id}`` claims and returns its plan once the job is done.

A round runs on the network of its year: ``?year=``, else the year of its loads' earliest
pickup (Beijing time), else the current year; ``?scenario=`` puts a stored scenario of the
key's organisation (or a shared one) on that year. Loads to or from a node that year lacks
are unmatched (``not_in_network_year``). The pool itself is checked against every node of
the plan, whatever the year.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api import matching_store as store
from api.errors import problem_responses
from api.jobs import register_job_kind
from api.jobs import service as jobs
from api.matching_schemas import AssignmentOut, RoundOut
from api.network_params import SCENARIO_QUERY, network_for, network_params
from api.routes.routes import routing_index
from api.routes.tables import TABLE_CONTENT, frame_response
from api.security import Principal, require_role
from freight.clock import current_year
from freight.errors import FieldIssue, InputError
from freight.matching.io import (
    load_from_dict,
    load_to_dict,
    result_to_dict,
    round_year,
    vehicle_from_dict,
    vehicle_to_dict,
)
from freight.matching.solve import match
from freight.tables import matching_round_tables

router = APIRouter(
    tags=["matching"], responses=problem_responses(401, 403, 404, 409, 422, 429, 500)
)
member = require_role("operator")  # operator, platform and admin keys
SYNC_MAX_LOADS = 2000
T = TypeVar("T")
BATCH_MAX = 10_000

Form = Literal["container", "bulk", "general", "hazmat", "reefer"]
Kind = Literal["container_truck", "bulk_truck", "tanker", "reefer", "flatbed", "van"]


class VehicleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100)
    kind: Kind
    capacity_t: float = Field(gt=0, le=100)
    capacity_teu: int | None = Field(None, ge=1, le=3)
    location: str = Field(min_length=1, max_length=128)
    available_from: datetime
    available_until: datetime
    home: str | None = Field(None, max_length=128)
    permits: list[Literal["hazmat"]] = Field(default_factory=list, max_length=4)
    powertrain: Literal["diesel", "lng", "bev"] = "diesel"
    range_km: float | None = Field(None, gt=0, le=2000)


class CargoIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commodity: str = Field(min_length=1, max_length=64)
    form: Form
    quantity: float = Field(gt=0)
    unit: Literal["t", "teu"]


class LoadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100)
    origin: str = Field(min_length=1, max_length=128)
    destination: str = Field(min_length=1, max_length=128)
    cargo: CargoIn
    pickup_from: datetime
    pickup_until: datetime
    deliver_by: datetime
    price_cny: float | None = Field(None, ge=0)


class VehicleBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[VehicleIn] = Field(min_length=1, max_length=BATCH_MAX)


class LoadBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[LoadIn] = Field(min_length=1, max_length=BATCH_MAX)


class LoadCargoOut(BaseModel):
    commodity: str
    form: str
    quantity: float
    unit: str


class VehicleOut(BaseModel):
    id: str
    kind: str
    capacity_t: float
    capacity_teu: int | None
    location: str
    available_from: str
    available_until: str
    home: str | None
    permits: list[str]
    powertrain: str
    range_km: float | None
    status: str
    assignment: str | None


class LoadOut(BaseModel):
    id: str
    origin: str
    destination: str
    cargo: LoadCargoOut
    pickup_from: str
    pickup_until: str
    deliver_by: str
    price_cny: float | None
    status: str
    assignment: str | None


class VehicleList(BaseModel):
    count: int
    items: list[VehicleOut]


class LoadList(BaseModel):
    count: int
    items: list[LoadOut]


class BatchOut(BaseModel):
    stored: int
    ids: list[str]


ROUND_YEAR_QUERY = Query(
    None,
    ge=2000,
    le=2100,
    examples=[2035],
    description="network year of the round (works.csv); default: the year of the open "
    "loads' earliest pickup_from (Beijing time), else the current year",
)


class RoundAccepted(BaseModel):
    id: str
    status: Literal["solving", "failed"]
    job: str | None
    detail: str = ""


register_job_kind(
    "matching-round",
    "freight.matching.jobs:run",
    default_time_limit_s=300.0,
    max_time_limit_s=600.0,
    roles=("operator",),
    description="One vehicle–cargo matching round over a snapshot of the open pool.",
)


def _parse_batch(items: Sequence[BaseModel], parse: Callable[..., T], loc: str) -> list[T]:
    """Domain-check every item; duplicates and bad items name ``$.items[i]`` paths."""
    network = routing_index().network
    seen: dict[str, int] = {}
    issues: list[FieldIssue] = []
    out: list[T] = []
    for n, item in enumerate(items):
        d = item.model_dump(mode="python")
        if d["id"] in seen:
            issues.append(
                FieldIssue(
                    f"{loc}[{n}].id", f"duplicate id {d['id']!r} (also {loc}[{seen[d['id']]}])"
                )
            )
            continue
        seen[d["id"]] = n
        try:
            out.append(parse(d, network, f"{loc}[{n}]"))
        except InputError as exc:
            issues.extend(exc.issues)
        if len(issues) >= 50:
            break
    if issues:
        raise InputError(
            f"{len(issues)} problem(s) in the batch; nothing was stored", issues=issues
        )
    return out


def _vehicle_out(row: Any) -> VehicleOut:
    return VehicleOut(**row.data, status=row.status, assignment=row.assignment_id)


def _load_out(row: Any) -> LoadOut:
    d = {k: v for k, v in row.data.items() if k != "posted_at"}
    return LoadOut(**d, status=row.status, assignment=row.assignment_id)


@router.post("/v1/matching/vehicles", operation_id="putMatchingVehicle", response_model=VehicleOut)
def put_vehicle(request: Request, body: VehicleIn, _: Principal = Depends(member)) -> VehicleOut:
    """Offer a truck (posting its id again replaces it while it is not matched)."""
    v = vehicle_from_dict(body.model_dump(mode="python"), routing_index().network)
    store.put_items(request.app.state.db, store.MatchVehicleRow, [vehicle_to_dict(v)], "$")
    return _vehicle_out(
        store.get_item(request.app.state.db, store.MatchVehicleRow, v.id, "vehicle")
    )


@router.post(
    "/v1/matching/vehicles/batch", operation_id="putMatchingVehicles", response_model=BatchOut
)
def put_vehicles(
    request: Request, body: VehicleBatchIn, _: Principal = Depends(member)
) -> BatchOut:
    """Offer up to 10,000 trucks at once: all stored, or none."""
    vs = _parse_batch(body.items, vehicle_from_dict, "$.items")
    store.put_items(
        request.app.state.db, store.MatchVehicleRow, [vehicle_to_dict(v) for v in vs], "$.items[{}]"
    )
    return BatchOut(stored=len(vs), ids=[v.id for v in vs])


@router.get(
    "/v1/matching/vehicles", operation_id="listMatchingVehicles", response_model=VehicleList
)
def list_vehicles(
    request: Request,
    status: Literal["open", "matched"] | None = None,
    limit: int = Query(1000, ge=1, le=10_000),
    _: Principal = Depends(member),
) -> VehicleList:
    rows = store.list_items(request.app.state.db, store.MatchVehicleRow, status, limit)
    return VehicleList(count=len(rows), items=[_vehicle_out(r) for r in rows])


@router.get(
    "/v1/matching/vehicles/{vehicle_id}",
    operation_id="getMatchingVehicle",
    response_model=VehicleOut,
)
def get_vehicle(
    request: Request,
    vehicle_id: str = Path(min_length=1, max_length=100),
    _: Principal = Depends(member),
) -> VehicleOut:
    return _vehicle_out(
        store.get_item(request.app.state.db, store.MatchVehicleRow, vehicle_id, "vehicle")
    )


@router.delete(
    "/v1/matching/vehicles/{vehicle_id}", operation_id="deleteMatchingVehicle", status_code=204
)
def delete_vehicle(
    request: Request,
    vehicle_id: str = Path(min_length=1, max_length=100),
    _: Principal = Depends(member),
) -> Response:
    store.delete_item(request.app.state.db, store.MatchVehicleRow, vehicle_id, "vehicle")
    return Response(status_code=204)


@router.post("/v1/matching/loads", operation_id="putMatchingLoad", response_model=LoadOut)
def put_load(request: Request, body: LoadIn, _: Principal = Depends(member)) -> LoadOut:
    """Post a full-truckload (posting its id again replaces it while it is not matched)."""
    x = load_from_dict(body.model_dump(mode="python"), routing_index().network)
    store.put_items(request.app.state.db, store.MatchLoadRow, [load_to_dict(x)], "$")
    return _load_out(store.get_item(request.app.state.db, store.MatchLoadRow, x.id, "load"))


@router.post("/v1/matching/loads/batch", operation_id="putMatchingLoads", response_model=BatchOut)
def put_loads(request: Request, body: LoadBatchIn, _: Principal = Depends(member)) -> BatchOut:
    """Post up to 10,000 loads at once: all stored, or none."""
    xs = _parse_batch(body.items, load_from_dict, "$.items")
    store.put_items(
        request.app.state.db, store.MatchLoadRow, [load_to_dict(x) for x in xs], "$.items[{}]"
    )
    return BatchOut(stored=len(xs), ids=[x.id for x in xs])


@router.get("/v1/matching/loads", operation_id="listMatchingLoads", response_model=LoadList)
def list_loads(
    request: Request,
    status: Literal["open", "matched"] | None = None,
    limit: int = Query(1000, ge=1, le=10_000),
    _: Principal = Depends(member),
) -> LoadList:
    rows = store.list_items(request.app.state.db, store.MatchLoadRow, status, limit)
    return LoadList(count=len(rows), items=[_load_out(r) for r in rows])


@router.get("/v1/matching/loads/{load_id}", operation_id="getMatchingLoad", response_model=LoadOut)
def get_load(
    request: Request,
    load_id: str = Path(min_length=1, max_length=100),
    _: Principal = Depends(member),
) -> LoadOut:
    return _load_out(store.get_item(request.app.state.db, store.MatchLoadRow, load_id, "load"))


@router.delete("/v1/matching/loads/{load_id}", operation_id="deleteMatchingLoad", status_code=204)
def delete_load(
    request: Request,
    load_id: str = Path(min_length=1, max_length=100),
    _: Principal = Depends(member),
) -> Response:
    store.delete_item(request.app.state.db, store.MatchLoadRow, load_id, "load")
    return Response(status_code=204)


@router.post(
    "/v1/matching/rounds",
    operation_id="runMatchingRound",
    response_model=RoundOut,
    responses={202: {"model": RoundAccepted, "description": "large round: solving as a job"}},
)
def run_round(
    request: Request,
    principal: Principal = Depends(member),
    year: int | None = ROUND_YEAR_QUERY,
    scenario: str | None = SCENARIO_QUERY,
) -> RoundOut | JSONResponse:
    """Match every open truck and load: answer at once up to 2,000 loads, else a job."""
    db = request.app.state.db
    round_id = str(uuid.uuid4())
    vs, ls, declined = store.open_pool(db)
    net_year = year if year is not None else round_year(ls) or current_year()
    if len(ls) > SYNC_MAX_LOADS:
        params = {"vehicles": vs, "loads": ls, "declined": declined, "id_prefix": f"{round_id}-"}
        params.update(network_params(request, principal, net_year, scenario))
        job, _ = jobs.submit(db, "matching-round", params, principal)
        store.new_round(db, round_id, job.id)
        dispatcher = getattr(request.app.state, "dispatcher", None)
        if dispatcher is not None:
            dispatcher.wake.set()
        body = RoundAccepted(id=round_id, status="solving", job=job.id)
        return JSONResponse(
            body.model_dump(),
            status_code=202,
            headers={"Location": f"/v1/matching/rounds/{round_id}"},
        )
    t0 = time.perf_counter()
    network = network_for(request, principal, net_year, scenario)
    # node ids were checked when posted; one the year lacks leaves its load unmatched
    vehicles = [vehicle_from_dict(d) for d in vs]
    loads = [load_from_dict(d) for d in ls]
    result = result_to_dict(
        match(
            network,
            vehicles,
            loads,
            declined=frozenset(declined),
            id_prefix=f"{round_id}-",
            verify=True,
        )
    )
    result.update(network_year=net_year, network_scenario=scenario)
    store.new_round(db, round_id, None)
    answer = store.claim(db, round_id, result)
    answer["wall_s"] = round(time.perf_counter() - t0, 6)
    return RoundOut(**answer)


@router.get(
    "/v1/matching/rounds/{round_id}",
    operation_id="getMatchingRound",
    response_model=RoundOut,
    responses={
        200: {"content": TABLE_CONTENT},
        202: {"model": RoundAccepted, "description": "still solving (or failed)"},
    },
)
def get_round(
    request: Request,
    round_id: str = Path(max_length=36),
    fmt: Literal["json", "csv", "parquet"] = Query(
        "json", alias="format", description="csv/parquet: the plan as one table (?table=)"
    ),
    table: Literal["lines", "assignments", "unmatched", "summary"] = Query(
        "lines", description="with csv/parquet: which table (docs/matching.md)"
    ),
    _: Principal = Depends(member),
) -> RoundOut | Response:
    """The round's plan once it is done (a table when ``format`` is csv or parquet);
    202 while its job is solving or after it failed, in every format."""
    db = request.app.state.db
    row, job = store.get_round(db, round_id)
    answer: dict[str, Any] | None = None
    if row.status == "solving" and job is not None and job.status == "succeeded" and job.result:
        answer = store.claim(db, round_id, dict(job.result))
    if row.status == "solving" and job is not None and job.status in ("failed", "cancelled"):
        store.fail_round(db, round_id, job.error or {"detail": job.status})
        row, job = store.get_round(db, round_id)
    if answer is None and row.status == "done" and row.result:
        answer = dict(row.result)
    if answer is not None:
        if fmt == "json":
            return RoundOut(**answer)
        df = matching_round_tables(answer)[table]
        return frame_response(df, fmt, f"matching-round-{round_id[:8]}-{table}")
    detail = ""
    if row.status == "failed" and row.result:
        detail = str(row.result.get("error", {}).get("detail", ""))
    body = RoundAccepted(
        id=round_id,
        status="failed" if row.status == "failed" else "solving",
        job=row.job_id,
        detail=detail,
    )
    return JSONResponse(body.model_dump(), status_code=202)


@router.post(
    "/v1/matching/assignments/{assignment_id}/accept",
    operation_id="acceptAssignment",
    response_model=AssignmentOut,
)
def accept(
    request: Request, assignment_id: str = Path(max_length=64), _: Principal = Depends(member)
) -> AssignmentOut:
    return AssignmentOut(**store.settle(request.app.state.db, assignment_id, accept=True))


@router.post(
    "/v1/matching/assignments/{assignment_id}/decline",
    operation_id="declineAssignment",
    response_model=AssignmentOut,
)
def decline(
    request: Request, assignment_id: str = Path(max_length=64), _: Principal = Depends(member)
) -> AssignmentOut:
    """Decline: the truck and loads return to the pool; the pairs are never proposed again."""
    return AssignmentOut(**store.settle(request.app.state.db, assignment_id, accept=False))
