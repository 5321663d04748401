"""Through-bill (一单制) bookings: offers, legs, claims on capacity, settlement, events.

One frozen dataclass per concept, validated once at construction. Times are timezone-aware
(naive input means Beijing time, see :func:`beijing`). Money is CNY with two decimals;
shares of a price are allocated in whole fen so that they add up exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from freight.booking.event import EVENT_RANK as EVENT_RANK
from freight.booking.event import MAX_DELAY_MIN as MAX_DELAY_MIN
from freight.booking.event import EventType as EventType
from freight.booking.event import TrackEvent as TrackEvent
from freight.clock import BEIJING as BEIJING
from freight.clock import to_beijing
from freight.errors import FieldIssue, InputError
from freight.routing.model import TRAIN_MODES

#: An offer is valid this long after the quote (at least 15 minutes are promised).
OFFER_TTL_MIN = 30


def beijing(value: datetime) -> datetime:
    """``value`` as Beijing time: naive input is read as Beijing time (Asia/Shanghai)."""
    return to_beijing(value)


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    IN_TRANSIT = "in_transit"
    REPLANNED = "replanned"
    AT_RISK = "at_risk"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class LegStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


#: international trains, the platform's contracted road hauliers for trucks.
CARRIER_RAIL = "China Railway Urumqi Group"
CARRIER_CE = "China Railway Container Transport (China-Europe)"
CARRIER_ROAD = "Kuytun platform road hauliers"


@dataclass(frozen=True, slots=True)
class Party:
    """Shipper or consignee of a bill."""

    name: str
    contact: str

    @staticmethod
    def parse(value: Any, loc: str) -> Party:
        """From JSON; errors name ``loc`` (e.g. ``$.shipper.name``)."""
        if not isinstance(value, dict):
            raise InputError("invalid party", issues=[FieldIssue(loc, "must be an object")])
        issues = []
        for key, limit in (("name", 200), ("contact", 200)):
            v = value.get(key)
            if not isinstance(v, str) or not v.strip():
                issues.append(FieldIssue(f"{loc}.{key}", "required, a non-empty string"))
            elif len(v) > limit:
                issues.append(FieldIssue(f"{loc}.{key}", f"at most {limit} characters"))
        extra = sorted(set(value) - {"name", "contact"})
        if extra:
            issues.append(FieldIssue(f"{loc}.{extra[0]}", "unknown field"))
        if issues:
            raise InputError("invalid party", issues=issues)
        return Party(value["name"].strip(), value["contact"].strip())

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "contact": self.contact}


@dataclass(frozen=True, slots=True)
class CargoSpec:
    """The consignment as quoted: commodity, form, quantity and both measures."""

    commodity: str
    form: str
    quantity: float
    unit: str
    tonnes: float
    teu: float

    @property
    def counts_teu(self) -> bool:
        """Containers are counted in TEU on trains and at terminals; the rest in tonnes."""
        return self.form == "container"

    def to_dict(self) -> dict[str, Any]:
        return {
            "commodity": self.commodity,
            "form": self.form,
            "quantity": self.quantity,
            "unit": self.unit,
            "tonnes": self.tonnes,
            "teu": self.teu,
        }

    @staticmethod
    def from_dict(d: dict[str, Any]) -> CargoSpec:
        return CargoSpec(
            d["commodity"], d["form"], float(d["quantity"]), d["unit"], float(d["tonnes"]),
            float(d["teu"]),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Claim:
    """Capacity a booking holds: one train departure or one terminal handling day
    (``trailers``: semitrailer slots on a piggyback run; 0 for every other claim)."""

    kind: str  # departure | terminal
    resource: str  # service id or node id
    when: str  # departure: ISO datetime of the run's first departure; terminal: ISO date
    tonnes: float
    teu: float
    trailers: float = 0.0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.resource, self.when)

    def label(self) -> str:
        what = "departure" if self.kind == "departure" else "terminal"
        return f"{what} {self.resource} {self.when}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "resource": self.resource,
            "when": self.when,
            "tonnes": self.tonnes,
            "teu": self.teu,
            "trailers": self.trailers,
        }

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Claim:
        return Claim(
            d["kind"], d["resource"], d["when"], float(d["tonnes"]), float(d["teu"]),
            float(d.get("trailers", 0.0)),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class BookedLeg:
    """One leg of a through-bill, with its planned and expected times and status."""

    seq: int
    mode: str
    from_id: str
    to_id: str
    service: str | None
    depart: datetime
    arrive: datetime
    carrier: str
    price_cny: float
    distance_km: float
    handling_h_before: float  # transfer hours at ``from_id`` before this leg departs
    nodes: tuple[str, ...]  # every node the leg passes (for event locations)
    run_depart: datetime | None = None  # rail: the run's first departure (capacity key)
    trailers: int = 0  # rail_piggyback: semitrailer slots the leg takes on its run
    status: LegStatus = LegStatus.PLANNED
    expected_depart: datetime | None = None
    expected_arrive: datetime | None = None
    links: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.seq < 1:
            raise ValueError(f"leg seq must be >= 1, got {self.seq}")
        if self.depart.tzinfo is None or self.arrive.tzinfo is None:
            raise ValueError(f"leg {self.seq}: times need an offset")
        if self.arrive < self.depart:
            raise ValueError(f"leg {self.seq}: arrive before depart")
        if self.mode in TRAIN_MODES and (self.service is None or self.run_depart is None):
            raise ValueError(f"leg {self.seq}: a rail leg needs service and run_depart")

    @property
    def exp_depart(self) -> datetime:
        return self.expected_depart or self.depart

    @property
    def exp_arrive(self) -> datetime:
        return self.expected_arrive or self.arrive

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "mode": self.mode,
            "from": self.from_id,
            "to": self.to_id,
            "service": self.service,
            "depart": self.depart.isoformat(),
            "arrive": self.arrive.isoformat(),
            "expected_depart": self.exp_depart.isoformat(),
            "expected_arrive": self.exp_arrive.isoformat(),
            "carrier": self.carrier,
            "price_cny": self.price_cny,
            "distance_km": round(self.distance_km, 3),
            "status": str(self.status),
            "run_depart": self.run_depart.isoformat() if self.run_depart else None,
            "handling_h_before": self.handling_h_before,
            "nodes": list(self.nodes),
            "links": list(self.links),
            "trailers": self.trailers,
        }

    @staticmethod
    def from_dict(d: dict[str, Any]) -> BookedLeg:
        def t(key: str) -> datetime | None:
            v = d.get(key)
            return datetime.fromisoformat(v) if v else None

        dep, arr = t("depart"), t("arrive")
        assert dep is not None and arr is not None
        return BookedLeg(
            seq=int(d["seq"]),
            mode=d["mode"],
            from_id=d["from"],
            to_id=d["to"],
            service=d.get("service"),
            depart=dep,
            arrive=arr,
            carrier=d["carrier"],
            price_cny=float(d["price_cny"]),
            distance_km=float(d.get("distance_km", 0.0)),
            handling_h_before=float(d.get("handling_h_before", 0.0)),
            nodes=tuple(d.get("nodes", (d["from"], d["to"]))),
            run_depart=t("run_depart"),
            trailers=int(d.get("trailers", 0)),
            status=LegStatus(d.get("status", "planned")),
            expected_depart=t("expected_depart"),
            expected_arrive=t("expected_arrive"),
            links=tuple(d.get("links", ())),
        )


@dataclass(frozen=True, slots=True)
class Offer:
    """A frozen quote of one route alternative: legs, departures, price. Reserves nothing."""

    origin: str
    destination: str
    cargo: CargoSpec
    ready_at: datetime
    due_by: datetime | None
    legs: tuple[BookedLeg, ...]
    claims: tuple[Claim, ...]
    price_cny: float
    created_at: datetime
    expires_at: datetime
    kind: str = "offer"
    network_year: int | None = None  # the network year it was quoted on; None: shipped files
    scenario: str | None = None  # the stored scenario it was quoted on

    def __post_init__(self) -> None:
        if not self.legs:
            raise ValueError("an offer needs at least one leg")
        if self.expires_at <= self.created_at:
            raise ValueError("offer expires_at must be after created_at")
        fen = sum(round(leg.price_cny * 100) for leg in self.legs)
        if fen != round(self.price_cny * 100):
            raise ValueError(f"leg prices add up to {fen / 100}, not {self.price_cny}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "origin": self.origin,
            "destination": self.destination,
            "cargo": self.cargo.to_dict(),
            "ready_at": self.ready_at.isoformat(),
            "due_by": self.due_by.isoformat() if self.due_by else None,
            "legs": [leg.to_dict() for leg in self.legs],
            "claims": [c.to_dict() for c in self.claims],
            "price_cny": self.price_cny,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "network_year": self.network_year,
            "scenario": self.scenario,
        }

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Offer:
        return Offer(
            origin=d["origin"],
            destination=d["destination"],
            cargo=CargoSpec.from_dict(d["cargo"]),
            ready_at=datetime.fromisoformat(d["ready_at"]),
            due_by=datetime.fromisoformat(d["due_by"]) if d.get("due_by") else None,
            legs=tuple(BookedLeg.from_dict(x) for x in d["legs"]),
            claims=tuple(Claim.from_dict(x) for x in d["claims"]),
            price_cny=float(d["price_cny"]),
            created_at=datetime.fromisoformat(d["created_at"]),
            expires_at=datetime.fromisoformat(d["expires_at"]),
            network_year=int(d["network_year"]) if d.get("network_year") is not None else None,
            scenario=d.get("scenario"),
        )


@dataclass(frozen=True, slots=True)
class Share:
    """One carrier's part of the bill's price."""

    carrier: str
    legs: tuple[int, ...]
    amount_cny: float

    def to_dict(self) -> dict[str, Any]:
        return {"carrier": self.carrier, "legs": list(self.legs), "amount_cny": self.amount_cny}


@dataclass(frozen=True, slots=True)
class Replan:
    """A re-plan of the rest of the journey: when, why, old and new legs."""

    at: datetime
    reason: str
    from_leg: int
    old_legs: tuple[dict[str, Any], ...]
    new_legs: tuple[dict[str, Any], ...]
    cost_delta_cny: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "reason": self.reason,
            "from_leg": self.from_leg,
            "old_legs": list(self.old_legs),
            "new_legs": list(self.new_legs),
            "cost_delta_cny": self.cost_delta_cny,
        }


@dataclass(frozen=True, slots=True)
class Booking:
    """A through-bill: one number, one price, the legs with their status and ETA."""

    id: str
    bill_no: str
    org: str
    status: BookingStatus
    origin: str
    destination: str
    cargo: CargoSpec
    price_cny: float
    shipper: Party
    consignee: Party
    reference: str | None
    legs: tuple[BookedLeg, ...]
    claims: tuple[Claim, ...]
    settlement: tuple[Share, ...]
    created_at: datetime
    due_by: datetime | None = None
    replans: tuple[Replan, ...] = ()
    reason: str | None = None  # why at_risk (the binding constraint)
    last_event_at: datetime | None = None
    eta_history: tuple[tuple[str, str], ...] = field(default=())  # (event time, eta)
    kind: str = "booking"
    network_year: int | None = None  # the network it was booked on (re-plans use it)
    scenario: str | None = None

    @property
    def eta(self) -> datetime:
        return self.legs[-1].exp_arrive

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "bill_no": self.bill_no,
            "org": self.org,
            "status": str(self.status),
            "origin": self.origin,
            "destination": self.destination,
            "cargo": self.cargo.to_dict(),
            "price_cny": self.price_cny,
            "eta": self.eta.isoformat(),
            "due_by": self.due_by.isoformat() if self.due_by else None,
            "shipper": self.shipper.to_dict(),
            "consignee": self.consignee.to_dict(),
            "reference": self.reference,
            "legs": [leg.to_dict() for leg in self.legs],
            "settlement": [s.to_dict() for s in self.settlement],
            "replans": [r.to_dict() for r in self.replans],
            "reason": self.reason,
            "claims": [c.to_dict() for c in self.claims],
            "eta_history": [{"at": a, "eta": e} for a, e in self.eta_history],
            "last_event_at": self.last_event_at.isoformat() if self.last_event_at else None,
            "created_at": self.created_at.isoformat(),
            "network_year": self.network_year,
            "scenario": self.scenario,
        }

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Booking:
        return Booking(
            id=d["id"],
            bill_no=d["bill_no"],
            org=d["org"],
            status=BookingStatus(d["status"]),
            origin=d["origin"],
            destination=d["destination"],
            cargo=CargoSpec.from_dict(d["cargo"]),
            price_cny=float(d["price_cny"]),
            shipper=Party(**d["shipper"]),
            consignee=Party(**d["consignee"]),
            reference=d.get("reference"),
            legs=tuple(BookedLeg.from_dict(x) for x in d["legs"]),
            claims=tuple(Claim.from_dict(x) for x in d["claims"]),
            settlement=tuple(
                Share(s["carrier"], tuple(s["legs"]), float(s["amount_cny"]))
                for s in d["settlement"]
            ),
            created_at=datetime.fromisoformat(d["created_at"]),
            due_by=datetime.fromisoformat(d["due_by"]) if d.get("due_by") else None,
            replans=tuple(
                Replan(
                    datetime.fromisoformat(r["at"]),
                    r["reason"],
                    int(r["from_leg"]),
                    tuple(r["old_legs"]),
                    tuple(r["new_legs"]),
                    float(r["cost_delta_cny"]),
                )  # fmt: skip
                for r in d.get("replans", ())
            ),
            reason=d.get("reason"),
            last_event_at=(
                datetime.fromisoformat(d["last_event_at"]) if d.get("last_event_at") else None
            ),
            eta_history=tuple((h["at"], h["eta"]) for h in d.get("eta_history", ())),
            network_year=int(d["network_year"]) if d.get("network_year") is not None else None,
            scenario=d.get("scenario"),
        )
