"""Booking from an offer, tracking events (the state machine) and ETA recomputation.

Rules for events (each refusal names the field):

* no event on a cancelled or delivered booking (conflict);
* ``leg`` must be one of the booking's legs; ``location`` a node the leg passes;
* ``at`` not before the booking's previous event;
* within a leg: gate_in < loaded < departed < arrived < unloaded (steps may be skipped,
  none repeated or reversed); a leg's events need every earlier leg arrived;
* ``delivered`` only on the last leg after it arrived; ``delayed`` at any time before.

After each event the expected times of the legs are propagated forward (a road leg leaves
when the cargo is ready; a train leaves at its timetable time or is missed), and the
booking's ``eta`` follows. A missed train is reported so the caller can re-plan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from freight.booking.model import (
    EVENT_RANK,
    BookedLeg,
    Booking,
    BookingStatus,
    EventType,
    LegStatus,
    Offer,
    Party,
    TrackEvent,
)
from freight.booking.offer import settle
from freight.errors import ConflictError, FieldIssue, InputError
from freight.routing.model import TRAIN_MODES

FINISHED = (BookingStatus.CANCELLED, BookingStatus.DELIVERED)


def new_booking(
    offer: Offer,
    *,
    booking_id: str,
    bill_no: str,
    org: str,
    shipper: Party,
    consignee: Party,
    reference: str | None,
    now: datetime,
) -> Booking:
    """A confirmed through-bill at the offer's price (capacity is taken by the caller)."""
    return Booking(
        id=booking_id,
        bill_no=bill_no,
        org=org,
        status=BookingStatus.CONFIRMED,
        origin=offer.origin,
        destination=offer.destination,
        cargo=offer.cargo,
        price_cny=offer.price_cny,
        shipper=shipper,
        consignee=consignee,
        reference=reference,
        legs=offer.legs,
        claims=offer.claims,
        settlement=settle(offer.legs, offer.price_cny),
        created_at=now,
        due_by=offer.due_by,
        network_year=offer.network_year,
        scenario=offer.scenario,
    )


def _leg_ranks(events: list[TrackEvent], seq: int) -> list[int]:
    return [EVENT_RANK[e.type] for e in events if e.leg == seq and e.type in EVENT_RANK]


def check_event(booking: Booking, history: list[TrackEvent], ev: TrackEvent) -> None:
    """Raise InputError (422) or ConflictError (409) when ``ev`` may not happen now."""
    if booking.status in FINISHED:
        raise ConflictError(
            f"booking {booking.id} is {booking.status}: it takes no more events",
            issues=[FieldIssue("$.type", f"booking is {booking.status}")],
        )
    n = len(booking.legs)
    if not 1 <= ev.leg <= n:
        raise InputError(
            f"leg {ev.leg} is not on this bill", issues=[FieldIssue("$.leg", f"must be 1..{n}")]
        )
    leg = booking.legs[ev.leg - 1]
    if ev.location is not None and ev.location not in leg.nodes:
        raise InputError(
            f"location {ev.location!r} is not on leg {ev.leg} ({leg.from_id} -> {leg.to_id})",
            issues=[FieldIssue("$.location", f"one of {list(leg.nodes)}")],
        )
    first, eta = booking.legs[0].depart, booking.eta
    if not first - timedelta(days=7) <= ev.at <= eta + timedelta(days=60):
        raise InputError(
            f"event time {ev.at.isoformat()} is absurd for this bill (legs from "
            f"{first.isoformat()}, ETA {eta.isoformat()})",
            issues=[FieldIssue("$.at", "must be within 7 days before the first leg and "
                               "60 days after the ETA")],
        )  # fmt: skip
    if history and ev.at < max(e.at for e in history):
        last = max(e.at for e in history)
        raise InputError(
            f"event at {ev.at.isoformat()} is before the previous event ({last.isoformat()})",
            issues=[FieldIssue("$.at", f"must not be before {last.isoformat()}")],
        )
    if ev.type is EventType.DELIVERED:
        if ev.leg != n or max(_leg_ranks(history, n), default=-1) < EVENT_RANK[EventType.ARRIVED]:
            raise ConflictError(
                "delivered only after the last leg has arrived",
                issues=[FieldIssue("$.type", f"leg {n} has not arrived")],
            )
        return
    if ev.type is EventType.DELAYED:
        if leg.status is LegStatus.DONE:
            raise ConflictError(
                f"leg {ev.leg} is done; a delay applies to a leg not yet arrived",
                issues=[FieldIssue("$.leg", "leg already arrived")],
            )
        return
    for prev in booking.legs[: ev.leg - 1]:
        if max(_leg_ranks(history, prev.seq), default=-1) < EVENT_RANK[EventType.ARRIVED]:
            raise ConflictError(
                f"leg {prev.seq} has not arrived yet; events of leg {ev.leg} come after it",
                issues=[FieldIssue("$.leg", f"leg {prev.seq} not arrived")],
            )
    rank = EVENT_RANK[ev.type]
    done = _leg_ranks(history, ev.leg)
    if done and rank <= max(done):
        raise InputError(
            f"{ev.type} out of order on leg {ev.leg}: order is gate_in, loaded, departed, "
            "arrived, unloaded",
            issues=[FieldIssue("$.type", f"leg {ev.leg} already past {ev.type}")],
        )


def _status_after(leg: BookedLeg, ev: TrackEvent) -> LegStatus:
    if ev.type in (EventType.ARRIVED, EventType.UNLOADED, EventType.DELIVERED):
        return LegStatus.DONE
    if ev.type in (EventType.GATE_IN, EventType.LOADED, EventType.DEPARTED):
        return LegStatus.IN_PROGRESS
    return leg.status


def _observe(leg: BookedLeg, ev: TrackEvent) -> BookedLeg:
    """The leg's expected times after the event ``ev`` on it."""
    duration = leg.arrive - leg.depart
    dep, arr = leg.exp_depart, leg.exp_arrive
    if ev.type is EventType.DEPARTED:
        dep, arr = ev.at, ev.at + duration
    elif ev.type in (EventType.ARRIVED, EventType.UNLOADED, EventType.DELIVERED):
        arr = ev.at if ev.type is EventType.ARRIVED else max(arr, ev.at)
    elif ev.type is EventType.DELAYED:
        assert ev.delay_minutes is not None
        delay = timedelta(minutes=ev.delay_minutes)
        if leg.status is LegStatus.PLANNED:  # not started: it leaves later, takes as long
            dep = max(dep, ev.at) + delay
            arr = dep + duration
        else:  # under way: it arrives later
            arr = max(arr, ev.at) + delay
    elif ev.at > dep:  # gate-in / loading later than the planned departure
        dep, arr = ev.at, ev.at + duration
    return replace(
        leg, status=_status_after(leg, ev), expected_depart=dep, expected_arrive=max(arr, dep)
    )


def propagate(legs: tuple[BookedLeg, ...], start: int) -> tuple[tuple[BookedLeg, ...], int | None]:
    """Push expected times forward from leg index ``start``; first missed train or None.

    A road or siding leg leaves when the cargo is ready (previous arrival + handling); a
    train keeps its timetable and is *missed* when the cargo is ready after it leaves.
    """
    out = list(legs)
    missed: int | None = None
    for i in range(start + 1, len(out)):
        prev, leg = out[i - 1], out[i]
        if leg.status is not LegStatus.PLANNED:
            continue
        ready = prev.exp_arrive + timedelta(hours=leg.handling_h_before)
        if leg.mode in TRAIN_MODES:
            if ready > leg.depart and missed is None:
                missed = i
            out[i] = replace(leg, expected_depart=leg.depart, expected_arrive=leg.arrive)
            if missed is not None:
                dur = leg.arrive - leg.depart
                d = max(ready, leg.depart)
                out[i] = replace(leg, expected_depart=d, expected_arrive=d + dur)
            continue
        dur = leg.arrive - leg.depart
        dep = max(leg.depart, ready)
        out[i] = replace(leg, expected_depart=dep, expected_arrive=dep + dur)
    return tuple(out), missed


def apply_event(
    booking: Booking, history: list[TrackEvent], ev: TrackEvent
) -> tuple[Booking, int | None]:
    """The booking after ``ev`` (validated), and the index of a missed train leg or None."""
    check_event(booking, history, ev)
    legs = list(booking.legs)
    i = ev.leg - 1
    if ev.type is EventType.DELIVERED:
        legs[i] = replace(legs[i], status=LegStatus.DONE)
        new_legs: tuple[BookedLeg, ...] = tuple(legs)
        missed = None
        status = BookingStatus.DELIVERED
    else:
        legs[i] = _observe(legs[i], ev)
        for j in range(i):  # earlier legs are over once a later one moves
            if legs[j].status is not LegStatus.DONE:
                legs[j] = replace(legs[j], status=LegStatus.DONE)
        new_legs, missed = propagate(tuple(legs), i)
        status = booking.status
        if status is BookingStatus.CONFIRMED and ev.type is not EventType.DELAYED:
            status = BookingStatus.IN_TRANSIT
    updated = replace(
        booking,
        legs=new_legs,
        status=status,
        last_event_at=ev.at,
    )
    if updated.eta != booking.eta:
        updated = replace(
            updated,
            eta_history=booking.eta_history + ((ev.at.isoformat(), updated.eta.isoformat()),),
        )
    if status not in FINISHED and booking.due_by is not None and updated.eta > booking.due_by:
        updated = replace(
            updated,
            status=BookingStatus.AT_RISK,
            reason=f"due_by: ETA {updated.eta.isoformat()} is after due_by "
            f"{booking.due_by.isoformat()}",
        )
    return updated, missed
