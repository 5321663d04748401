"""Live capacity: train departures (per scheduled run) and terminal handling days.

Each day is read on the network of its own year (a train that runs from 2035 has runs in
2035 only; a range over New Year is read year by year), or with ``?scenario=`` on that
stored scenario's network of the day's year, as its offers were quoted.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from api import capacity_store as store
from api.errors import problem_responses
from api.network_params import SCENARIO_QUERY, network_for
from api.security import Principal, require_role
from freight.clock import now_beijing
from freight.errors import FieldIssue, InputError, NotFoundError
from freight.network.years import FIRST_YEAR, LAST_YEAR, default_plan

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
    capacity_trailers: float = Field(
        0.0, description="piggyback runs (驮背): semitrailer slots of the run; 0 for other trains"
    )
    booked_trailers: float = Field(0.0, description="semitrailer slots booked on the run")


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
    scenario: str | None = SCENARIO_QUERY,
    who: Principal = Depends(reader),
) -> list[store.DepartureUse]:
    first = from_ or now_beijing().date()
    last = to or first + timedelta(days=6)
    if last < first or (last - first).days > MAX_DAYS:
        raise InputError(
            "bad date range", issues=[FieldIssue("query.to", f"within from..from+{MAX_DAYS} days")]
        )
    _check_years(first, last, "query.from" if first.year < FIRST_YEAR else "query.to")
    spans = [(network_for(request, who, y, scenario), a, b) for y, a, b in year_spans(first, last)]
    if service is not None and all(service not in net.services for net, _, _ in spans):
        raise _absent(
            "service", service, default_plan().base.services, first, last, "query.service"
        )
    out: list[store.DepartureUse] = []
    for net, a, b in spans:
        if service is None or service in net.services:
            out += store.departure_usage(request.app.state.db, net, a, b, service)
    return out


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
    scenario: str | None = SCENARIO_QUERY,
    who: Principal = Depends(reader),
) -> list[store.TerminalUse]:
    day = date_ or now_beijing().date()
    _check_years(day, day, "query.date")
    network = network_for(request, who, day.year, scenario)
    if node is not None and node not in network.nodes:
        raise _absent("node", node, default_plan().base.nodes, day, day, "query.node")
    return store.terminal_usage(request.app.state.db, network, day, node)


def _check_years(first: date, last: date, loc: str) -> None:
    """Days outside the network years (``works.csv`` dates them 2000..2100) are 422."""
    if first.year < FIRST_YEAR or last.year > LAST_YEAR:
        msg = f"days must lie in {FIRST_YEAR}..{LAST_YEAR}, the years a network has"
        raise InputError(msg, issues=[FieldIssue(loc, msg)])


def year_spans(first: date, last: date) -> list[tuple[int, date, date]]:
    """``first..last`` cut at New Year: (year, first day, last day) per calendar year."""
    return [
        (y, max(first, date(y, 1, 1)), min(last, date(y, 12, 31)))
        for y in range(first.year, last.year + 1)
    ]


def _absent(
    what: str, eid: str, known: Container[str], first: date, last: date, loc: str
) -> NotFoundError:
    """404 for an id the days' networks lack: unknown, or not in the network of the year."""
    if eid not in known:
        return NotFoundError(f"unknown {what} {eid!r}", issues=[FieldIssue(loc, "unknown id")])
    years = str(first.year) if first.year == last.year else f"{first.year}-{last.year}"
    msg = f"{what} {eid!r} is not in the network of {years} (not built yet, or closed)"
    return NotFoundError(msg, issues=[FieldIssue(loc, f"not in the network of {years}")])
