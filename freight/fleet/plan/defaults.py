"""Cited defaults of the fleet planner, read from ``networks/kuytun/fleet_defaults.toml``.

Every value is cited or a stated assumption in ``networks/kuytun/SOURCES-fleet.md``.
A bad file raises :class:`~freight.errors.DataError` naming the file and the key.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from freight.errors import DataError
from freight.units import parse_hhmm

DEFAULTS_PATH = Path(__file__).resolve().parents[3] / "networks" / "kuytun" / "fleet_defaults.toml"


@dataclass(frozen=True, slots=True)
class VehicleSpec:
    """A vehicle type the planner may buy (per-season consumption, costs)."""

    id: str
    powertrain: str  # "bev" | "phev"
    refrigerated: bool
    battery_kwh: float
    min_soc_kwh: float
    kwh_per_km_summer: float
    kwh_per_km_winter: float
    kwh_per_km_per_tonne: float
    capacity_kg: float
    capacity_m3: float
    ac_max_kw: float
    dc_max_kw: float
    price_cny: float
    life_years: int
    maintenance_cny_per_km: float
    driver_cny_per_day: float
    driver_cny_per_hour: float
    l_per_100km: float = 0.0

    def kwh_per_km(self, day: str) -> float:
        return self.kwh_per_km_winter if day == "winter" else self.kwh_per_km_summer

    def max_charge_kw(self, charger_kw: float, kind: str) -> float:
        return min(charger_kw, self.ac_max_kw if kind == "ac" else self.dc_max_kw)


@dataclass(frozen=True, slots=True)
class ChargerClass:
    power_kw: float
    kind: str  # "ac" | "dc"
    capex_cny: float


@dataclass(frozen=True, slots=True)
class FleetDefaults:
    operating_days_per_year: int
    winter_days_per_year: int
    summer_days_per_year: int
    discount_rate: float
    reserve_share: float
    min_refrigerated_share: float
    max_vehicles_per_charger: int
    additional_new_energy_vehicles: int  # the plan's 新增 vehicles by target_year
    target_year: int
    baseline_year: int
    baseline_new_energy_vehicles: int  # the new-energy fleet in baseline_year
    road_factor: float
    speed_kmh: float
    shift_start_min: int
    shift_end_min: int
    fuel_cny_per_l: float
    tariff: tuple[tuple[int, int, float], ...]
    vehicles: tuple[VehicleSpec, ...]
    chargers: tuple[ChargerClass, ...]
    charger_life_years: int
    charger_om_share: float

    def vehicle(self, type_id: str) -> VehicleSpec:
        for v in self.vehicles:
            if v.id == type_id:
                return v
        raise KeyError(type_id)

    def charger(self, power_kw: float) -> ChargerClass:
        for c in self.chargers:
            if abs(c.power_kw - power_kw) < 1e-9:
                return c
        raise KeyError(power_kw)

    def charger_powers(self) -> tuple[float, ...]:
        return tuple(c.power_kw for c in self.chargers)

    def mean_tariff(self) -> float:
        """Time-weighted mean price (CNY/kWh), for energy bought en route or by day."""
        return sum((b - a) * p for a, b, p in self.tariff) / 1440.0


def capital_recovery_factor(rate: float, years: int) -> float:
    """Annuity factor: yearly payment per CNY of capital over ``years`` at ``rate``."""
    if rate == 0:
        return 1.0 / years
    return rate * (1 + rate) ** years / ((1 + rate) ** years - 1)


def _get(d: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in d:
        raise DataError(f"{DEFAULTS_PATH.name}: {where}.{key} is missing")
    v = d[key]
    if kind is float and isinstance(v, int) and not isinstance(v, bool):
        v = float(v)
    if not isinstance(v, kind) or (isinstance(v, float) and not math.isfinite(v)):
        raise DataError(f"{DEFAULTS_PATH.name}: {where}.{key} must be {kind.__name__}, got {v!r}")
    return v


@lru_cache(maxsize=4)
def load_fleet_defaults(path: Path | None = None) -> FleetDefaults:
    """Parse the defaults file (cached)."""
    p = path or DEFAULTS_PATH
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{p}: cannot read fleet defaults ({exc})") from None
    g = raw.get("general", {})
    tariff = _tariff(p, g)
    vehicles = [_vehicle(p, vid, v) for vid, v in raw.get("vehicles", {}).items()]
    chargers = []
    for k, c in enumerate(raw.get("chargers", [])):
        w = f"chargers[{k}]"
        chargers.append(
            ChargerClass(
                _get(c, "power_kw", float, w),
                _get(c, "kind", str, w),
                _get(c, "capex_cny", float, w),
            )
        )
    cc = raw.get("charger_costs", {})
    if not vehicles or not chargers:
        raise DataError(f"{p.name}: needs [vehicles.*] and [[chargers]] entries")
    return FleetDefaults(
        operating_days_per_year=_get(g, "operating_days_per_year", int, "general"),
        winter_days_per_year=_get(g, "winter_days_per_year", int, "general"),
        summer_days_per_year=_get(g, "summer_days_per_year", int, "general"),
        discount_rate=_get(g, "discount_rate", float, "general"),
        reserve_share=_get(g, "reserve_share", float, "general"),
        min_refrigerated_share=_get(g, "min_refrigerated_share", float, "general"),
        max_vehicles_per_charger=_get(g, "max_vehicles_per_charger", int, "general"),
        additional_new_energy_vehicles=_get(g, "additional_new_energy_vehicles", int, "general"),
        target_year=_get(g, "target_year", int, "general"),
        baseline_year=_get(g, "baseline_year", int, "general"),
        baseline_new_energy_vehicles=_get(g, "baseline_new_energy_vehicles", int, "general"),
        road_factor=_get(g, "road_factor", float, "general"),
        speed_kmh=_get(g, "speed_kmh", float, "general"),
        shift_start_min=parse_hhmm(_get(g, "shift_start", str, "general")),
        shift_end_min=parse_hhmm(_get(g, "shift_end", str, "general")),
        fuel_cny_per_l=_get(g, "fuel_cny_per_l", float, "general"),
        tariff=tuple(tariff),
        vehicles=tuple(vehicles),
        chargers=tuple(sorted(chargers, key=lambda c: c.power_kw)),
        charger_life_years=_get(cc, "life_years", int, "charger_costs"),
        charger_om_share=_get(cc, "om_share_per_year", float, "charger_costs"),
    )


def _tariff(p: Path, g: dict[str, Any]) -> list[tuple[int, int, float]]:
    """``general.tariff``: [HH:MM, HH:MM, CNY/kWh] rows (``24:00`` ends the day)."""
    tariff = []
    for k, row in enumerate(_get(g, "tariff", list, "general")):
        try:
            a, b, price = row
            end = 1440 if b == "24:00" else parse_hhmm(b)
            tariff.append((parse_hhmm(a), end, float(price)))
        except (ValueError, TypeError):
            raise DataError(
                f"{p.name}: general.tariff[{k}] must be [HH:MM, HH:MM, price]"
            ) from None
    return tariff


_VEHICLE_NUMBERS = (
    "battery_kwh",
    "min_soc_kwh",
    "kwh_per_km_summer",
    "kwh_per_km_winter",
    "kwh_per_km_per_tonne",
    "capacity_kg",
    "capacity_m3",
    "ac_max_kw",
    "dc_max_kw",
    "price_cny",
    "maintenance_cny_per_km",
    "driver_cny_per_day",
    "driver_cny_per_hour",
)


def _vehicle(p: Path, vid: str, v: dict[str, Any]) -> VehicleSpec:
    """``[vehicles.<id>]``: powertrain, refrigeration and the cited numbers."""
    w = f"vehicles.{vid}"
    pt = _get(v, "powertrain", str, w)
    if pt not in ("bev", "phev"):
        raise DataError(f"{p.name}: {w}.powertrain must be bev or phev, got {pt!r}")
    return VehicleSpec(
        id=vid,
        powertrain=pt,
        refrigerated=_get(v, "refrigerated", bool, w),
        **{k: _get(v, k, float, w) for k in _VEHICLE_NUMBERS},
        life_years=_get(v, "life_years", int, w),
        l_per_100km=float(v.get("l_per_100km", 0.0)),
    )
