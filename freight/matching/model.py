"""Vehicles, loads and matching results: frozen dataclasses validated once.

A ``Vehicle`` is a truck offered on the platform for a time window at a node; a ``Load``
is a full-truckload consignment with a pickup window and a delivery deadline. Both check
their own fields at construction and raise ``InputError`` whose issues carry the JSON path
(``$.capacity_t``) and whose message names the id, so the API and the CLI can report them
as they are. Cross-references (node ids) are checked by ``check_nodes`` against a network.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from freight.errors import FieldIssue, InputError, NotFoundError
from freight.network.model import CargoForm, Network
from freight.routing.model import Cargo, Unit

#: Largest truck payload accepted (t): a heavy road train; anything above is a typo.
MAX_CAPACITY_T = 100.0
#: Largest container load of one truck (TEU): a 40 ft chassis or two 20 ft boxes = 2; 3 is
#: the road-train limit.
MAX_CAPACITY_TEU = 3
#: Longest single availability or load window accepted (days).
MAX_WINDOW_DAYS = 31
MAX_RANGE_KM = 2000.0


class VehicleKind(StrEnum):
    CONTAINER_TRUCK = "container_truck"
    BULK_TRUCK = "bulk_truck"
    TANKER = "tanker"
    REEFER = "reefer"
    FLATBED = "flatbed"
    VAN = "van"


class Powertrain(StrEnum):
    DIESEL = "diesel"
    LNG = "lng"
    BEV = "bev"


#: The compatibility contract: which vehicle kinds may carry which cargo form.
KINDS_FOR_FORM: dict[CargoForm, frozenset[VehicleKind]] = {
    CargoForm.CONTAINER: frozenset({VehicleKind.CONTAINER_TRUCK}),
    CargoForm.BULK: frozenset({VehicleKind.BULK_TRUCK}),
    CargoForm.GENERAL: frozenset({VehicleKind.FLATBED, VehicleKind.VAN}),
    CargoForm.HAZMAT: frozenset({VehicleKind.TANKER}),
    CargoForm.REEFER: frozenset({VehicleKind.REEFER}),
}
HAZMAT_PERMIT = "hazmat"
PERMITS = frozenset({HAZMAT_PERMIT})


def _aware(value: datetime, loc: str, issues: list[FieldIssue]) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        issues.append(FieldIssue(loc, "needs a UTC offset (ISO 8601, e.g. +08:00)"))


def _window(
    start: datetime, end: datetime, locs: tuple[str, str], issues: list[FieldIssue]
) -> None:
    _aware(start, locs[0], issues)
    _aware(end, locs[1], issues)
    if issues:
        return
    if end <= start:
        issues.append(FieldIssue(locs[1], f"ends at {end.isoformat()}, before {locs[0]} starts"))
    elif (end - start).total_seconds() > MAX_WINDOW_DAYS * 86400:
        issues.append(FieldIssue(locs[1], f"window longer than {MAX_WINDOW_DAYS} days"))


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A truck offered for matching: where and when it is free, and what it can carry."""

    id: str
    kind: VehicleKind
    capacity_t: float
    location: str
    available_from: datetime
    available_until: datetime
    capacity_teu: int | None = None
    home: str | None = None
    permits: frozenset[str] = frozenset()
    powertrain: Powertrain = Powertrain.DIESEL
    range_km: float | None = None

    def __post_init__(self) -> None:
        issues: list[FieldIssue] = []
        for name, enum in (("kind", VehicleKind), ("powertrain", Powertrain)):
            try:
                object.__setattr__(self, name, enum(getattr(self, name)))
            except ValueError:
                issues.append(FieldIssue(f"$.{name}", f"one of {[e.value for e in enum]}"))
        if issues:
            raise InputError(f"vehicle {self.id!r} is invalid", issues=issues)
        object.__setattr__(self, "permits", frozenset(self.permits))
        if not self.id or len(self.id) > 100:
            issues.append(FieldIssue("$.id", "must be 1..100 characters"))
        if not (math.isfinite(self.capacity_t) and 0 < self.capacity_t <= MAX_CAPACITY_T):
            issues.append(
                FieldIssue(
                    "$.capacity_t", f"must be in (0, {MAX_CAPACITY_T:g}] t, got {self.capacity_t}"
                )
            )
        if self.capacity_teu is not None:
            if self.kind is not VehicleKind.CONTAINER_TRUCK:
                issues.append(
                    FieldIssue("$.capacity_teu", f"only a container_truck has TEU, not {self.kind}")
                )
            elif not 1 <= self.capacity_teu <= MAX_CAPACITY_TEU:
                issues.append(
                    FieldIssue(
                        "$.capacity_teu", f"must be 1..{MAX_CAPACITY_TEU}, got {self.capacity_teu}"
                    )
                )
        bad = sorted(self.permits - PERMITS)
        if bad:
            issues.append(
                FieldIssue("$.permits", f"unknown permits {bad}; known {sorted(PERMITS)}")
            )
        if self.range_km is not None and not (
            math.isfinite(self.range_km) and 0 < self.range_km <= MAX_RANGE_KM
        ):
            issues.append(FieldIssue("$.range_km", f"must be in (0, {MAX_RANGE_KM:g}] km"))
        if self.powertrain is Powertrain.BEV and self.range_km is None:
            issues.append(FieldIssue("$.range_km", "a bev truck needs range_km"))
        _window(
            self.available_from,
            self.available_until,
            ("$.available_from", "$.available_until"),
            issues,
        )
        if issues:
            raise InputError(f"vehicle {self.id!r} is invalid", issues=issues)

    @property
    def teu(self) -> int:
        """Container slots: the stated ``capacity_teu``, else 2 for a container truck."""
        if self.kind is not VehicleKind.CONTAINER_TRUCK:
            return 0
        return self.capacity_teu if self.capacity_teu is not None else 2


@dataclass(frozen=True, slots=True)
class Load:
    """A full-truckload consignment posted on the platform."""

    id: str
    origin: str
    destination: str
    cargo: Cargo
    pickup_from: datetime
    pickup_until: datetime
    deliver_by: datetime
    price_cny: float | None = None
    posted_at: datetime | None = None

    def __post_init__(self) -> None:
        issues: list[FieldIssue] = list(self.cargo.check("$.cargo"))
        if not self.id or len(self.id) > 100:
            issues.append(FieldIssue("$.id", "must be 1..100 characters"))
        if self.origin == self.destination:
            issues.append(FieldIssue("$.destination", "must differ from origin"))
        if self.cargo.unit is Unit.TEU and self.cargo.form is not CargoForm.CONTAINER:
            issues.append(
                FieldIssue("$.cargo.unit", f"TEU only for form container, not {self.cargo.form}")
            )
        if self.cargo.unit is Unit.TEU and self.cargo.quantity != int(self.cargo.quantity):
            issues.append(FieldIssue("$.cargo.quantity", "a TEU count must be whole"))
        if self.price_cny is not None and not (
            math.isfinite(self.price_cny) and self.price_cny >= 0
        ):
            issues.append(FieldIssue("$.price_cny", f"must be >= 0, got {self.price_cny}"))
        _window(self.pickup_from, self.pickup_until, ("$.pickup_from", "$.pickup_until"), issues)
        _aware(self.deliver_by, "$.deliver_by", issues)
        if not issues and self.deliver_by <= self.pickup_from:
            issues.append(FieldIssue("$.deliver_by", "is not after pickup_from"))
        if issues:
            raise InputError(f"load {self.id!r} is invalid", issues=issues)


def load_tonnes(network: Network, load: Load) -> float:
    """Weight of a load: TEU weigh the commodity's tonnes per TEU from costs.toml."""
    c = load.cargo
    if c.unit is Unit.TEU:
        return c.quantity * network.costs.teu_to_t(c.commodity)
    return c.quantity


def load_teu(load: Load) -> int:
    return int(load.cargo.quantity) if load.cargo.unit is Unit.TEU else 0


def check_nodes(network: Network, obj: Vehicle | Load) -> None:
    """Raise ``NotFoundError`` naming the JSON path of an unknown or freight-less node."""
    fields = ("location", "home") if isinstance(obj, Vehicle) else ("origin", "destination")
    issues: list[FieldIssue] = []
    for name in fields:
        nid = getattr(obj, name)
        if nid is None:
            continue
        node = network.nodes.get(nid)
        if node is None:
            issues.append(FieldIssue(f"$.{name}", f"unknown node id {nid!r}"))
        elif not node.accepts_freight:
            issues.append(FieldIssue(f"$.{name}", f"node {nid!r} takes no freight"))
    if issues:
        what = "vehicle" if isinstance(obj, Vehicle) else "load"
        raise NotFoundError(f"{what} {obj.id!r} names an unusable node", issues=issues)


class Reason(StrEnum):
    """Why a load was left unmatched: the constraint that binds."""

    NO_COMPATIBLE_TRUCK = "no_compatible_truck"
    CAPACITY = "capacity"
    HAZMAT_ROAD = "hazmat_road"
    NO_ROAD = "no_road_route"
    RANGE = "range"
    WINDOW = "window"
    DECLINED = "declined"
    TRUCKS_TAKEN = "trucks_taken"
    NOT_IN_YEAR = "not_in_network_year"


@dataclass(frozen=True, slots=True)
class LegPlan:
    """One load in a truck's sequence: when it is picked up and delivered, and the km."""

    load: str
    pickup_at: datetime
    deliver_at: datetime
    empty_km: float
    loaded_km: float


@dataclass(frozen=True, slots=True)
class Assignment:
    """One truck and the loads it carries one after another (a backhaul chain)."""

    id: str
    vehicle: str
    loads: tuple[str, ...]
    plan: tuple[LegPlan, ...]
    empty_km: float
    loaded_km: float
    cost_cny: float
    revenue_cny: float


@dataclass(frozen=True, slots=True)
class Unmatched:
    load: str
    reason: Reason
    detail: str


@dataclass(frozen=True, slots=True)
class Kpis:
    loads: int
    matched: int
    empty_km: float
    loaded_km: float
    empty_share: float
    trucks_used: int
    cost_cny: float
    revenue_cny: float


@dataclass(frozen=True, slots=True)
class MatchingResult:
    """A round's answer: assignments, unmatched loads with reasons, KPIs and timings."""

    assignments: tuple[Assignment, ...]
    unmatched: tuple[Unmatched, ...]
    kpis: Kpis
    method: str
    wall_s: float
    objective: str = "matched count, then empty km, then cost"
    bound_matched: int | None = None
    notes: tuple[str, ...] = field(default=())
    kind: str = "matching"
