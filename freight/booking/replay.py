"""Replay a year's shipments as bookings: quote, book against capacity, delay, re-plan.

Shipments (``demand_data``) are booked as they become ready, in time order, each on the
cheapest route that the capacity still allows (the router skips full runs and terminal
days). A seeded share of bookings is delayed on its first leg; when a delay misses a
train, the rest of the journey is re-planned and the capacity moved. The report says how
many bookings were accepted and refused, how full the departures ran, how many re-plans
there were, the on-time share, and where capacity bound first.

Assumptions (docs/bookings.md): a shipment is ready at a uniformly random whole hour
between 06:00 and 18:00 of its ready day and due at 23:59 of its due day; 15 % of
bookings are delayed, by an exponentially distributed time with a mean of 4 hours
(capped at 48 h).
"""

from __future__ import annotations

import random
import time as _time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from freight.booking.model import (
    BEIJING,
    Booking,
    BookingStatus,
    Claim,
    EventType,
    Party,
    TrackEvent,
)
from freight.booking.offer import make_offers
from freight.booking.replan import replan
from freight.booking.tracking import apply_event, new_booking
from freight.demand.model import Shipment
from freight.errors import InputError
from freight.network.model import CargoForm
from freight.routing import CapacityLedger, Cargo, Objective, RouteRequest, RoutingIndex, Unit
from freight.routing.model import TRAIN_MODES
from freight.routing.search import find_routes

DELAY_SHARE = 0.15
DELAY_MEAN_H = 4.0
DELAY_MAX_H = 48.0
FULL_AT = 0.999  # a run or terminal day counts as full from this share on


@dataclass
class _Ledger:
    """The replay's capacity counters (what the database holds in the service)."""

    index: RoutingIndex
    router: CapacityLedger = field(default_factory=lambda: CapacityLedger(terminal_capacity=True))
    first_full: dict[tuple[str, str, str], str] = field(default_factory=dict)
    first_turned_away: dict[tuple[str, date], tuple[str, str]] = field(default_factory=dict)

    def _used(self, c: Claim) -> list[float]:
        if c.kind == "departure":
            key = (c.resource, datetime.fromisoformat(c.when).astimezone(BEIJING).date())
            return self.router.booked.setdefault(key, [0.0, 0.0])
        return self.router.terminals.setdefault(
            (c.resource, date.fromisoformat(c.when)), [0.0, 0.0]
        )

    def capacity(self, c: Claim) -> tuple[float, float]:
        net = self.index.network
        if c.kind == "departure":
            s = net.services[c.resource]
            return s.capacity_t, s.capacity_teu
        h = net.nodes[c.resource].handling
        return h.capacity_t_per_day, h.capacity_teu_per_day

    def _trailer_key(self, c: Claim) -> tuple[str, date]:
        return (c.resource, datetime.fromisoformat(c.when).astimezone(BEIJING).date())

    def _add_trailers(self, c: Claim, sign: float) -> None:
        if c.kind == "departure" and c.trailers:
            key = self._trailer_key(c)
            self.router.trailers[key] = self.router.trailers.get(key, 0.0) + sign * c.trailers

    def fits(self, c: Claim) -> bool:
        used = self._used(c)
        cap_t, cap_teu = self.capacity(c)
        if c.kind == "departure":
            if c.trailers > 0:  # piggyback runs: trailer slots as well as tonnes
                svc = self.index.network.services[c.resource]
                booked = self.router.trailers.get(self._trailer_key(c), 0.0)
                if booked + c.trailers > svc.capacity_trailers + 1e-6:
                    return False
            return used[0] + c.tonnes <= cap_t + 1e-6 and (
                c.teu <= 0 or used[1] + c.teu <= cap_teu + 1e-6
            )
        if c.teu > 0:
            return cap_teu <= 0 or used[1] + c.teu <= cap_teu + 1e-6
        return cap_t <= 0 or used[0] + c.tonnes <= cap_t + 1e-6

    def move(self, take: tuple[Claim, ...], give: tuple[Claim, ...], now: datetime) -> bool:
        """Give back ``give`` and take ``take`` together, or change nothing."""
        for c in give:
            u = self._used(c)
            u[0] -= c.tonnes
            u[1] -= c.teu
            self._add_trailers(c, -1.0)
        if all(self.fits(c) for c in take):
            for c in take:
                u = self._used(c)
                u[0] += c.tonnes
                u[1] += c.teu
                self._add_trailers(c, 1.0)
                if self.fill(c) >= FULL_AT and c.key not in self.first_full:
                    self.first_full[c.key] = now.isoformat()
            return True
        for c in give:
            u = self._used(c)
            u[0] += c.tonnes
            u[1] += c.teu
            self._add_trailers(c, 1.0)
        return False

    def fill(self, c: Claim) -> float:
        used = self._used(c)
        cap_t, cap_teu = self.capacity(c)
        shares = [used[0] / cap_t if cap_t > 0 else 0.0]
        if cap_teu > 0:
            shares.append(used[1] / cap_teu)
        if c.kind == "departure":
            cap_tr = self.index.network.services[c.resource].capacity_trailers
            if cap_tr > 0:
                shares.append(self.router.trailers.get(self._trailer_key(c), 0.0) / cap_tr)
        return max(shares)


def _request(s: Shipment, ready: datetime) -> RouteRequest:
    due = datetime.combine(s.due_date, time(23, 59), tzinfo=BEIJING)
    return RouteRequest(
        origin=s.origin,
        destination=s.destination,
        cargo=Cargo(s.commodity, CargoForm(s.form), s.quantity, Unit(s.unit)),
        ready_at=ready,
        due_by=due if due > ready else None,
        objective=Objective.COST,
        alternatives=1,
    )


def _delay(b: Booking, rng: random.Random, ledger: _Ledger, index: RoutingIndex) -> Booking:
    """A seeded delay on the first leg; re-plan when it misses a train."""
    minutes = int(min(DELAY_MAX_H, rng.expovariate(1 / DELAY_MEAN_H)) * 60) + 1
    ev = TrackEvent("delay", EventType.DELAYED, 1, b.legs[0].depart, delay_minutes=minutes)
    after, missed = apply_event(b, [], ev)
    if missed is None:
        return after
    res = replan(index, after, missed, ledger.router, ev.at)
    moved = ledger.move(res.take, res.release, ev.at) if (res.take or res.release) else True
    if not moved:
        return replace(after, status=BookingStatus.AT_RISK, reason="re-plan: capacity")
    return res.booking


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """What a replay found (``to_dict`` is the ``--json`` output)."""

    year: int
    days: int
    seed: int
    shipments: int
    accepted: int
    accepted_rail: int
    refused: dict[str, int]
    delayed: int
    replanned: int
    at_risk: int
    on_time_share: float
    departures_used: int
    departures_full: int
    fill_by_service: dict[str, dict[str, float]]
    terminal_days_full: int
    turned_away: int
    turned_away_by_resource: dict[str, int]
    binds_first: list[dict[str, Any]]
    wall_s: float
    kind: str = "bookings_replay"
    #: the accepted bookings as they ended (``--format``: tables); not in ``to_dict``
    bookings: tuple[Booking, ...] = field(default=(), repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out = {f: getattr(self, f) for f in self.__dataclass_fields__ if f != "bookings"}
        out["on_time_share"] = round(self.on_time_share, 4)
        out["wall_s"] = round(self.wall_s, 2)
        return out


def replay(
    index: RoutingIndex, shipments: list[Shipment], *, year: int, days: int, seed: int = 1
) -> ReplayReport:
    """Book the first ``days`` days of ``year``'s shipments in ready-time order."""
    t_start = _time.perf_counter()
    rng = random.Random(seed)
    first = date(year, 1, 1)
    last = first + timedelta(days=days - 1)
    chosen = [s for s in shipments if first <= s.ready_date <= last]
    timed = sorted(
        ((datetime.combine(s.ready_date, time(rng.randint(6, 18)), tzinfo=BEIJING), s)
         for s in chosen),
        key=lambda x: (x[0], x[1].id),
    )  # fmt: skip
    ledger = _Ledger(index)
    refused: dict[str, int] = defaultdict(int)
    booked: list[Booking] = []
    delayed = 0
    party = Party("replay", "-")
    for ready, s in timed:
        seen = len(ledger.router.turned_away)
        try:
            result = find_routes(index, _request(s, ready), ledger.router)
        except InputError as exc:
            refused["no_route: " + str(exc.message).split(";")[0][:80]] += 1
            continue
        for key in list(ledger.router.turned_away)[seen:]:  # dicts keep insertion order
            ledger.first_turned_away.setdefault(key, (ready.isoformat(), s.id))
        (offer,) = make_offers(index.network, result, ready)
        if not ledger.move(offer.claims, (), ready):
            refused["capacity"] += 1
            continue
        b = new_booking(
            offer, booking_id=s.id, bill_no=s.id, org="replay", shipper=party,
            consignee=party, reference=None, now=ready,
        )  # fmt: skip
        if rng.random() < DELAY_SHARE:
            delayed += 1
            b = _delay(b, rng, ledger, index)
        booked.append(b)
    return _report(index, ledger, booked, refused, delayed, year, days, seed, len(timed),
                   _time.perf_counter() - t_start)  # fmt: skip


def _by_resource(turned: dict[tuple[str, date], int]) -> dict[str, int]:
    """Times each service or terminal turned a consignment away, most first (top 10)."""
    total: dict[str, int] = defaultdict(int)
    for (res, _day), n in turned.items():
        total[res] += n
    return dict(sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:10])


def _report(
    index: RoutingIndex, ledger: _Ledger, booked: list[Booking], refused: dict[str, int],
    delayed: int, year: int, days: int, seed: int, n: int, wall_s: float,
) -> ReplayReport:  # fmt: skip
    on_time = [b for b in booked if b.due_by is None or b.eta <= b.due_by]
    fills: dict[str, list[float]] = defaultdict(list)
    full_runs = 0
    for (sid, run_date), _used in ledger.router.booked.items():
        c = Claim("departure", sid, datetime.combine(run_date, time(), BEIJING).isoformat(), 0, 0)
        f = ledger.fill(c)
        if f <= 0:
            continue
        fills[sid].append(f)
        full_runs += f >= FULL_AT
    full_days = sum(
        1 for (node, day) in ledger.router.terminals
        if ledger.fill(Claim("terminal", node, day.isoformat(), 0, 0)) >= FULL_AT
    )  # fmt: skip
    net = index.network
    binds = [
        {
            "resource": ("departure " if res in net.services else "terminal ") + res,
            "day": day.isoformat(),
            "turned_away_at": at,
            "shipment": sid,
            "times": ledger.router.turned_away[(res, day)],
        }
        for (res, day), (at, sid) in sorted(
            ledger.first_turned_away.items(), key=lambda kv: (kv[1][0], kv[0][0])
        )
    ][:15]
    return ReplayReport(
        year=year, days=days, seed=seed, shipments=n, accepted=len(booked),
        accepted_rail=sum(1 for b in booked if any(leg.mode in TRAIN_MODES for leg in b.legs)),
        refused=dict(sorted(refused.items(), key=lambda kv: -kv[1])),
        delayed=delayed,
        replanned=sum(1 for b in booked if b.replans),
        at_risk=sum(1 for b in booked if b.status is BookingStatus.AT_RISK),
        on_time_share=len(on_time) / len(booked) if booked else 0.0,
        departures_used=sum(len(v) for v in fills.values()),
        departures_full=full_runs,
        fill_by_service={
            sid: {"runs": len(v), "mean_fill": round(sum(v) / len(v), 3),
                  "full_runs": sum(1 for f in v if f >= FULL_AT)}
            for sid, v in sorted(fills.items())
        },
        terminal_days_full=full_days,
        binds_first=binds,
        turned_away=len(ledger.router.turned_away),
        turned_away_by_resource=_by_resource(ledger.router.turned_away),
        wall_s=wall_s,
        bookings=tuple(booked),
    )  # fmt: skip
