"""Bookings under one through-bill: book an offer, read, list, bill, cancel, track.

A key sees and changes only its own organisation's bookings (admin keys see all);
another organisation's booking answers 404 as if it did not exist.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api import booking_store as store
from api.errors import problem_responses
from api.routes.routes import offer_index, routing_index
from api.routes.tables import TABLE_CONTENT, frame_response
from api.security import Principal, require_role
from freight.booking import BEIJING, EventType, Party, TrackEvent, beijing, decode_offer
from freight.errors import ExpiredError
from freight.tables import booking_tables

router = APIRouter(tags=["bookings"], responses=problem_responses(401, 403, 404, 422, 429, 500))
booker = require_role("operator")  # operator, platform and admin keys

BookingStatusName = Literal[
    "confirmed", "in_transit", "replanned", "at_risk", "delivered", "cancelled"
]
BookingId = Path(min_length=1, max_length=36, description="booking id")


class PartyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, pattern=r"\S", examples=["Kuytun Cotton Co."])
    contact: str = Field(min_length=1, max_length=200, pattern=r"\S", examples=["+86 992 000"])


class BookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offer_id: str = Field(min_length=1, max_length=20_000, description="from POST /v1/routes")
    shipper: PartyIn
    consignee: PartyIn
    reference: str | None = Field(None, max_length=128)


class PartyOut(BaseModel):
    name: str
    contact: str


class CargoOut(BaseModel):
    commodity: str
    form: str
    quantity: float
    unit: str
    tonnes: float
    teu: float


class BookingLegOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    seq: int
    mode: str
    from_: str = Field(alias="from")
    to: str
    service: str | None
    depart: str
    arrive: str
    expected_depart: str
    expected_arrive: str
    carrier: str
    price_cny: float
    distance_km: float
    status: Literal["planned", "in_progress", "done"]
    run_depart: str | None = Field(description="the train run's first departure (capacity)")
    handling_h_before: float
    nodes: list[str]
    links: list[str]
    trailers: int = Field(0, description="rail_piggyback legs: semitrailer slots on the run")


class ShareOut(BaseModel):
    carrier: str
    legs: list[int]
    amount_cny: float


class ReplanOut(BaseModel):
    at: str
    reason: str
    from_leg: int
    old_legs: list[BookingLegOut]
    new_legs: list[BookingLegOut]
    cost_delta_cny: float


class ClaimOut(BaseModel):
    kind: Literal["departure", "terminal"]
    resource: str
    when: str
    tonnes: float
    teu: float
    trailers: float = Field(0.0, description="semitrailer slots of a piggyback run")


class EtaChangeOut(BaseModel):
    at: str
    eta: str


class BookingOut(BaseModel):
    kind: Literal["booking"] = "booking"
    id: str
    bill_no: str
    org: str
    status: BookingStatusName
    origin: str
    destination: str
    cargo: CargoOut
    price_cny: float
    eta: str
    due_by: str | None
    shipper: PartyOut
    consignee: PartyOut
    reference: str | None
    legs: list[BookingLegOut]
    settlement: list[ShareOut]
    replans: list[ReplanOut]
    reason: str | None
    claims: list[ClaimOut]
    eta_history: list[EtaChangeOut]
    last_event_at: str | None
    created_at: str
    network_year: int | None = Field(
        None, description="the network year the offer was quoted and booked on"
    )
    scenario: str | None = Field(None, description="the stored scenario it was booked on")


class BookingPage(BaseModel):
    items: list[BookingOut]
    total: int
    limit: int
    offset: int


class BillOut(BaseModel):
    kind: Literal["through_bill"] = "through_bill"
    bill_no: str
    booking_id: str
    status: BookingStatusName
    shipper: PartyOut
    consignee: PartyOut
    origin: str
    destination: str
    cargo: CargoOut
    legs: list[BookingLegOut]
    settlement: list[ShareOut]
    price_cny: float
    eta: str
    reference: str | None
    issued_at: str


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(min_length=1, max_length=128)
    type: Literal["gate_in", "loaded", "departed", "arrived", "unloaded", "delivered", "delayed"]
    leg: int = Field(ge=1, le=100)
    at: datetime = Field(description="ISO 8601; without an offset: Beijing time")
    location: str | None = Field(None, min_length=1, max_length=128)
    delay_minutes: int | None = None


class EventOut(BaseModel):
    event_id: str
    type: str
    leg: int
    at: str
    location: str | None
    delay_minutes: int | None
    seq: int


class EventAnswer(BaseModel):
    event: EventOut
    booking: BookingOut


def _org(principal: Principal) -> str | None:
    """The organisation whose bookings ``principal`` sees; None for admin (all)."""
    return None if principal.role == "admin" else (principal.org or principal.name)


@router.post(
    "/v1/bookings",
    status_code=201,
    response_model=BookingOut,
    response_model_by_alias=True,
    operation_id="createBooking",
    summary="Book an offer under one through-bill; takes train and terminal capacity",
    responses=problem_responses(409, 410),
)
async def create_booking(
    request: Request,
    response: Response,
    body: BookingIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=256),
    principal: Principal = Depends(booker),
) -> dict[str, Any]:
    """409 names the full departure or terminal day (nothing is taken); 404 unknown offer,
    410 expired offer. A repeated ``Idempotency-Key`` answers the stored booking."""
    db = request.app.state.db

    def book() -> dict[str, Any]:
        offer = decode_offer(body.offer_id, store.offer_secret(db), datetime.now(BEIJING))
        # the network the offer was quoted on: its year's or its scenario's
        index = offer_index(request, principal, offer.network_year, offer.scenario)
        booking, _ = store.create_booking(
            db,
            index.network,
            offer=offer,
            offer_id=body.offer_id,
            org=principal.org or principal.name,
            scope=principal.scope,
            idempotency_key=idempotency_key,
            shipper=Party(body.shipper.name.strip(), body.shipper.contact.strip()),
            consignee=Party(body.consignee.name.strip(), body.consignee.contact.strip()),
            reference=body.reference,
        )
        return booking.to_dict()

    # ``async`` with one thread hop for the database work: a sync endpoint would also run
    # its response validation in the thread pool (one more hop per booking)
    out = await run_in_threadpool(book)
    response.headers["Location"] = f"/v1/bookings/{out['id']}"
    return out


@router.get(
    "/v1/bookings",
    response_model=BookingPage,
    response_model_by_alias=True,
    operation_id="listBookings",
    summary="The organisation's bookings, newest first (JSON, or a CSV/Parquet table)",
    responses={200: {"content": TABLE_CONTENT}},
)
def list_bookings(
    request: Request,
    status: BookingStatusName | None = Query(None),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
    fmt: Literal["json", "csv", "parquet"] = Query(
        "json", alias="format", description="csv/parquet: the page as one table (?table=)"
    ),
    table: Literal["bookings", "legs"] = Query(
        "bookings",
        description="with csv/parquet: one row per booking, or per leg (docs/bookings.md)",
    ),
    principal: Principal = Depends(booker),
) -> Any:
    """The same page (``status``, ``limit``, ``offset``) in every format; a table answer
    carries the page's ``total`` in ``X-Total-Count``."""
    items, total = store.list_bookings(request.app.state.db, _org(principal), status, limit, offset)
    page = [b.to_dict() for b in items]
    if fmt != "json":
        df = booking_tables(page)[table]
        return frame_response(df, fmt, f"bookings-{table}", {"X-Total-Count": str(total)})
    return {"items": page, "total": total, "limit": limit, "offset": offset}


@router.get(
    "/v1/bookings/{booking_id}",
    response_model=BookingOut,
    response_model_by_alias=True,
    operation_id="getBooking",
    summary="One booking: legs, status, ETA, settlement, re-plans",
)
def get_booking(
    request: Request, booking_id: str = BookingId, principal: Principal = Depends(booker)
) -> dict[str, Any]:
    return store.get_booking(request.app.state.db, booking_id, _org(principal)).to_dict()


@router.get(
    "/v1/bookings/{booking_id}/bill",
    response_model=BillOut,
    response_model_by_alias=True,
    operation_id="getBookingBill",
    summary="The through-bill as JSON, or ?format=html a printable page",
    responses={200: {"content": {"text/html": {}}}},
)
def get_bill(
    request: Request,
    booking_id: str = BookingId,
    format: Literal["json", "html"] = Query("json"),
    principal: Principal = Depends(booker),
) -> Any:
    b = store.get_booking(request.app.state.db, booking_id, _org(principal)).to_dict()
    bill = {
        "kind": "through_bill", "bill_no": b["bill_no"], "booking_id": b["id"],
        "status": b["status"], "shipper": b["shipper"], "consignee": b["consignee"],
        "origin": b["origin"], "destination": b["destination"], "cargo": b["cargo"],
        "legs": b["legs"], "settlement": b["settlement"], "price_cny": b["price_cny"],
        "eta": b["eta"], "reference": b["reference"], "issued_at": b["created_at"],
    }  # fmt: skip
    if format == "html":
        return HTMLResponse(_bill_html(bill))
    return bill


def _bill_html(bill: dict[str, Any]) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{leg['seq']}</td><td>{e(leg['mode'])}</td><td>{e(leg['from'])}</td>"
        f"<td>{e(leg['to'])}</td><td>{e(leg['service'] or '')}</td><td>{e(leg['depart'])}</td>"
        f"<td>{e(leg['arrive'])}</td><td>{e(leg['carrier'])}</td>"
        f"<td class=n>{leg['price_cny']:,.2f}</td></tr>"
        for leg in bill["legs"]
    )
    shares = "".join(
        f"<tr><td>{e(s['carrier'])}</td><td>{', '.join(map(str, s['legs']))}</td>"
        f"<td class=n>{s['amount_cny']:,.2f}</td></tr>"
        for s in bill["settlement"]
    )
    c = bill["cargo"]
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Through-bill {e(bill["bill_no"])}</title>
<style>body{{font:14px sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #999;padding:4px 6px;text-align:left}}.n{{text-align:right}}
@media print{{body{{margin:0}}}}</style></head><body>
<h1>多式联运一单制提单 · Multimodal through-bill {e(bill["bill_no"])}</h1>
<p>Status: {e(bill["status"])} · issued {e(bill["issued_at"])} · ETA {e(bill["eta"])}</p>
<p>Shipper: {e(bill["shipper"]["name"])} ({e(bill["shipper"]["contact"])})<br>
Consignee: {e(bill["consignee"]["name"])} ({e(bill["consignee"]["contact"])})<br>
Reference: {e(bill["reference"] or "-")}</p>
<p>From {e(bill["origin"])} to {e(bill["destination"])}: {e(c["commodity"])},
{e(c["form"])}, {c["quantity"]:g} {e(c["unit"])} ({c["tonnes"]:,.1f} t)</p>
<table><tr><th>#</th><th>mode</th><th>from</th><th>to</th><th>service</th><th>depart</th>
<th>arrive</th><th>carrier</th><th class=n>CNY</th></tr>{rows}</table>
<h2>Settlement</h2><table><tr><th>carrier</th><th>legs</th><th class=n>CNY</th></tr>{shares}
<tr><th colspan=2>Total</th><th class=n>{bill["price_cny"]:,.2f}</th></tr></table>
</body></html>"""


@router.delete(
    "/v1/bookings/{booking_id}",
    response_model=BookingOut,
    response_model_by_alias=True,
    operation_id="cancelBooking",
    summary="Cancel a booking and give its capacity back",
    responses=problem_responses(409),
)
def cancel_booking(
    request: Request, booking_id: str = BookingId, principal: Principal = Depends(booker)
) -> dict[str, Any]:
    return store.cancel_booking(request.app.state.db, booking_id, _org(principal)).to_dict()


@router.post(
    "/v1/bookings/{booking_id}/events",
    status_code=201,
    response_model=EventAnswer,
    response_model_by_alias=True,
    operation_id="addBookingEvent",
    summary="Record a tracking event; recomputes the ETA and re-plans after a missed train",
    responses=problem_responses(409),
)
def add_event(
    request: Request,
    body: EventIn,
    booking_id: str = BookingId,
    principal: Principal = Depends(booker),
) -> dict[str, Any]:
    """The same ``event_id`` again is stored once and answers the same."""
    ev = TrackEvent(
        body.event_id, EventType(body.type), body.leg, beijing(body.at), body.location,
        body.delay_minutes,
    )  # fmt: skip
    db = request.app.state.db
    booked = store.get_booking(db, booking_id, _org(principal))
    # a re-plan searches the network the booking was made on (its year's or scenario's;
    # a scenario deleted since: its year's, so that tracking goes on)
    try:
        index = offer_index(request, principal, booked.network_year, booked.scenario)
    except ExpiredError:
        index = routing_index(booked.network_year)
    answer, _ = store.add_event(db, index, booking_id, _org(principal), ev)
    return answer


@router.get(
    "/v1/bookings/{booking_id}/events",
    response_model=list[EventOut],
    operation_id="listBookingEvents",
    summary="The booking's tracking events in the order they were recorded",
)
def list_events(
    request: Request, booking_id: str = BookingId, principal: Principal = Depends(booker)
) -> list[dict[str, Any]]:
    return store.list_events(request.app.state.db, booking_id, _org(principal))
