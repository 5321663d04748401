"""Re-plan the rest of a journey after a missed connection, with the ordinary router.

The cargo is at the missed leg's start, ready when the previous leg's expected arrival
plus handling allows. The router searches from there with this booking's own later claims
given back (they are about to be released) and every full departure or terminal day of
the ledger skipped; the missed train is behind the ready time, so it is never offered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from freight.booking.model import (
    BEIJING,
    Booking,
    BookingStatus,
    Claim,
    Replan,
)
from freight.booking.offer import booked_legs, claims_for, settle
from freight.errors import InputError
from freight.network.model import CargoForm
from freight.routing import (
    CapacityLedger,
    Cargo,
    Objective,
    RouteRequest,
    RouteResult,
    RoutingIndex,
    Unit,
)
from freight.routing.search import find_routes


@dataclass(frozen=True, slots=True)
class ReplanResult:
    """The booking after re-planning, and the claims to give back and to take."""

    booking: Booking
    release: tuple[Claim, ...]
    take: tuple[Claim, ...]
    kind: str = "replan"


def ledger_without(ledger: CapacityLedger, claims: tuple[Claim, ...]) -> CapacityLedger:
    """A copy of ``ledger`` with ``claims`` given back."""
    out = CapacityLedger(
        {k: list(v) for k, v in ledger.booked.items()},
        {k: list(v) for k, v in ledger.terminals.items()},
        ledger.terminal_capacity,
        trailers=dict(ledger.trailers),
    )
    for c in claims:
        if c.kind == "departure":
            key = (c.resource, datetime.fromisoformat(c.when).astimezone(BEIJING).date())
            used = out.booked.get(key)
            if c.trailers and key in out.trailers:
                out.trailers[key] = max(0.0, out.trailers[key] - c.trailers)
        else:
            used = out.terminals.get((c.resource, date.fromisoformat(c.when)))
        if used is not None:
            used[0] = max(0.0, used[0] - c.tonnes)
            used[1] = max(0.0, used[1] - c.teu)
    return out


def _request(booking: Booking, here: str, ready: datetime) -> RouteRequest:
    """The route query for the rest of the journey: from ``here``, ready at ``ready``."""
    c = booking.cargo
    return RouteRequest(
        origin=here,
        destination=booking.destination,
        cargo=Cargo(c.commodity, CargoForm(c.form), c.quantity, Unit(c.unit)),
        ready_at=ready.astimezone(BEIJING),
        due_by=booking.due_by.astimezone(BEIJING) if booking.due_by else None,
        objective=Objective.COST,
        alternatives=5,
    )


def _late_reason(due_by: datetime, arrive: datetime, result: RouteResult) -> str:
    """Why a re-plan cannot meet ``due_by``: the binding constraint, named."""
    binds = sorted(k for k in ("train_full", "terminal_full") if result.pruned.get(k))
    binding = (
        "train and terminal capacity (" + ", ".join(binds) + ")"
        if binds
        else "the timetable (no earlier departure)"
    )
    return (
        f"due_by {due_by.isoformat()} cannot be met: earliest arrival {arrive.isoformat()}; "
        f"binding: {binding}"
    )


def _at_risk(booking: Booking, reason: str) -> ReplanResult:
    return ReplanResult(replace(booking, status=BookingStatus.AT_RISK, reason=reason), (), ())


def replan(
    index: RoutingIndex, booking: Booking, missed: int, ledger: CapacityLedger, now: datetime
) -> ReplanResult:
    """New legs from leg index ``missed`` on; ``at_risk`` naming what binds if none fits."""
    network = index.network
    kept = booking.legs[:missed]
    old = booking.legs[missed:]
    here = old[0].from_id
    ready = (kept[-1].exp_arrive if kept else old[0].exp_depart) + timedelta(
        hours=old[0].handling_h_before
    )
    own_later = tuple(
        c for c in booking.claims if c.kind == "departure" and any(
            leg.service == c.resource and leg.run_depart and leg.run_depart.isoformat() == c.when
            for leg in old
        )
    )  # fmt: skip
    cargo = booking.cargo
    try:
        result = find_routes(
            index, _request(booking, here, ready), ledger_without(ledger, own_later)
        )
    except InputError as exc:
        return _at_risk(booking, f"no route from {here} after the missed connection: {exc}")
    if result.due_by_met is False:
        alt = min(result.alternatives, key=lambda a: a.arrive)
    else:
        alt = result.alternatives[0]
    new, terminals = booked_legs(network, alt, first_seq=missed + 1)
    kept_terminals = [
        (c.resource, date.fromisoformat(c.when))
        for c in booking.claims
        if c.kind == "terminal" and any(leg.from_id == c.resource for leg in kept[1:])
    ]
    legs = kept + new
    claims = claims_for(network, legs, kept_terminals + terminals, cargo)
    old_keys = {c.key for c in booking.claims}
    new_keys = {c.key for c in claims}
    cost_delta = round(sum(x.price_cny for x in new) - sum(x.price_cny for x in old), 2)
    reason = (
        f"leg {missed + 1} ({old[0].service or old[0].mode} at {old[0].depart.isoformat()}) "
        f"missed: cargo ready at {here} only at {ready.isoformat()}"
    )
    rec = Replan(
        now, reason, missed + 1, tuple(x.to_dict() for x in old), tuple(x.to_dict() for x in new),
        cost_delta,
    )  # fmt: skip
    status, why = BookingStatus.REPLANNED, None
    if result.due_by_met is False and booking.due_by is not None:
        status, why = BookingStatus.AT_RISK, _late_reason(booking.due_by, alt.arrive, result)
    updated = replace(
        booking,
        legs=legs,
        claims=claims,
        settlement=settle(legs, booking.price_cny),
        replans=booking.replans + (rec,),
        status=status,
        reason=why,
    )
    if updated.eta != booking.eta:
        entry = (now.isoformat(), updated.eta.isoformat())
        updated = replace(updated, eta_history=booking.eta_history + (entry,))
    return ReplanResult(
        updated,
        tuple(c for c in booking.claims if c.key not in new_keys),
        tuple(c for c in claims if c.key not in old_keys),
    )
