"""JSON in and out of the matching domain (API bodies, job parameters, CLI files).

Times without an offset are Beijing time. Errors name the JSON path under ``loc``
(``$.items[3].capacity_t``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from freight.errors import FieldIssue, FreightError, InputError, NotFoundError
from freight.matching.model import (
    Load,
    MatchingResult,
    Powertrain,
    Vehicle,
    VehicleKind,
    check_nodes,
)
from freight.matching.roads import BEIJING
from freight.network.model import CargoForm, Network
from freight.routing.model import Cargo, Unit


def parse_time(value: Any, loc: str) -> datetime:
    if isinstance(value, datetime):
        t = value
    else:
        try:
            t = datetime.fromisoformat(str(value))
        except ValueError:
            raise InputError(
                "bad time", issues=[FieldIssue(loc, f"not an ISO 8601 time: {value!r}")]
            ) from None
    return t if t.tzinfo is not None else t.replace(tzinfo=BEIJING)


def round_year(loads: Sequence[Mapping[str, Any]]) -> int | None:
    """The network year of a round over ``loads`` (API JSON): the year, in Beijing time, of
    the earliest ``pickup_from``; None for a round without loads."""
    times = [
        parse_time(d["pickup_from"], f"$.loads[{n}].pickup_from").astimezone(BEIJING)
        for n, d in enumerate(loads)
    ]
    return min(times).year if times else None


def _rebase(exc: FreightError, loc: str) -> InputError:
    """The same error with JSON paths under ``loc`` (unknown nodes in a body are 422)."""
    issues = [
        replace(i, loc=loc + i.loc[1:] if i.loc.startswith("$") else i.loc) for i in exc.issues
    ]
    return InputError(exc.message, issues=issues)


def _guard(loc: str, build: Callable[[], Any]) -> Any:
    try:
        return build()
    except (InputError, NotFoundError) as exc:
        raise _rebase(exc, loc) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError("invalid item", issues=[FieldIssue(loc, str(exc))]) from None


def vehicle_from_dict(d: dict[str, Any], network: Network | None = None, loc: str = "$") -> Vehicle:
    def build() -> Vehicle:
        v = Vehicle(
            id=str(d["id"]),
            kind=VehicleKind(d["kind"]),
            capacity_t=float(d["capacity_t"]),
            location=str(d["location"]),
            available_from=parse_time(d["available_from"], "$.available_from"),
            available_until=parse_time(d["available_until"], "$.available_until"),
            capacity_teu=None if d.get("capacity_teu") is None else int(d["capacity_teu"]),
            home=d.get("home"),
            permits=frozenset(d.get("permits") or ()),
            powertrain=Powertrain(d.get("powertrain") or "diesel"),
            range_km=None if d.get("range_km") is None else float(d["range_km"]),
        )
        if network is not None:
            check_nodes(network, v)
        return v

    result: Vehicle = _guard(loc, build)
    return result


def load_from_dict(d: dict[str, Any], network: Network | None = None, loc: str = "$") -> Load:
    def build() -> Load:
        c = d["cargo"]
        x = Load(
            id=str(d["id"]),
            origin=str(d["origin"]),
            destination=str(d["destination"]),
            cargo=Cargo(
                str(c["commodity"]), CargoForm(c["form"]), float(c["quantity"]), Unit(c["unit"])
            ),
            pickup_from=parse_time(d["pickup_from"], "$.pickup_from"),
            pickup_until=parse_time(d["pickup_until"], "$.pickup_until"),
            deliver_by=parse_time(d["deliver_by"], "$.deliver_by"),
            price_cny=None if d.get("price_cny") is None else float(d["price_cny"]),
            posted_at=parse_time(d["posted_at"], "$.posted_at") if d.get("posted_at") else None,
        )
        if network is not None:
            check_nodes(network, x)
        return x

    result: Load = _guard(loc, build)
    return result


def vehicle_to_dict(v: Vehicle) -> dict[str, Any]:
    return {
        "id": v.id,
        "kind": str(v.kind),
        "capacity_t": v.capacity_t,
        "capacity_teu": v.capacity_teu,
        "location": v.location,
        "available_from": v.available_from.isoformat(),
        "available_until": v.available_until.isoformat(),
        "home": v.home,
        "permits": sorted(v.permits),
        "powertrain": str(v.powertrain),
        "range_km": v.range_km,
    }


def load_to_dict(x: Load) -> dict[str, Any]:
    return {
        "id": x.id,
        "origin": x.origin,
        "destination": x.destination,
        "cargo": {
            "commodity": x.cargo.commodity,
            "form": str(x.cargo.form),
            "quantity": x.cargo.quantity,
            "unit": str(x.cargo.unit),
        },
        "pickup_from": x.pickup_from.isoformat(),
        "pickup_until": x.pickup_until.isoformat(),
        "deliver_by": x.deliver_by.isoformat(),
        "price_cny": x.price_cny,
        "posted_at": x.posted_at.isoformat() if x.posted_at else None,
    }


def result_to_dict(r: MatchingResult) -> dict[str, Any]:
    """The round answer's JSON shape (field names are the API contract)."""
    return {
        "assignments": [
            {
                "id": a.id,
                "vehicle": a.vehicle,
                "loads": list(a.loads),
                "plan": [
                    {
                        "load": p.load,
                        "pickup_at": p.pickup_at.isoformat(),
                        "deliver_at": p.deliver_at.isoformat(),
                        "empty_km": p.empty_km,
                        "loaded_km": p.loaded_km,
                    }
                    for p in a.plan
                ],
                "empty_km": a.empty_km,
                "loaded_km": a.loaded_km,
                "cost_cny": a.cost_cny,
                "revenue_cny": a.revenue_cny,
            }
            for a in r.assignments
        ],
        "unmatched": [
            {"load": u.load, "reason": str(u.reason), "detail": u.detail} for u in r.unmatched
        ],
        "kpis": {
            "loads": r.kpis.loads,
            "matched": r.kpis.matched,
            "empty_km": r.kpis.empty_km,
            "loaded_km": r.kpis.loaded_km,
            "empty_share": r.kpis.empty_share,
            "trucks_used": r.kpis.trucks_used,
            "cost_cny": r.kpis.cost_cny,
            "revenue_cny": r.kpis.revenue_cny,
        },
        "method": r.method,
        "objective": r.objective,
        "bound_matched": r.bound_matched,
        "wall_s": r.wall_s,
    }
