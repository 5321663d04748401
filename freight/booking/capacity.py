"""Capacity views for bookings: scheduled departures in a window, and the router's ledger
built from what is booked (the database's rows, or the replay's counters)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from freight.booking.model import BEIJING
from freight.network.model import Network
from freight.routing import CapacityLedger


@dataclass(frozen=True, slots=True)
class Departure:
    """One scheduled run of a train service (its first departure, Beijing time)."""

    service: str
    depart: datetime
    capacity_t: float
    capacity_teu: float
    capacity_trailers: float = 0.0


def departures_between(
    network: Network, first: date, last: date, service: str | None = None
) -> list[Departure]:
    """Every scheduled run departing on ``first``..``last`` (inclusive), by time."""
    out = []
    svcs = [network.services[service]] if service else list(network.services.values())
    day = first
    while day <= last:
        for svc in svcs:
            if day.weekday() in svc.weekdays:
                t = time(svc.depart_min // 60, svc.depart_min % 60)
                dep = datetime.combine(day, t, tzinfo=BEIJING)
                out.append(
                    Departure(svc.id, dep, svc.capacity_t, svc.capacity_teu, svc.capacity_trailers)
                )
        day += timedelta(days=1)
    return sorted(out, key=lambda d: (d.depart, d.service))


def ledger_from_usage(
    departures: Iterable[tuple[str, datetime, float, float, float]],
    terminals: Iterable[tuple[str, date, float, float]],
) -> CapacityLedger:
    """The router's ledger from booked ``(service, run depart, t, teu, trailers)`` and
    ``(node, day, t, teu)``; terminal days are enforced."""
    ledger = CapacityLedger(terminal_capacity=True)
    for sid, dep, t, teu, trailers in departures:
        key = (sid, dep.astimezone(BEIJING).date())
        used = ledger.booked.setdefault(key, [0.0, 0.0])
        used[0] += t
        used[1] += teu
        if trailers:
            ledger.trailers[key] = ledger.trailers.get(key, 0.0) + trailers
    for node, day, t, teu in terminals:
        used = ledger.terminals.setdefault((node, day), [0.0, 0.0])
        used[0] += t
        used[1] += teu
    return ledger
