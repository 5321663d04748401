"""Domain of the heavy-truck planner: truck types, station costs, candidate sites, scenario.

Loaded from ``networks/kuytun/trucks.toml`` (sources in ``SOURCES-trucks.md``); every value
is validated once here, with messages naming the TOML key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from freight.errors import DataError, FieldIssue, InputError
from freight.paths import network_dir
from freight.trucks.lanes import Lane

ELECTRIC = ("bev_swap", "bev_plugin")
POWERTRAINS = ("bev_swap", "bev_plugin", "lng", "diesel")


def _check(cond: bool, loc: str, why: str) -> None:
    if not cond:
        raise InputError(f"{loc}: {why}", issues=[FieldIssue(loc, why)])


def crf(rate: float, years: int) -> float:
    """Capital recovery factor: the yearly annuity of 1 CNY spent now over ``years``."""
    if rate == 0:
        return 1.0 / years
    return rate * (1 + rate) ** years / ((1 + rate) ** years - 1)


@dataclass(frozen=True, slots=True)
class TruckType:
    """A heavy-truck type; electric types carry battery and energy data, ICE types fuel."""

    id: str
    powertrain: str
    payload_t: float
    price_cny: float
    maintenance_cny_per_km: float
    life_years: int
    winter_penalty: float
    battery_kwh: float = 0.0
    usable_share: float = 0.0
    kwh_per_km_loaded: float = 0.0
    kwh_per_km_empty: float = 0.0
    swap_min: float = 0.0
    charge_kw: float = 0.0
    fuel_per_km_loaded: float = 0.0  # L diesel or kg LNG
    fuel_per_km_empty: float = 0.0

    def __post_init__(self) -> None:
        loc = f"trucks.{self.id}"
        _check(self.powertrain in POWERTRAINS, f"{loc}.powertrain", f"one of {POWERTRAINS}")
        for name in ("payload_t", "price_cny", "life_years"):
            _check(getattr(self, name) > 0, f"{loc}.{name}", "must be > 0")
        _check(self.maintenance_cny_per_km >= 0, f"{loc}.maintenance_cny_per_km", "must be >= 0")
        _check(0 <= self.winter_penalty < 2, f"{loc}.winter_penalty", "must be in [0, 2)")
        if self.electric:
            for name in ("battery_kwh", "kwh_per_km_loaded", "kwh_per_km_empty"):
                _check(getattr(self, name) > 0, f"{loc}.{name}", "must be > 0")
            _check(0 < self.usable_share <= 1, f"{loc}.usable_share", "must be in (0, 1]")
            if self.powertrain == "bev_swap":
                _check(self.swap_min > 0, f"{loc}.swap_min", "must be > 0 for a swap truck")
            else:
                _check(self.charge_kw > 0, f"{loc}.charge_kw", "must be > 0 for a plug-in truck")
        else:
            for name in ("fuel_per_km_loaded", "fuel_per_km_empty"):
                _check(getattr(self, name) > 0, f"{loc}.{name}", "must be > 0")

    @property
    def electric(self) -> bool:
        return self.powertrain in ELECTRIC

    @property
    def usable_kwh(self) -> float:
        return self.battery_kwh * self.usable_share

    def kwh_per_km(self, loaded: bool, winter: bool = True) -> float:
        base = self.kwh_per_km_loaded if loaded else self.kwh_per_km_empty
        return base * (1 + self.winter_penalty) if winter else base

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "powertrain": self.powertrain,
            "payload_t": self.payload_t,
            "battery_kwh": self.battery_kwh,
            "usable_share": self.usable_share,
            "kwh_per_km_loaded": self.kwh_per_km_loaded,
            "kwh_per_km_empty": self.kwh_per_km_empty,
            "winter_penalty": self.winter_penalty,
            "swap_min": self.swap_min,
            "charge_kw": self.charge_kw,
            "price_cny": self.price_cny,
            "maintenance_cny_per_km": self.maintenance_cny_per_km,
        }


@dataclass(frozen=True, slots=True)
class StationCosts:
    """Capital cost and life of swap and charge stations."""

    swap_site_cny: float
    swap_bay_cny: float
    battery_cny_per_kwh: float
    battery_charger_kw: float
    charge_site_cny: float
    charger_cny: float
    charger_kw: float
    life_years: int
    battery_life_years: int

    def __post_init__(self) -> None:
        for name in self.__slots__:
            _check(getattr(self, name) > 0, f"stations.{name}", "must be > 0")


@dataclass(frozen=True, slots=True)
class General:
    """Operations, money, fuels and grid."""

    operating_days_per_year: float
    discount_rate: float
    speed_kmh: float
    handling_h_per_trip: float
    truck_hours_per_day: float
    window_start_h: int
    window_end_h: int
    driver_cny_per_truck_day: float
    grid_co2_kg_per_kwh: float
    station_om_share: float
    access_road_factor: float
    dispatch_weights: tuple[float, ...]
    tariff_cny_per_kwh: tuple[float, ...]  # 24 hourly prices
    diesel_cny_per_l: float
    diesel_co2_kg_per_l: float
    lng_cny_per_kg: float
    lng_co2_kg_per_kg: float

    def __post_init__(self) -> None:
        for name in ("operating_days_per_year", "speed_kmh", "truck_hours_per_day",
                     "access_road_factor", "diesel_cny_per_l", "lng_cny_per_kg"):  # fmt: skip
            _check(getattr(self, name) > 0, f"general.{name}", "must be > 0")
        _check(0 <= self.window_start_h < self.window_end_h <= 24, "general.window_end_h",
               "window must be 0 <= start < end <= 24")  # fmt: skip
        n = self.window_end_h - self.window_start_h
        _check(len(self.dispatch_weights) == n, "general.dispatch_weights",
               f"needs {n} values (one per hour of the window)")  # fmt: skip
        _check(all(w >= 0 for w in self.dispatch_weights) and sum(self.dispatch_weights) > 0,
               "general.dispatch_weights", "must be >= 0 with a positive sum")  # fmt: skip
        _check(len(self.tariff_cny_per_kwh) == 24, "general.tariff", "must cover 24 hours")

    def dispatch_share(self) -> tuple[float, ...]:
        """Share of the day's departures in each hour 0..23."""
        total = sum(self.dispatch_weights)
        out = [0.0] * 24
        for k, w in enumerate(self.dispatch_weights):
            out[self.window_start_h + k] = w / total
        return tuple(out)

    def fuel_price(self, powertrain: str) -> float:
        return self.diesel_cny_per_l if powertrain == "diesel" else self.lng_cny_per_kg

    def fuel_co2(self, powertrain: str) -> float:
        return self.diesel_co2_kg_per_l if powertrain == "diesel" else self.lng_co2_kg_per_kg


@dataclass(frozen=True, slots=True)
class Site:
    """A candidate station site at a road node; ``access_km`` is one way from the node."""

    id: str
    node: str
    access_km: float = 0.0
    source: str = ""

    def __post_init__(self) -> None:
        _check(bool(self.id) and bool(self.node), f"sites[{self.id}]", "id and node required")
        _check(self.access_km >= 0, f"sites[{self.id}].access_km", "must be >= 0")


@dataclass(frozen=True, slots=True)
class Existing:
    """A station already built (earlier year): the plan may grow it, never shrink it."""

    site: str
    kind: str  # swap | charge
    bays: int = 0
    chargers: int = 0
    batteries: int = 0


@dataclass(frozen=True, slots=True)
class Scenario:
    """Everything one year's plan needs."""

    year: int
    lanes: tuple[Lane, ...]
    trucks: tuple[TruckType, ...]
    sites: tuple[Site, ...]
    general: General
    stations: StationCosts
    baseline: str = "diesel"
    target_tkm_share: float = 0.0
    budget_cny: float | None = None  # capital for new station capacity
    existing: tuple[Existing, ...] = field(default=())
    # (road node, site id, road km one way from the node to the site's node): the sites a
    # truck may leave its path for; a site is always reachable from its own node (0 km)
    reach: tuple[tuple[str, str, float], ...] = field(default=())
    # (lane id, truck type) electrified in an earlier year: the trucks bought stay on the
    # lane (the lane keeps that type while it has a feasible station set for it)
    kept_lanes: tuple[tuple[str, str], ...] = field(default=())

    def __post_init__(self) -> None:
        ids = {t.id for t in self.trucks}
        _check(self.baseline in ids, "baseline", f"unknown truck type {self.baseline!r}")
        _check(0 <= self.target_tkm_share <= 1, "target_tkm_share", "must be in [0, 1]")
        if self.budget_cny is not None:
            _check(self.budget_cny >= 0, "budget_cny", "must be >= 0")
        site_ids = [s.id for s in self.sites]
        _check(len(site_ids) == len(set(site_ids)), "sites", "duplicate site id")
        for k, (_, sid, km) in enumerate(self.reach):
            _check(sid in site_ids and km >= 0, f"reach[{k}]", f"unknown site {sid!r} or km < 0")
        for k, e in enumerate(self.existing):
            _check(e.site in site_ids, f"existing[{k}].site", f"unknown site {e.site!r}")
            _check(e.kind in ("swap", "charge"), f"existing[{k}].kind", "swap or charge")

    def detours(self) -> dict[str, list[tuple[Site, float]]]:
        """Road node -> (site, one-way km from the node to the site, access included)."""
        sites = {s.id: s for s in self.sites}
        out: dict[str, dict[str, float]] = {}
        for s in self.sites:
            out.setdefault(s.node, {})[s.id] = s.access_km
        for node, sid, km in self.reach:
            cur = out.setdefault(node, {})
            cur[sid] = min(cur.get(sid, float("inf")), km + sites[sid].access_km)
        return {n: [(sites[s], km) for s, km in sorted(d.items())] for n, d in out.items()}

    def truck(self, type_id: str) -> TruckType:
        for t in self.trucks:
            if t.id == type_id:
                return t
        raise InputError(
            f"unknown truck type {type_id!r}", issues=[FieldIssue("truck_type", type_id)]
        )


def parse_tariff(rows: list[Any], loc: str = "general.tariff") -> tuple[float, ...]:
    """``[[start, end, price], ...]`` covering the day exactly once -> 24 hourly prices."""
    hours: list[float | None] = [None] * 24
    for k, row in enumerate(rows):
        try:
            a, b, price = int(str(row[0])[:2]), int(str(row[1])[:2]), float(row[2])
        except (TypeError, ValueError, IndexError):
            raise DataError(f"{loc}[{k}]: expected [HH:MM, HH:MM, price]") from None
        for h in range(a, b):
            if hours[h] is not None:
                raise DataError(f"{loc}[{k}]: hour {h} covered twice")
            hours[h] = price
    if any(h is None for h in hours):
        raise DataError(f"{loc}: the day is not covered")
    return tuple(float(h) for h in hours if h is not None)


def default_toml() -> Path:
    return network_dir() / "trucks.toml"


def load_config(path: Path | None = None) -> dict[str, Any]:
    p = path or default_toml()
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{p.name}: {exc}") from None
