"""Offers: freeze a route alternative (legs, departures, price) into a signed token.

An ``offer_id`` is ``<payload>.<mac>``: the offer as compact JSON, zlib-compressed and
base64url-encoded, followed by an HMAC-SHA256 over it with the service's secret. Any
worker process or host that shares the secret can verify and read it without a database
write at quote time; a changed or forged offer fails the MAC and counts as unknown.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from datetime import date, datetime, timedelta

from freight.booking.model import (
    BEIJING,
    CARRIER_CE,
    CARRIER_RAIL,
    CARRIER_ROAD,
    OFFER_TTL_MIN,
    BookedLeg,
    CargoSpec,
    Claim,
    Offer,
    Share,
    beijing,
)
from freight.errors import ExpiredError, FieldIssue, NotFoundError
from freight.network.model import Network
from freight.routing.model import TRAIN_MODES, Alternative, Leg, RouteResult


class OfferExpiredError(ExpiredError):
    """The offer was genuine but is past ``offer_expires_at`` (HTTP 410)."""

    code = "offer-expired"


def split_fen(total_cny: float, weights: list[float]) -> list[float]:
    """Split ``total_cny`` in proportion to ``weights`` in whole fen (largest remainder).

    The parts add up to ``round(total_cny, 2)`` exactly.
    """
    total = round(total_cny * 100)
    wsum = sum(weights)
    if not weights:
        return []
    if wsum <= 0:
        weights, wsum = [1.0] * len(weights), float(len(weights))
    raw = [total * w / wsum for w in weights]
    parts = [int(r // 1) for r in raw]
    rest = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[:rest]:
        parts[i] += 1
    return [p / 100 for p in parts]


def carrier_of(network: Network, mode: str, service: str | None) -> str:
    if mode == "road":
        return CARRIER_ROAD
    if service is not None and network.services[service].kind == "china_europe":
        return CARRIER_CE
    return CARRIER_RAIL


def settle(legs: tuple[BookedLeg, ...], price_cny: float) -> tuple[Share, ...]:
    """Each carrier's share of ``price_cny``, in proportion to its legs' prices (exact)."""
    carriers: dict[str, list[int]] = {}
    for leg in legs:
        carriers.setdefault(leg.carrier, []).append(leg.seq)
    names = list(carriers)
    weights = [sum(leg.price_cny for leg in legs if leg.carrier == n) for n in names]
    amounts = split_fen(price_cny, weights)
    return tuple(Share(n, tuple(carriers[n]), a) for n, a in zip(names, amounts, strict=True))


def run_depart_of(network: Network, leg: Leg) -> datetime:
    """The first departure of the train run that ``leg`` rides (the capacity key)."""
    assert leg.service is not None
    svc = network.services[leg.service]
    i = svc.route.index(leg.from_id)
    return beijing(leg.depart) - timedelta(hours=svc.offsets_h[i])


def _leg_nodes(network: Network, leg: Leg) -> tuple[str, ...]:
    seen = [leg.from_id]
    for lid in leg.links:
        link = network.links.get(lid)
        if link is None:
            continue
        for n in (link.source, link.target):
            if n not in seen:
                seen.append(n)
    if leg.to_id not in seen:
        seen.append(leg.to_id)
    return tuple(seen)


def claims_for(
    network: Network, legs: tuple[BookedLeg, ...], terminals: list[tuple[str, date]],
    cargo: CargoSpec,
) -> tuple[Claim, ...]:  # fmt: skip
    """Departures and terminal handling days that the legs use, each once, sorted (a
    piggyback leg's departure also claims its semitrailer slots)."""
    teu = cargo.teu if cargo.counts_teu else 0.0
    out: dict[tuple[str, str, str], Claim] = {}
    for leg in legs:
        if leg.mode in TRAIN_MODES and leg.service and leg.run_depart:
            c = Claim(
                "departure", leg.service, leg.run_depart.isoformat(), cargo.tonnes, teu,
                float(leg.trailers),
            )  # fmt: skip
            out[c.key] = c
    for node_id, day in terminals:
        if node_id in network.nodes:
            c = Claim("terminal", node_id, day.isoformat(), cargo.tonnes, teu)
            out[c.key] = c
    return tuple(out[k] for k in sorted(out))


def booked_legs(
    network: Network, alt: Alternative, first_seq: int = 1
) -> tuple[tuple[BookedLeg, ...], list[tuple[str, date]]]:
    """Legs with carriers and prices (each transfer's cost goes to the leg after it)."""
    handling_cost: dict[str, float] = {}
    handling_h: dict[str, float] = {}
    terminals: list[tuple[str, date]] = []
    for tr in alt.transfers:
        handling_cost[tr.terminal] = handling_cost.get(tr.terminal, 0.0) + tr.cost_cny
        handling_h[tr.terminal] = handling_h.get(tr.terminal, 0.0) + tr.hours
        terminals.append((tr.terminal, beijing(tr.start).date()))
    raw = []
    for leg in alt.legs:
        extra = handling_cost.pop(leg.from_id, 0.0)
        raw.append((leg, leg.cost_cny + extra, handling_h.pop(leg.from_id, 0.0)))
    prices = split_fen(round(alt.cost_cny, 2), [p for _, p, _ in raw])
    legs = tuple(
        BookedLeg(
            seq=first_seq + i,
            mode=leg.mode,
            from_id=leg.from_id,
            to_id=leg.to_id,
            service=leg.service,
            depart=beijing(leg.depart),
            arrive=beijing(leg.arrive),
            carrier=carrier_of(network, leg.mode, leg.service),
            price_cny=price,
            distance_km=leg.distance_km,
            handling_h_before=hours,
            nodes=_leg_nodes(network, leg),
            run_depart=run_depart_of(network, leg) if leg.service else None,
            links=leg.links,
            trailers=leg.trailers,
        )
        for i, ((leg, _, hours), price) in enumerate(zip(raw, prices, strict=True))
    )
    return legs, terminals


def make_offers(network: Network, result: RouteResult, now: datetime) -> list[Offer]:
    """One offer per alternative of ``result``, valid ``OFFER_TTL_MIN`` minutes from ``now``."""
    req = result.request
    cargo = CargoSpec(
        req.cargo.commodity, str(req.cargo.form), req.cargo.quantity, str(req.cargo.unit),
        result.tonnes, result.teu,
    )  # fmt: skip
    now = beijing(now).astimezone(BEIJING)
    offers = []
    for alt in result.alternatives:
        legs, terminals = booked_legs(network, alt)
        offers.append(
            Offer(
                origin=req.origin,
                destination=req.destination,
                cargo=cargo,
                ready_at=beijing(req.ready_at),
                due_by=beijing(req.due_by) if req.due_by else None,
                legs=legs,
                claims=claims_for(network, legs, terminals, cargo),
                price_cny=round(alt.cost_cny, 2),
                created_at=now,
                expires_at=now + timedelta(minutes=OFFER_TTL_MIN),
            )
        )
    return offers


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode_offer(offer: Offer, secret: bytes) -> str:
    """The opaque, signed ``offer_id`` that carries the frozen offer."""
    body = json.dumps(offer.to_dict(), separators=(",", ":"), ensure_ascii=False)
    payload = _b64(zlib.compress(body.encode(), 9))
    mac = hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:18]
    return f"{payload}.{_b64(mac)}"


def decode_offer(offer_id: str, secret: bytes, now: datetime) -> Offer:
    """Verify and read an ``offer_id``; unknown/forged -> NotFoundError, expired -> 410."""
    unknown = NotFoundError(
        "unknown offer: offer_id was not issued by this service or was altered",
        issues=[FieldIssue("$.offer_id", "unknown offer")],
    )
    if not isinstance(offer_id, str) or offer_id.count(".") != 1 or len(offer_id) > 20_000:
        raise unknown
    payload, mac = offer_id.split(".")
    want = hmac.new(secret, payload.encode(), hashlib.sha256).digest()[:18]
    try:
        ok = hmac.compare_digest(want, _unb64(mac))
        offer = Offer.from_dict(json.loads(zlib.decompress(_unb64(payload)))) if ok else None
    except (ValueError, KeyError, TypeError, zlib.error):
        offer = None
    if offer is None:
        raise unknown
    if beijing(now) >= offer.expires_at:
        raise OfferExpiredError(
            f"offer expired at {offer.expires_at.isoformat()}; quote again with POST /v1/routes",
            issues=[FieldIssue("$.offer_id", f"expired at {offer.expires_at.isoformat()}")],
        )
    return offer
