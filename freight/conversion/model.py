"""Domain objects of the bulk-to-container (散改集) conversion planner.

One frozen dataclass per concept, validated once at construction; the solver trusts them.
Money is CNY, mass tonnes, time hours/days as the names say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

MONTH_DAYS: tuple[int, ...] = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class Mode(StrEnum):
    """How a flow moves: unchanged bulk by rail, converted to containers, or by road."""

    BULK_RAIL = "bulk_rail"
    CONTAINER_RAIL = "container_rail"
    ROAD = "road"


def _nonneg(owner: str, **values: float) -> None:
    for name, value in values.items():
        if not value >= 0:  # also rejects NaN
            raise ValueError(f"{owner}: {name} must be >= 0, got {value!r}")


def _positive(owner: str, **values: float) -> None:
    for name, value in values.items():
        if not value > 0:
            raise ValueError(f"{owner}: {name} must be > 0, got {value!r}")


@dataclass(frozen=True, slots=True)
class Flow:
    """A yearly bulk flow between two nodes with its monthly seasonality (shares sum to 1)."""

    id: str
    commodity: str
    origin: str
    destination: str
    annual_t: float
    monthly_share: tuple[float, ...]

    def __post_init__(self) -> None:
        owner = f"flow {self.id!r}"
        if not self.id:
            raise ValueError("flow: id must not be empty")
        _positive(owner, annual_t=self.annual_t)
        if len(self.monthly_share) != 12:
            raise ValueError(
                f"{owner}: monthly_share needs 12 values, got {len(self.monthly_share)}"
            )
        if any(not s >= 0 for s in self.monthly_share):
            raise ValueError(f"{owner}: monthly_share values must be >= 0")
        if abs(sum(self.monthly_share) - 1.0) > 1e-3:
            raise ValueError(f"{owner}: monthly_share sums to {sum(self.monthly_share):.4f}, not 1")
        if self.origin == self.destination:
            raise ValueError(f"{owner}: origin equals destination {self.origin!r}")

    def month_t(self, month: int) -> float:
        """Tonnes moved in month ``month`` (0 = January)."""
        return self.annual_t * self.monthly_share[month]


@dataclass(frozen=True, slots=True)
class Commodity:
    """Per-commodity box payload, cargo value, loss rates by mode and allowed modes."""

    name: str
    tonnes_per_teu: float
    value_cny_per_t: float
    bulk_loss_rate: float  # share of tonnes lost in open wagons
    container_loss_rate: float
    road_loss_rate: float
    bulk_rail_allowed: bool = True
    road_allowed: bool = True
    min_converted_share: float = 0.0  # policy floor on tonnes converted to containers

    def __post_init__(self) -> None:
        owner = f"commodity {self.name!r}"
        _positive(owner, tonnes_per_teu=self.tonnes_per_teu)
        _nonneg(owner, value_cny_per_t=self.value_cny_per_t)
        for name in ("bulk_loss_rate", "container_loss_rate", "road_loss_rate"):
            value = getattr(self, name)
            if not 0 <= value < 1:
                raise ValueError(f"{owner}: {name} must be in [0, 1), got {value!r}")
        if not 0 <= self.min_converted_share <= 1:
            raise ValueError(f"{owner}: min_converted_share must be in [0, 1]")


@dataclass(frozen=True, slots=True)
class EquipmentType:
    """A handling machine type (reach stacker, gantry crane): throughput and costs."""

    id: str
    name: str
    throughput_t_per_h: float
    capex_cny: float
    life_years: float
    opex_cny_per_year: float

    def __post_init__(self) -> None:
        owner = f"equipment {self.id!r}"
        _positive(owner, throughput_t_per_h=self.throughput_t_per_h, life_years=self.life_years)
        _nonneg(owner, capex_cny=self.capex_cny, opex_cny_per_year=self.opex_cny_per_year)


@dataclass(frozen=True, slots=True)
class Terminal:
    """A candidate conversion terminal at a network node (station, siding, warehouse)."""

    id: str  # network node id
    hours_per_month: float  # productive equipment hours per month
    max_t_per_month: float  # yard/track limit independent of equipment
    handling_cny_per_t: float  # stuffing + lifts, per tonne converted
    max_units: dict[str, int] = field(default_factory=dict)  # equipment id -> max units

    def __post_init__(self) -> None:
        owner = f"terminal {self.id!r}"
        _positive(owner, hours_per_month=self.hours_per_month)
        _nonneg(owner, max_t_per_month=self.max_t_per_month)
        _nonneg(owner, handling_cny_per_t=self.handling_cny_per_t)
        for eq, n in self.max_units.items():
            if not isinstance(n, int) or n < 0:
                raise ValueError(f"{owner}: max_units.{eq} must be an integer >= 0")


@dataclass(frozen=True, slots=True)
class ContainerPool:
    """Box pool economics and the round-trip cycle that ties boxes up."""

    purchase_cny_per_teu: float
    life_years: float
    maintenance_cny_per_teu_year: float
    lease_cny_per_teu_day: float
    max_owned_teu: int
    max_leased_teu: int
    dwell_days: float  # stuffing, waiting, unloading per round trip
    reserve_share: float  # spare boxes for repair and imbalance

    def __post_init__(self) -> None:
        owner = "pool"
        _positive(owner, life_years=self.life_years)
        _nonneg(
            owner,
            purchase_cny_per_teu=self.purchase_cny_per_teu,
            maintenance_cny_per_teu_year=self.maintenance_cny_per_teu_year,
            lease_cny_per_teu_day=self.lease_cny_per_teu_day,
            max_owned_teu=self.max_owned_teu,
            max_leased_teu=self.max_leased_teu,
            dwell_days=self.dwell_days,
            reserve_share=self.reserve_share,
        )


@dataclass(frozen=True, slots=True)
class ModeRates:
    """Unit cost and CO2 factors of the four movement kinds."""

    bulk_rail_cny_per_tkm: float
    bulk_rail_fixed_cny_per_t: float
    container_rail_cny_per_teu_km: float
    container_rail_fixed_cny_per_teu: float
    empty_return_cny_per_teu_km: float
    road_cny_per_tkm: float
    road_fixed_cny_per_t: float
    drayage_cny_per_tkm: float
    drayage_fixed_cny_per_t: float
    rail_co2_g_per_tkm: float
    road_co2_g_per_tkm: float

    def __post_init__(self) -> None:
        for name in self.__slots__:
            _nonneg("modes", **{name: getattr(self, name)})


@dataclass(frozen=True, slots=True)
class Geometry:
    """Distances: network path km where known, else haversine × detour; speeds for cycles."""

    coords: dict[str, tuple[float, float]]  # node id -> (lat, lon)
    rail_detour: float
    road_detour: float
    rail_km_per_day: float
    road_km_per_day: float
    rail_km: dict[tuple[str, str], float] = field(default_factory=dict)  # network paths
    road_km: dict[tuple[str, str], float] = field(default_factory=dict)
    distance_source: str = "haversine × detour"

    def __post_init__(self) -> None:
        _positive(
            "geometry",
            rail_detour=self.rail_detour,
            road_detour=self.road_detour,
            rail_km_per_day=self.rail_km_per_day,
            road_km_per_day=self.road_km_per_day,
        )


@dataclass(frozen=True)
class Scenario:
    """Everything the planner needs; cross-references checked in ``__post_init__``."""

    flows: tuple[Flow, ...]
    commodities: dict[str, Commodity]
    equipment: tuple[EquipmentType, ...]
    terminals: tuple[Terminal, ...]
    pool: ContainerPool
    modes: ModeRates
    geometry: Geometry
    discount_rate: float = 0.06
    co2_price_cny_per_t: float = 0.0
    source: str = "<memory>"
    flows_source: str = ""

    def __post_init__(self) -> None:
        where = self.source
        if not self.flows:
            raise ValueError(f"{where}: no flows")
        ids = [f.id for f in self.flows]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{where}: duplicate flow ids")
        eq_ids = {e.id for e in self.equipment}
        coords = self.geometry.coords
        for f in self.flows:
            if f.commodity not in self.commodities:
                raise ValueError(f"{where}: flow {f.id!r}: unknown commodity {f.commodity!r}")
            for end in (f.origin, f.destination):
                if end not in coords:
                    raise ValueError(f"{where}: flow {f.id!r}: node {end!r} has no coordinates")
            c = self.commodities[f.commodity]
            if not (c.bulk_rail_allowed or c.road_allowed) and not self.terminals:
                raise ValueError(f"{where}: flow {f.id!r}: no mode allowed")
        t_ids = [t.id for t in self.terminals]
        if len(set(t_ids)) != len(t_ids):
            raise ValueError(f"{where}: duplicate terminal ids")
        for t in self.terminals:
            if t.id not in coords:
                raise ValueError(f"{where}: terminal {t.id!r} has no coordinates")
            for eq in t.max_units:
                if eq not in eq_ids:
                    raise ValueError(f"{where}: terminal {t.id!r}: unknown equipment {eq!r}")
        if not 0 <= self.discount_rate < 1:
            raise ValueError(f"{where}: discount_rate must be in [0, 1)")
        if not self.co2_price_cny_per_t >= 0:
            raise ValueError(f"{where}: co2_price_cny_per_t must be >= 0")

    def annuity_factor(self, life_years: float) -> float:
        """Capital recovery factor: yearly payment per CNY of capex over ``life_years``."""
        r = self.discount_rate
        if r == 0:
            return 1.0 / life_years
        return float(r / (1.0 - (1.0 + r) ** -life_years))


@dataclass(frozen=True, slots=True)
class FlowPlan:
    """The chosen mode (and terminal) of one flow."""

    id: str
    commodity: str
    tonnes: float
    mode: Mode
    terminal: str | None
    cost_cny: float
    co2_t: float
    losses_t: float


@dataclass(frozen=True, slots=True)
class TerminalPlan:
    """Equipment bought at a terminal and how hard it works in the peak month."""

    id: str
    equipment: dict[str, int]
    throughput_t: float  # annual tonnes converted here
    capacity_t_per_month: float
    utilization_peak: float
    cost_cny: float  # equipment annuity + opex


@dataclass(frozen=True)
class ConversionPlan:
    """The planner's answer: flows, terminals, pool, cost split, KPIs, solver status."""

    status: str  # optimal | feasible
    objective_cny: float
    bound_cny: float
    gap: float
    flows: tuple[FlowPlan, ...]
    terminals: tuple[TerminalPlan, ...]
    containers_teu: int
    owned_teu: int
    leased_teu: int
    pool_cost_cny: float
    kpis: dict[str, float]
    baselines: dict[str, float | None]
    wall_s: float
    distance_source: str = ""
    flows_source: str = ""

    def to_json(self) -> dict[str, object]:
        """The conversion plan's JSON answer."""
        return {
            "status": self.status,
            "objective_cny": round(self.objective_cny, 2),
            "bound_cny": round(self.bound_cny, 2),
            "gap": self.gap,
            "flows": [
                {
                    "id": f.id,
                    "commodity": f.commodity,
                    "tonnes": f.tonnes,
                    "mode": f.mode.value,
                    "terminal": f.terminal,
                    "cost_cny": round(f.cost_cny, 2),
                }
                for f in self.flows
            ],
            "terminals": [
                {
                    "id": t.id,
                    "equipment": t.equipment,
                    "throughput_t": round(t.throughput_t, 1),
                    "utilization_peak": round(t.utilization_peak, 4),
                    "cost_cny": round(t.cost_cny, 2),
                }
                for t in self.terminals
            ],
            "containers_teu": self.containers_teu,
            "pool": {
                "owned_teu": self.owned_teu,
                "leased_teu": self.leased_teu,
                "cost_cny": round(self.pool_cost_cny, 2),
            },
            "kpis": self.kpis,
            "baselines": self.baselines,
            "wall_s": round(self.wall_s, 3),
            "distances": self.distance_source,
            "flows_source": self.flows_source,
        }
