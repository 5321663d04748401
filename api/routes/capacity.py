"""Live capacity: train departures (per scheduled run) and terminal handling days."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from api import capacity_store as store
from api.errors import problem_responses
from api.routes.routes import routing_index
from api.security import Principal, require_role
from freight.clock import now_beijing
from freight.errors import FieldIssue, InputError, NotFoundError

router = APIRouter(tags=["capacity"], responses=problem_responses(401, 403, 404, 422, 429, 500))
reader = require_role("operator", "planner")
MAX_DAYS = 62


class DepartureCapacityOut(BaseModel):
    service: str
    depart: str
    capacity_teu: float
    booked_teu: float
    capacity_t: float
    booked_t: float


class TerminalCapacityOut(BaseModel):
    node: str
    date: str
    capacity_teu: float
    booked_teu: float
    capacity_t: float
    booked_t: float


@router.get(
    "/v1/capacity/departures",
    response_model=list[DepartureCapacityOut],
    operation_id="listDepartureCapacity",
    summary="Every scheduled departure in a date range with its capacity and what is booked",
)
def departures(
    request: Request,
    service: str | None = Query(None, max_length=128),
    from_: date | None = Query(None, alias="from", description="first day (default today)"),
    to: date | None = Query(None, description=f"last day (default from + 6; at most {MAX_DAYS})"),
    _: Principal = Depends(reader),
) -> list[store.DepartureUse]:
    network = routing_index().network
    if service is not None and service not in network.services:
        raise NotFoundError(
            f"unknown service {service!r}", issues=[FieldIssue("query.service", "unknown id")]
        )
    first = from_ or now_beijing().date()
    last = to or first + timedelta(days=6)
    if last < first or (last - first).days > MAX_DAYS:
        raise InputError(
            "bad date range", issues=[FieldIssue("query.to", f"within from..from+{MAX_DAYS} days")]
        )
    return store.departure_usage(request.app.state.db, network, first, last, service)


@router.get(
    "/v1/capacity/terminals",
    response_model=list[TerminalCapacityOut],
    operation_id="listTerminalCapacity",
    summary="Terminal handling capacity on one day and what is booked",
)
def terminals(
    request: Request,
    node: str | None = Query(None, max_length=128),
    date_: date | None = Query(None, alias="date", description="default today"),
    _: Principal = Depends(reader),
) -> list[store.TerminalUse]:
    network = routing_index().network
    if node is not None and node not in network.nodes:
        raise NotFoundError(
            f"unknown node {node!r}", issues=[FieldIssue("query.node", "unknown id")]
        )
    return store.terminal_usage(request.app.state.db, network, date_ or now_beijing().date(), node)
