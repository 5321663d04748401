"""Domain objects of the multimodal network: one frozen dataclass per concept.

Each object checks its own ranges at construction (``__post_init__``) and raises
``ValueError`` with the field named; the loader turns that into a ``DataError`` that also
names the file and row. Cross-references (link ends, service routes) are checked once by
``Network`` construction in ``freight.network.loader``. After that, solvers trust the data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum


class CargoForm(StrEnum):
    """How the cargo is packed; decides which terminals and vehicles may handle it."""

    CONTAINER = "container"
    BULK = "bulk"
    GENERAL = "general"
    HAZMAT = "hazmat"
    REEFER = "reefer"


class NodeKind(StrEnum):
    FREIGHT_STATION = "freight_station"  # rail freight station (Kuytun, West, East, River)
    HAZMAT_STATION = "hazmat_station"  # dangerous-goods rail station
    PASSENGER_STATION = "passenger_station"  # high-speed passenger hub: rejects freight
    SIDING = "siding"  # railway siding (专用线) of a plant or warehouse
    TRANSIT_WAREHOUSE = "transit_warehouse"  # 中转库
    LOGISTICS_HUB = "logistics_hub"  # special-service logistics hub
    BONDED_CENTER = "bonded_center"  # Kuytun Bonded Logistics Center
    INDUSTRIAL_PARK = "industrial_park"  # ETDZ zones, Kuidong park: origins/destinations
    AIRPORT = "airport"
    CITY = "city"  # external city node (Urumqi, Karamay, ...)
    BORDER_PORT = "border_port"  # Alashankou, Horgos, Baketu
    RAIL_GATEWAY = "rail_gateway"  # inland China gateway of China–Europe services
    FOREIGN_DESTINATION = "foreign_destination"  # beyond a border port
    JUNCTION = "junction"  # road/rail junction with no handling


class LinkMode(StrEnum):
    RAIL = "rail"
    ROAD_EXPRESSWAY = "road_expressway"
    ROAD_NATIONAL = "road_national"
    ROAD_URBAN = "road_urban"
    SIDING = "siding"

    @property
    def is_road(self) -> bool:
        return self in (LinkMode.ROAD_EXPRESSWAY, LinkMode.ROAD_NATIONAL, LinkMode.ROAD_URBAN)

    @property
    def is_rail(self) -> bool:
        return self in (LinkMode.RAIL, LinkMode.SIDING)


@dataclass(frozen=True, slots=True)
class Handling:
    """Transshipment capability of a node (rail<->road transfer and storage)."""

    forms: frozenset[CargoForm]
    cost_cny_per_t: float  # transfer cost for non-container cargo
    cost_cny_per_teu: float  # transfer cost per container lift pair (off + on)
    hours: float  # terminal handling time per transfer
    capacity_t_per_day: float  # daily handling capacity, tonnes (0 = no handling)
    capacity_teu_per_day: float  # daily container capacity, TEU

    def __post_init__(self) -> None:
        for name in ("cost_cny_per_t", "cost_cny_per_teu", "hours"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        for name in ("capacity_t_per_day", "capacity_teu_per_day"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")

    def handles(self, form: CargoForm) -> bool:
        return form in self.forms


@dataclass(frozen=True, slots=True)
class Node:
    """A place in the network: station, siding, hub, park, city, port."""

    id: str
    name_en: str
    name_zh: str
    lat: float
    lon: float
    kind: NodeKind
    handling: Handling
    accepts_freight: bool = True
    rail_access: bool = False  # can load/unload trains here
    station_class: str = ""  # railway station class, e.g. "2nd"
    role: str = ""  # freight role in the plan (free text)
    district: str = ""  # urban district or region
    source: str = ""  # key into SOURCES.md
    region: str = "xinjiang"  # xinjiang | inland (China outside Xinjiang) | abroad

    def __post_init__(self) -> None:
        if not self.id or self.id != self.id.strip().lower() or " " in self.id:
            raise ValueError(f"id {self.id!r} must be a non-empty lowercase token")
        if not -90 <= self.lat <= 90 or not -180 <= self.lon <= 180:
            raise ValueError(f"coordinates ({self.lat}, {self.lon}) are not WGS84")


@dataclass(frozen=True, slots=True)
class TimeBan:
    """Heavy trucks may not enter a link between ``start_min`` and ``end_min`` (daily).

    Minutes after midnight; ``start_min > end_min`` wraps over midnight.
    """

    start_min: int
    end_min: int

    def __post_init__(self) -> None:
        for name in ("start_min", "end_min"):
            v = getattr(self, name)
            if not 0 <= v <= 1440:
                raise ValueError(f"{name} must be within 0..1440 minutes, got {v}")

    def covers(self, minute_of_day: float) -> bool:
        m = minute_of_day % 1440
        if self.start_min <= self.end_min:
            return self.start_min <= m < self.end_min
        return m >= self.start_min or m < self.end_min


@dataclass(frozen=True, slots=True)
class Link:
    """A rail or road link between two nodes (both directions unless ``oneway``)."""

    id: str
    source: str
    target: str
    mode: LinkMode
    length_km: float
    speed_kmh: float
    capacity_per_day: float  # trains/day for rail and sidings, trucks/day for road
    corridor: str = ""
    hazmat: bool = False
    truck_bans: tuple[TimeBan, ...] = ()
    oneway: bool = False
    geometry: tuple[tuple[float, float], ...] = ()  # (lon, lat) vertices incl. ends
    ref: str = ""  # key into SOURCES.md

    def __post_init__(self) -> None:
        if self.length_km <= 0:
            raise ValueError(f"length_km must be > 0, got {self.length_km}")
        if self.speed_kmh <= 0:
            raise ValueError(f"speed_kmh must be > 0, got {self.speed_kmh}")
        if self.capacity_per_day <= 0:
            raise ValueError(f"capacity_per_day must be > 0, got {self.capacity_per_day}")
        if self.source == self.target:
            raise ValueError(f"link joins {self.source!r} to itself")

    @property
    def hours(self) -> float:
        return self.length_km / self.speed_kmh


@dataclass(frozen=True, slots=True)
class RailService:
    """A scheduled train: station sequence, weekdays, departure, timing and capacity."""

    id: str
    name: str
    route: tuple[str, ...]  # node ids in calling order
    weekdays: frozenset[int]  # 0 = Monday ... 6 = Sunday
    depart_min: int  # departure from route[0], minutes after midnight
    offsets_h: tuple[float, ...]  # arrival offset at each route stop, hours; [0] == 0
    capacity_teu: float
    capacity_t: float
    forms: frozenset[CargoForm]
    kind: str = "regional"  # regional | block | china_europe | hazmat | piggyback
    ref: str = ""
    #: road semitrailers per run (piggyback trains, 驮背); 0 for every other kind
    capacity_trailers: float = 0.0

    def __post_init__(self) -> None:
        if len(self.route) < 2:
            raise ValueError("route must name at least two stations")
        if len(self.offsets_h) != len(self.route):
            raise ValueError(
                f"offsets_h has {len(self.offsets_h)} values for {len(self.route)} stops"
            )
        if self.offsets_h[0] != 0 or any(
            b <= a for a, b in zip(self.offsets_h, self.offsets_h[1:], strict=False)
        ):
            raise ValueError("offsets_h must start at 0 and increase strictly")
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("weekdays must be a non-empty subset of 0..6")
        if not 0 <= self.depart_min < 1440:
            raise ValueError(f"depart_min must be within 0..1439, got {self.depart_min}")
        if self.capacity_teu < 0 or self.capacity_t < 0 or self.capacity_trailers < 0:
            raise ValueError("capacities must be >= 0")
        if (self.kind == "piggyback") != (self.capacity_trailers > 0):
            raise ValueError("a piggyback service (and only one) needs capacity_trailers > 0")

    @property
    def is_piggyback(self) -> bool:
        """Carries road semitrailers on wagons (驮背), not loose cargo or containers."""
        return self.kind == "piggyback"

    @property
    def transit_hours(self) -> float:
        return self.offsets_h[-1]


@dataclass(frozen=True, slots=True)
class ModeCost:
    """Unit cost and emissions of moving cargo of one form by one mode."""

    cost_cny_per_tkm: float
    cost_cny_per_teu_km: float
    fixed_cny_per_t: float  # per-shipment terminal/dispatch charge (rail base 1)
    fixed_cny_per_teu: float
    co2_g_per_tkm: float

    def __post_init__(self) -> None:
        for name in (
            "cost_cny_per_tkm",
            "cost_cny_per_teu_km",
            "fixed_cny_per_t",
            "fixed_cny_per_teu",
            "co2_g_per_tkm",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")


PIGGYBACK_RAMP = "piggyback_ramp"
DROP_AND_HOOK = "drop_and_hook"
TERMINAL_OPTIONS = (PIGGYBACK_RAMP, DROP_AND_HOOK)


@dataclass(frozen=True, slots=True)
class TerminalOption:
    """A trailer option of a terminal, valid from ``from_year`` until before ``to_year``.

    ``piggyback_ramp`` (驮背): road semitrailers roll on/off piggyback trains here; ``hours``
    is one roll-on or roll-off, ``cost_cny_per_trailer`` its charge. ``drop_and_hook`` (甩挂):
    road<->rail transfers may swap the semitrailer instead of the tractor waiting;
    ``hours`` is the time that takes off the node's handling time, ``cost_cny_per_trailer``
    the swap fee (trailer pool, yard). ``forms``: cargo forms the option takes.
    """

    node: str
    option: str
    hours: float
    cost_cny_per_trailer: float
    capacity_trailers_per_day: float
    forms: frozenset[CargoForm]
    from_year: int | None = None
    to_year: int | None = None  # exclusive
    source: str = ""

    def __post_init__(self) -> None:
        if self.option not in TERMINAL_OPTIONS:
            raise ValueError(f"option {self.option!r} unknown")
        if self.hours < 0 or self.cost_cny_per_trailer < 0:
            raise ValueError("hours and cost_cny_per_trailer must be >= 0")
        if self.capacity_trailers_per_day <= 0:
            raise ValueError("capacity_trailers_per_day must be > 0")
        if (
            self.from_year is not None
            and self.to_year is not None
            and self.to_year <= self.from_year
        ):
            raise ValueError(f"to_year {self.to_year} must be after from_year {self.from_year}")

    def in_year(self, year: int) -> bool:
        return (self.from_year is None or year >= self.from_year) and (
            self.to_year is None or year < self.to_year
        )


@dataclass(frozen=True, slots=True)
class TrailerCosts:
    """Unit costs of moving cargo in road semitrailers: piggyback tariff and drop-and-hook.

    The piggyback rail tariff is per trailer (the wagon carries the trailer's tare too);
    ``tractor_fixed_share_saved`` is the share of a road leg's fixed charge (the tractor's
    time at loading and unloading) that a drop-and-hook transfer saves.
    """

    trailer_payload_t: float
    trailer_tare_t: float
    teu_per_trailer: float
    cost_cny_per_trailer_km: float
    fixed_cny_per_trailer: float
    co2_g_per_trailer_km: float
    tractor_fixed_share_saved: float

    def __post_init__(self) -> None:
        for name in ("trailer_payload_t", "teu_per_trailer"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0")
        for name in (
            "trailer_tare_t", "cost_cny_per_trailer_km", "fixed_cny_per_trailer",
            "co2_g_per_trailer_km",
        ):  # fmt: skip
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        if not 0 <= self.tractor_fixed_share_saved <= 1:
            raise ValueError("tractor_fixed_share_saved must be within 0..1")

    def trailers(self, tonnes: float, teu: float, container: bool) -> int:
        """Semitrailers a consignment fills (tonnes, and TEU for containers on chassis)."""
        n = math.ceil(tonnes / self.trailer_payload_t - 1e-9)
        if container:
            n = max(n, math.ceil(teu / self.teu_per_trailer - 1e-9))
        return max(n, 1)


@dataclass(frozen=True)
class CostModel:
    """Default unit costs and emission factors, keyed by (mode family, cargo form).

    Mode family is ``"rail"`` or ``"road"``. ``tonnes_per_teu`` converts TEU to tonnes
    per commodity (``"default"`` key required).
    """

    modes: dict[tuple[str, CargoForm], ModeCost]
    tonnes_per_teu: dict[str, float]
    transfer_co2_kg_per_t: float = 0.0
    road_truck_payload_t: float = 25.0
    train_payload_t: float = 3000.0
    train_capacity_teu: float = 100.0
    #: piggyback and drop-and-hook costs; None = the network has neither
    trailer: TrailerCosts | None = None

    def mode_cost(self, family: str, form: CargoForm) -> ModeCost:
        return self.modes[(family, form)]

    def teu_to_t(self, commodity: str) -> float:
        return self.tonnes_per_teu.get(commodity, self.tonnes_per_teu["default"])


@dataclass(frozen=True)
class Network:
    """The validated network: nodes, links, services and costs (see ``loader``)."""

    nodes: dict[str, Node]
    links: dict[str, Link]
    services: dict[str, RailService]
    costs: CostModel
    name: str = "kuytun"
    meta: dict[str, str] = field(default_factory=dict)
    #: trailer options of terminals (piggyback ramps, drop-and-hook), each with its years
    options: tuple[TerminalOption, ...] = ()

    def option(self, node_id: str, option: str) -> TerminalOption | None:
        """The ``option`` of ``node_id`` (the first row, in file order), or None."""
        for o in self.options:
            if o.node == node_id and o.option == option:
                return o
        return None

    def node(self, node_id: str) -> Node:
        from freight.errors import NotFoundError

        try:
            return self.nodes[node_id]
        except KeyError:
            raise NotFoundError(f"unknown node id {node_id!r}") from None
