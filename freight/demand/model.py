"""Domain objects of the demand data: shipments, delivery points, bulk flows, depots, sites.

Each is a frozen dataclass validated once at construction (``ValueError`` naming the id and
the field); the loaders turn those into ``DataError`` with file, row and field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from freight.units import parse_hhmm

#: Canonical commodity names (shared by every module of the project).
COMMODITIES = (
    "cotton", "grain", "coal", "pvc", "tdi", "mdi", "fertilizer", "steel", "petrochemicals",
    "caustic_soda", "ecommerce", "bonded_goods", "cold_food", "sugar", "tomato_chili",
    "machinery", "general",
)  # fmt: skip
#: Cargo forms (values of ``freight.network.model.CargoForm``).
FORMS = ("container", "bulk", "general", "hazmat", "reefer")
UNITS = ("t", "teu")
SEASONS = ("winter", "summer")
TOWNS = ("kuytun", "dushanzi", "wusu", "huyanghe")

#: Bounding box of the Kui–Du–Wu–Hu towns' delivery area (generous; WGS84 degrees).
URBAN_LAT = (44.25, 44.78)
URBAN_LON = (84.60, 85.12)


def _need(cond: bool, what: str, msg: str) -> None:
    if not cond:
        raise ValueError(f"{what}: {msg}")


def _finite(x: float) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


@dataclass(frozen=True, slots=True)
class Shipment:
    """One consignment of a year: ``quantity`` in ``unit`` ('t' or 'teu'), ``tonnes`` gross.

    ``ready_date`` is when the cargo can leave ``origin``; ``due_date`` when it is wanted
    at ``destination`` (both inclusive days).
    """

    id: str
    origin: str
    destination: str
    commodity: str
    form: str
    quantity: float
    unit: str
    tonnes: float
    ready_date: date
    due_date: date

    def __post_init__(self) -> None:
        w = f"Shipment {self.id!r}"
        _need(bool(self.id), w, "id must not be empty")
        _need(bool(self.origin) and bool(self.destination), w, "origin/destination required")
        _need(self.origin != self.destination, w, f"origin equals destination {self.origin!r}")
        _need(self.commodity in COMMODITIES, w, f"unknown commodity {self.commodity!r}")
        _need(self.form in FORMS, w, f"unknown form {self.form!r}")
        _need(self.unit in UNITS, w, f"unit must be 't' or 'teu', got {self.unit!r}")
        _need(_finite(self.quantity) and self.quantity > 0, w, "quantity must be > 0")
        _need(_finite(self.tonnes) and self.tonnes > 0, w, "tonnes must be > 0")
        if self.unit == "t":
            _need(abs(self.tonnes - self.quantity) < 1e-6, w, "tonnes must equal quantity (t)")
        else:
            _need(float(self.quantity).is_integer(), w, "a TEU quantity must be whole")
            _need(self.form in ("container", "reefer"), w, "TEU lots must be container/reefer")
        _need(self.due_date >= self.ready_date, w, "due_date is before ready_date")


@dataclass(frozen=True, slots=True)
class DeliveryPoint:
    """An urban delivery of a representative day; service starts within the window."""

    id: str
    lat: float
    lon: float
    demand_kg: float
    demand_m3: float
    service_min: float
    window_open: str  # 'HH:MM'
    window_close: str  # 'HH:MM'
    refrigerated: bool
    zone: str
    town: str

    def __post_init__(self) -> None:
        w = f"DeliveryPoint {self.id!r}"
        _need(bool(self.id), w, "id must not be empty")
        _need(
            URBAN_LAT[0] <= self.lat <= URBAN_LAT[1] and URBAN_LON[0] <= self.lon <= URBAN_LON[1],
            w,
            f"({self.lat}, {self.lon}) is outside the Kui-Du-Wu-Hu area",
        )
        _need(_finite(self.demand_kg) and self.demand_kg > 0, w, "demand_kg must be > 0")
        _need(_finite(self.demand_m3) and self.demand_m3 > 0, w, "demand_m3 must be > 0")
        _need(_finite(self.service_min) and self.service_min >= 0, w, "service_min must be >= 0")
        _need(self.town in TOWNS, w, f"unknown town {self.town!r}")
        _need(bool(self.zone), w, "zone must not be empty")
        o, c = self.window_open_min, self.window_close_min  # raises on bad HH:MM
        _need(o < c, w, f"window opens {self.window_open} not before it closes {self.window_close}")

    @property
    def window_open_min(self) -> int:
        return parse_hhmm(self.window_open)

    @property
    def window_close_min(self) -> int:
        return parse_hhmm(self.window_close)


@dataclass(frozen=True, slots=True)
class BulkFlow:
    """A yearly bulk flow for the bulk-to-container planner; ``monthly_share`` sums to 1."""

    id: str
    commodity: str
    origin: str
    destination: str
    annual_t: float
    monthly_share: tuple[float, ...]

    def __post_init__(self) -> None:
        w = f"BulkFlow {self.id!r}"
        _need(bool(self.id), w, "id must not be empty")
        _need(self.commodity in COMMODITIES, w, f"unknown commodity {self.commodity!r}")
        _need(self.origin != self.destination, w, "origin equals destination")
        _need(_finite(self.annual_t) and self.annual_t > 0, w, "annual_t must be > 0")
        _need(len(self.monthly_share) == 12, w, "monthly_share needs 12 values")
        _need(all(_finite(s) and s >= 0 for s in self.monthly_share), w, "shares must be >= 0")
        _need(abs(sum(self.monthly_share) - 1.0) < 1e-3, w, "monthly_share must sum to 1")


@dataclass(frozen=True, slots=True)
class UrbanDepot:
    """A distribution depot of the urban EV fleet at a network node."""

    id: str
    node_id: str
    lat: float
    lon: float
    open: str  # 'HH:MM'
    close: str  # 'HH:MM'
    district: str
    zones: tuple[str, ...]  # delivery zones it serves

    def __post_init__(self) -> None:
        w = f"UrbanDepot {self.id!r}"
        _need(bool(self.id) and bool(self.node_id), w, "id and node_id required")
        _need(-90 <= self.lat <= 90 and -180 <= self.lon <= 180, w, "lat/lon out of range")
        _need(parse_hhmm(self.open) < parse_hhmm(self.close), w, "opens after it closes")
        _need(len(self.zones) > 0, w, "serves no zone")

    @property
    def open_min(self) -> int:
        return parse_hhmm(self.open)

    @property
    def close_min(self) -> int:
        return parse_hhmm(self.close)


@dataclass(frozen=True, slots=True)
class ChargingSiteCandidate:
    """A candidate charging site: up to ``max_plugs`` chargers of ``power_kw`` each."""

    id: str
    lat: float
    lon: float
    town: str
    district: str
    kind: str  # depot | public | heavy_truck
    power_kw: float
    max_plugs: int
    node_id: str  # nearest network node ('' when none)

    def __post_init__(self) -> None:
        w = f"ChargingSiteCandidate {self.id!r}"
        _need(bool(self.id), w, "id must not be empty")
        _need(
            URBAN_LAT[0] <= self.lat <= URBAN_LAT[1] and URBAN_LON[0] <= self.lon <= URBAN_LON[1],
            w,
            f"({self.lat}, {self.lon}) is outside the Kui-Du-Wu-Hu area",
        )
        _need(self.town in TOWNS, w, f"unknown town {self.town!r}")
        _need(self.kind in ("depot", "public", "heavy_truck"), w, f"unknown kind {self.kind!r}")
        _need(_finite(self.power_kw) and self.power_kw > 0, w, "power_kw must be > 0")
        _need(self.max_plugs >= 1, w, "max_plugs must be >= 1")
