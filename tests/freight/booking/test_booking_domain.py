"""Bookings domain: settlement in fen, signed offers, the event state machine, ETA
propagation, re-planning, and the router's terminal-day capacity."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import cache

import pytest

from freight.booking import (
    BookingStatus,
    EventType,
    LegStatus,
    Party,
    TrackEvent,
    apply_event,
    decode_offer,
    encode_offer,
    ledger_from_usage,
    make_offers,
    new_booking,
    replan,
    split_fen,
)
from freight.booking.model import BEIJING, Offer
from freight.errors import ConflictError, ExpiredError, InputError, NotFoundError
from freight.network.loader import default_network
from freight.network.years import default_network_for_year
from freight.routing import CapacityLedger, RoutingIndex, find_routes
from freight.routing.io import request_from_dict

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=BEIJING)
SECRET = b"s" * 32


@cache
def index() -> RoutingIndex:
    return RoutingIndex(default_network())


def offers(origin="bonded_center", dest="urumqi", teu=20, ledger=None, **kw) -> list[Offer]:
    req = request_from_dict(
        {"origin": origin, "destination": dest,
         "cargo": {"commodity": "cotton", "form": "container", "quantity": teu, "unit": "teu"},
         "ready_at": "2025-03-03T06:00:00", **kw}
    )  # fmt: skip
    res = find_routes(index(), req, ledger)
    return make_offers(index().network, res, NOW)


def booking(offer: Offer):
    return new_booking(
        offer, booking_id="b1", bill_no="KT1", org="acme", shipper=Party("A", "a"),
        consignee=Party("B", "b"), reference=None, now=NOW,
    )  # fmt: skip


def test_split_fen_is_exact_and_proportional() -> None:
    rng = random.Random(7)
    for _ in range(500):
        weights = [rng.uniform(0, 10_000) for _ in range(rng.randint(1, 6))]
        total = round(rng.uniform(0, 1e6), 2)
        parts = split_fen(total, weights)
        assert sum(round(p * 100) for p in parts) == round(total * 100)
        exact = [
            Fraction(round(total * 100)) * Fraction(w) / Fraction(sum(weights)) for w in weights
        ]
        for p, e in zip(parts, exact, strict=True):  # each part within one fen of its share
            assert abs(Fraction(round(p * 100)) - e) < 1
    assert split_fen(0.03, [1, 1, 1, 1]) == [0.01, 0.01, 0.01, 0.0]


def test_offer_freezes_price_legs_and_claims() -> None:
    for off in offers():
        assert off.expires_at - off.created_at >= timedelta(minutes=15)
        assert sum(round(leg.price_cny * 100) for leg in off.legs) == round(off.price_cny * 100)
        rail = [leg for leg in off.legs if leg.mode == "rail"]
        assert {c.resource for c in off.claims if c.kind == "departure"} == {
            leg.service for leg in rail
        }
        b = booking(off)
        assert round(sum(s.amount_cny for s in b.settlement), 2) == off.price_cny
        assert b.eta == off.legs[-1].arrive


def test_offer_token_round_trip_tamper_and_expiry() -> None:
    off = offers()[0]
    token = encode_offer(off, SECRET)
    back = decode_offer(token, SECRET, NOW)
    assert back.price_cny == off.price_cny and back.claims == off.claims
    assert [leg.to_dict() for leg in back.legs] == [leg.to_dict() for leg in off.legs]
    with pytest.raises(NotFoundError):
        decode_offer(token, b"x" * 32, NOW)  # another service's key
    payload, mac = token.split(".")
    with pytest.raises(NotFoundError):
        decode_offer(payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + mac, SECRET, NOW)
    with pytest.raises(ExpiredError):
        decode_offer(token, SECRET, off.expires_at)


def ev(eid, typ, leg, at, **kw) -> TrackEvent:
    return TrackEvent(eid, EventType(typ), leg, at, **kw)


def test_event_state_machine() -> None:
    off = next(o for o in offers("hub_west_coldchain") if len(o.legs) == 3)  # road, siding, rail
    b = booking(off)
    t0 = off.legs[0].depart
    hist: list[TrackEvent] = []

    def do(e: TrackEvent):
        nonlocal b
        b, missed = apply_event(b, hist, e)
        hist.append(e)
        return missed

    do(ev("1", "gate_in", 1, t0))
    assert b.legs[0].status is LegStatus.IN_PROGRESS and b.status is BookingStatus.IN_TRANSIT
    with pytest.raises(InputError, match="out of order"):
        apply_event(b, hist, ev("x", "gate_in", 1, t0))
    with pytest.raises(ConflictError, match="leg 1 has not arrived"):
        apply_event(b, hist, ev("x", "departed", 2, t0))
    with pytest.raises(InputError, match="not on leg"):
        apply_event(b, hist, ev("x", "arrived", 1, t0, location="duisburg"))
    with pytest.raises(InputError, match="before the previous"):
        apply_event(b, hist, ev("x", "arrived", 1, t0 - timedelta(minutes=1)))
    with pytest.raises(ConflictError):
        apply_event(b, hist, ev("x", "delivered", 3, t0))
    with pytest.raises(InputError, match="absurd"):
        ev("x", "delayed", 1, t0, delay_minutes=10**6)
    with pytest.raises(InputError):
        ev("x", "arrived", 1, t0, delay_minutes=5)
    leg3 = b.legs[2]
    late, _ = apply_event(b, hist, ev("dl", "delayed", 3, t0, delay_minutes=30))
    assert late.legs[2].exp_depart == leg3.depart + timedelta(minutes=30)
    assert late.legs[2].exp_arrive == leg3.arrive + timedelta(minutes=30)  # same run time
    assert late.eta == b.eta + timedelta(minutes=30) and late.eta_history
    arr1 = off.legs[0].arrive + timedelta(minutes=20)
    assert do(ev("2", "arrived", 1, arr1, location=off.legs[0].to_id)) is None
    assert b.legs[0].status is LegStatus.DONE
    # the siding leg leaves when the cargo is ready: 20 min later than planned
    assert b.legs[1].exp_depart == off.legs[1].depart + timedelta(minutes=20)
    assert b.legs[2].exp_depart == off.legs[2].depart  # the train keeps its timetable
    for i, leg in enumerate(b.legs[1:], start=2):
        do(ev(f"d{i}", "departed", i, max(leg.exp_depart, hist[-1].at)))
        do(ev(f"a{i}", "arrived", i, leg.exp_arrive + timedelta(minutes=5)))
    assert b.eta == off.legs[2].arrive + timedelta(minutes=5)
    do(ev("z", "delivered", 3, b.eta + timedelta(hours=1)))
    assert b.status is BookingStatus.DELIVERED
    with pytest.raises(ConflictError):
        apply_event(b, hist, ev("y", "delayed", 3, b.eta + timedelta(hours=2), delay_minutes=5))


def test_missed_train_replans_from_where_the_cargo_is() -> None:
    off = next(o for o in offers("hub_west_coldchain") if len(o.legs) == 3)
    b = booking(off)
    rail = off.legs[2]
    late = ev("d", "delayed", 1, off.legs[0].depart, delay_minutes=12 * 60)
    b2, missed = apply_event(b, [], late)
    assert missed == 2
    # the next departure of the same service is full: the re-plan must not use it
    runs = [(rail.service, rail.run_depart + timedelta(days=k)) for k in range(1, 8)]
    svc = index().network.services[rail.service]
    full = [(s, d, svc.capacity_t, svc.capacity_teu, 0.0) for s, d in runs]
    ledger = ledger_from_usage(full, [])
    res = replan(index(), b2, missed, ledger, late.at)
    new = res.booking
    assert new.status is BookingStatus.REPLANNED and new.legs[:2] == b2.legs[:2]
    ready = b2.legs[1].exp_arrive
    new_rail = [leg for leg in new.legs[2:] if leg.mode == "rail"]
    assert all(leg.depart >= ready for leg in new.legs[2:])
    assert all(leg.service != rail.service for leg in new_rail)
    assert new.legs[-1].to_id == "urumqi"
    released = {c.key for c in res.release}
    assert ("departure", rail.service, rail.run_depart.isoformat()) in released
    assert {c.key for c in res.take} == {
        ("departure", leg.service, leg.run_depart.isoformat()) for leg in new_rail
    } - {c.key for c in b2.claims}
    assert round(sum(s.amount_cny for s in new.settlement), 2) == new.price_cny
    assert new.replans[-1].from_leg == 3


def test_replan_at_risk_names_due_by() -> None:
    off = offers(origin="kuytun", dest="alashankou", due_by="2025-03-04T00:00:00",
                 avoid={"modes": ["road"]})[0]  # fmt: skip
    b = booking(off)
    gate = ev("g", "gate_in", 1, off.legs[0].depart - timedelta(hours=1))
    b1, _ = apply_event(b, [], gate)
    b2, missed = apply_event(b1, [gate], ev("d", "delayed", 1, gate.at, delay_minutes=600))
    assert b2.status is BookingStatus.AT_RISK and "due_by" in (b2.reason or "")
    assert missed is None  # a delayed train is late, not missed


def test_router_waits_for_a_terminal_day_with_room() -> None:
    base = offers(origin="hub_west_coldchain", dest="urumqi")[0]
    (term,) = [c for c in base.claims if c.kind == "terminal"]
    node = index().network.nodes[term.resource]
    day = date.fromisoformat(term.when)
    full = ledger_from_usage([], [(node.id, day, 0.0, node.handling.capacity_teu_per_day)])
    again = offers(origin="hub_west_coldchain", dest="urumqi", ledger=full)
    for off in again:
        assert (node.id, day.isoformat()) not in {
            (c.resource, c.when) for c in off.claims if c.kind == "terminal"
        }
    # without terminal enforcement the same ledger changes nothing
    loose = replace(full, terminal_capacity=False)
    assert offers(origin="hub_west_coldchain", dest="urumqi", ledger=loose)[0].claims == base.claims
    assert isinstance(loose, CapacityLedger)


def test_ledger_from_usage_counts_piggyback_trailer_slots() -> None:
    net = default_network_for_year(2030)
    svc = next(s for s in net.services.values() if s.capacity_trailers > 0)
    run = datetime(2030, 3, 4, 21, 0, tzinfo=BEIJING)
    ledger = ledger_from_usage([(svc.id, run, 100.0, 0.0, svc.capacity_trailers)], [])
    assert ledger.remaining_trailers(svc, run.date()) == 0.0
    assert ledger.remaining(svc, run.date())[0] == svc.capacity_t - 100.0
