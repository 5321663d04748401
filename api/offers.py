"""Offers on route answers: each alternative of ``POST /v1/routes`` gets a signed offer.

The offer is a signed token (``freight.booking.offer``) rather than a database row: a
quote stays a read-only request (no write per alternative on the hot route endpoint), and
any worker process or host that shares the database (which holds the signing key) can
verify it. The route search sees the booked capacity so that full departures and terminal
days are skipped and the next ones offered.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from api.booking_store import offer_secret
from api.capacity_store import ledger_for
from api.db import Database
from freight.booking import encode_offer, make_offers
from freight.clock import BEIJING
from freight.routing import CapacityLedger, RouteRequest, RoutingIndex, find_routes


def _prepare(db: Database, ready: datetime) -> tuple[CapacityLedger, bytes]:
    secret = offer_secret(db)
    with db.read() as s:
        return ledger_for(s, ready), secret


async def quote(
    request: Request, index: RoutingIndex, req: RouteRequest, scenario: str | None = None
) -> dict[str, Any]:
    """The route answer with ``offer_id`` and ``offer_expires_at`` on every alternative.

    Each offer carries the network year of ``index`` and the ``scenario`` id it was quoted
    on, so that its booking takes capacity on that same network."""
    db: Database | None = getattr(request.app.state, "db", None)
    if db is None:  # the service has not started its database: plain answer
        return find_routes(index, req).to_dict()
    ledger, secret = await run_in_threadpool(_prepare, db, req.ready_at)
    result = find_routes(index, req, ledger)
    out = result.to_dict()
    year = index.network.meta.get("year")
    offers = [
        replace(o, network_year=int(year) if year else None, scenario=scenario)
        for o in make_offers(index.network, result, datetime.now(BEIJING))
    ]
    for alt, offer in zip(out["alternatives"], offers, strict=True):
        alt["offer_id"] = encode_offer(offer, secret)
        alt["offer_expires_at"] = offer.expires_at.isoformat()
    return out
