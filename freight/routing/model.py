"""Route query and answer: frozen dataclasses validated once, and their JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from freight.clock import to_beijing
from freight.errors import FieldIssue, InputError
from freight.network.model import CargoForm

#: Largest single consignment accepted (tonnes): about 10 full block trains.
MAX_TONNES = 30_000.0
#: Largest container consignment (TEU): about 10 full container trains.
MAX_TEU = 1_000.0

#: Commodities that are dangerous goods and must travel as form ``hazmat`` (seed ch. on
#: Kuidong chemical park: TDI/MDI/caustic soda are classed dangerous goods).
HAZMAT_COMMODITIES = frozenset({"tdi", "mdi", "caustic_soda"})
#: Commodities that need the cold chain.
REEFER_COMMODITIES = frozenset({"cold_food"})
COMMODITIES = frozenset(
    {
        "cotton", "grain", "coal", "pvc", "tdi", "mdi", "fertilizer", "steel",
        "petrochemicals", "caustic_soda", "ecommerce", "bonded_goods", "cold_food",
        "sugar", "tomato_chili", "machinery", "general",
    }
)  # fmt: skip
#: Leg mode of a ride of road semitrailers on a piggyback train (驮背).
PIGGYBACK_MODE = "rail_piggyback"
#: Leg modes that ride a scheduled train run (capacity, missed-train tracking).
TRAIN_MODES = frozenset({"rail", PIGGYBACK_MODE})
#: Modes a query may avoid; ``rail`` avoids every train, ``rail_piggyback`` only piggyback.
AVOIDABLE_MODES = frozenset(
    {"road", "rail", "siding", "road_expressway", "road_national", "road_urban", PIGGYBACK_MODE}
)


class Objective(StrEnum):
    COST = "cost"
    TIME = "time"
    CO2 = "co2"


class Unit(StrEnum):
    T = "t"
    TEU = "teu"


@dataclass(frozen=True, slots=True)
class Cargo:
    """What moves: commodity, packing form and quantity (tonnes or TEU)."""

    commodity: str
    form: CargoForm
    quantity: float
    unit: Unit

    def check(self, loc: str = "$.cargo") -> list[FieldIssue]:
        issues: list[FieldIssue] = []
        if self.commodity not in COMMODITIES:
            issues.append(
                FieldIssue(
                    f"{loc}.commodity",
                    f"unknown commodity {self.commodity!r}; one of {sorted(COMMODITIES)}",
                )
            )
        if self.commodity in HAZMAT_COMMODITIES and self.form is not CargoForm.HAZMAT:
            issues.append(
                FieldIssue(
                    f"{loc}.form",
                    f"rule dangerous-goods: {self.commodity} must travel as form 'hazmat'",
                )
            )
        if self.commodity in REEFER_COMMODITIES and self.form is not CargoForm.REEFER:
            issues.append(
                FieldIssue(f"{loc}.form", f"rule cold-chain: {self.commodity} needs form 'reefer'")
            )
        if not self.quantity > 0:
            issues.append(FieldIssue(f"{loc}.quantity", f"must be > 0, got {self.quantity}"))
        if self.unit is Unit.TEU and self.form not in (CargoForm.CONTAINER, CargoForm.REEFER):
            issues.append(
                FieldIssue(
                    f"{loc}.unit", f"unit 'teu' needs form container or reefer, not {self.form}"
                )
            )
        if self.unit is Unit.TEU and self.quantity > MAX_TEU:
            issues.append(
                FieldIssue(f"{loc}.quantity", f"{self.quantity} TEU is absurd (max {MAX_TEU:g})")
            )
        if self.unit is Unit.T and self.quantity > MAX_TONNES:
            issues.append(
                FieldIssue(f"{loc}.quantity", f"{self.quantity} t is absurd (max {MAX_TONNES:g})")
            )
        return issues


@dataclass(frozen=True, slots=True)
class RouteRequest:
    """One route query (``freight route`` / ``POST /v1/routes``).

    Times are held as aware Beijing times: a naive ``ready_at``/``due_by`` is read as
    Beijing time, an aware one is converted (so ``08:00Z`` and ``16:00+08:00`` are one query).
    """

    origin: str
    destination: str
    cargo: Cargo
    ready_at: datetime
    due_by: datetime | None = None
    objective: Objective = Objective.COST
    alternatives: int = 3
    avoid_modes: frozenset[str] = frozenset()
    avoid_nodes: frozenset[str] = frozenset()
    max_transfers: int | None = None

    def __post_init__(self) -> None:
        issues = self.cargo.check()
        if self.origin == self.destination:
            issues.append(FieldIssue("$.destination", "must differ from origin"))
        if not 1 <= self.alternatives <= 10:
            issues.append(FieldIssue("$.alternatives", "must be within 1..10"))
        if self.max_transfers is not None and not 0 <= self.max_transfers <= 6:
            issues.append(FieldIssue("$.max_transfers", "must be within 0..6"))
        bad = sorted(self.avoid_modes - AVOIDABLE_MODES)
        if bad:
            issues.append(
                FieldIssue("$.avoid.modes", f"unknown modes {bad}; use {sorted(AVOIDABLE_MODES)}")
            )
        for name in ("origin", "destination"):
            if getattr(self, name) in self.avoid_nodes:
                issues.append(FieldIssue("$.avoid.nodes", f"cannot avoid the {name}"))
        for name in ("ready_at", "due_by"):
            value = getattr(self, name)
            if value is None:
                continue
            if not 2000 <= value.year <= 2100:
                issues.append(FieldIssue(f"$.{name}", "must be within the years 2000..2100"))
            else:
                object.__setattr__(self, name, to_beijing(value))
        if not issues and self.due_by is not None and self.due_by <= self.ready_at:
            issues.append(FieldIssue("$.due_by", "must be after ready_at"))
        if issues:
            raise InputError("invalid route query", issues=issues)


@dataclass(frozen=True, slots=True)
class Leg:
    mode: str  # road | rail | siding
    from_id: str
    to_id: str
    links: tuple[str, ...]
    service: str | None
    depart: datetime
    arrive: datetime
    distance_km: float
    cost_cny: float
    co2_kg: float
    wait_h: float = 0.0  # time-ban waits inside a road leg
    trailers: int = 0  # semitrailers carried (piggyback legs)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "mode": self.mode,
            "from": self.from_id,
            "to": self.to_id,
            "links": list(self.links),
            "service": self.service,
            "depart": self.depart.isoformat(),
            "arrive": self.arrive.isoformat(),
            "distance_km": round(self.distance_km, 3),
            "cost_cny": round(self.cost_cny, 2),
            "co2_kg": round(self.co2_kg, 3),
        }
        if self.mode == PIGGYBACK_MODE:
            out["trailers"] = self.trailers
        return out


@dataclass(frozen=True, slots=True)
class Transfer:
    """A change at a terminal. ``kind``: road->rail | rail->road | rail->rail (cargo
    handled), road->piggyback | piggyback->road | piggyback->piggyback (trailers roll on or
    off a piggyback train at a ramp). ``drop_and_hook``: the road side swapped semitrailers
    instead of the tractor waiting; ``tractor_saved_cny`` is already taken off ``cost_cny``."""

    terminal: str
    kind: str
    start: datetime
    hours: float
    cost_cny: float
    co2_kg: float
    drop_and_hook: bool = False
    tractor_saved_cny: float = 0.0
    trailers: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "terminal": self.terminal,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "hours": round(self.hours, 3),
            "cost_cny": round(self.cost_cny, 2),
            "co2_kg": round(self.co2_kg, 3),
            "drop_and_hook": self.drop_and_hook,
            "tractor_saved_cny": round(self.tractor_saved_cny, 2),
            "trailers": self.trailers,
        }


@dataclass(frozen=True, slots=True)
class Alternative:
    rank: int
    cost_cny: float
    hours: float
    co2_kg: float
    distance_km: float
    arrive: datetime
    legs: tuple[Leg, ...]
    transfers: tuple[Transfer, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "total": {
                "cost_cny": round(self.cost_cny, 2),
                "hours": round(self.hours, 3),
                "co2_kg": round(self.co2_kg, 3),
                "distance_km": round(self.distance_km, 3),
            },
            "arrive": self.arrive.isoformat(),
            "modes": sorted({leg.mode for leg in self.legs}),
            "legs": [leg.to_dict() for leg in self.legs],
            "transfers": [t.to_dict() for t in self.transfers],
            "multimodal_forms": list(self.multimodal_forms),
        }

    @property
    def multimodal_forms(self) -> tuple[str, ...]:
        """``piggyback`` (a leg on a piggyback train) and ``drop_and_hook`` (a trailer swap
        at a transfer), as the route uses them."""
        out = []
        if any(leg.mode == PIGGYBACK_MODE for leg in self.legs):
            out.append("piggyback")
        if any(t.drop_and_hook for t in self.transfers):
            out.append("drop_and_hook")
        return tuple(out)


@dataclass(frozen=True, slots=True)
class RouteResult:
    """Pareto-optimal alternatives ranked by the objective, with what the rules cut."""

    request: RouteRequest
    tonnes: float
    teu: float
    alternatives: tuple[Alternative, ...]
    pareto_size: int  # non-dominated routes found (before cutting to ``alternatives``)
    rules_applied: tuple[str, ...]
    pruned: dict[str, int]
    labels_settled: int
    wall_s: float
    due_by_met: bool | None = None
    earliest_arrival: datetime | None = None
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "origin": self.request.origin,
            "destination": self.request.destination,
            "objective": str(self.request.objective),
            "cargo": {
                "commodity": self.request.cargo.commodity,
                "form": str(self.request.cargo.form),
                "quantity": self.request.cargo.quantity,
                "unit": str(self.request.cargo.unit),
                "tonnes": round(self.tonnes, 3),
                "teu": round(self.teu, 3),
            },
            "ready_at": self.request.ready_at.isoformat(),
            "alternatives": [a.to_dict() for a in self.alternatives],
            "pareto_size": self.pareto_size,
            "rules_applied": list(self.rules_applied),
            "pruned": dict(self.pruned),
            "notes": list(self.notes),
            "wall_s": round(self.wall_s, 6),
        }
        if self.request.due_by is not None:
            earliest = self.earliest_arrival.isoformat() if self.earliest_arrival else None
            out["due_by"] = {
                "requested": self.request.due_by.isoformat(),
                "met": bool(self.due_by_met),
                "earliest_arrival": earliest,
                "message": (
                    "due_by can be met"
                    if self.due_by_met
                    else f"due_by {self.request.due_by.isoformat()} cannot be met; "
                    f"earliest arrival is {earliest}"
                ),
            }
        return out
