"""Typed results of the heavy-truck planner (``to_dict`` = the JSON contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class StationPlan:
    id: str  # "<site>:<kind>"
    site: str
    node: str
    kind: str  # swap | charge
    bays: int
    chargers: int
    batteries: int
    peak_kw: float
    energy_kwh_day: float
    capex_cny: float
    peak_hour: int
    peak_events_per_hour: float
    new: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "site": self.site, "node": self.node, "kind": self.kind,
            "bays": self.bays, "chargers": self.chargers, "batteries": self.batteries,
            "peak_kw": round(self.peak_kw, 1), "energy_kwh_day": round(self.energy_kwh_day, 1),
            "capex_cny": round(self.capex_cny, 0), "peak_hour": self.peak_hour,
            "peak_events_per_hour": round(self.peak_events_per_hour, 3), "new": self.new,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class EnergyStop:
    station: str
    node: str  # the path node where the truck leaves its path for the station
    leg: str  # loaded | empty
    km: float  # from the origin along the round trip
    access_km: float  # one way, path node -> station
    kwh: float  # winter energy refilled per round trip

    def to_dict(self) -> dict[str, Any]:
        return {"station": self.station, "node": self.node, "leg": self.leg,
                "km": round(self.km, 3), "access_km": round(self.access_km, 3),
                "kwh": round(self.kwh, 2)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class LanePlan:
    id: str
    origin: str
    destination: str
    path: tuple[str, ...]
    distance_km: float
    tonnes_year: float
    electrified: bool
    truck_type: str
    trucks: int
    trips_day: float
    via_stations: tuple[str, ...]
    energy_points: tuple[EnergyStop, ...]
    cost_cny_year: float
    co2_t_year: float
    tkm_year: float
    commodities: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "origin": self.origin, "destination": self.destination,
            "path": list(self.path), "distance_km": round(self.distance_km, 2),
            "tonnes_year": round(self.tonnes_year, 1), "electrified": self.electrified,
            "truck_type": self.truck_type, "trucks": self.trucks,
            "trips_day": round(self.trips_day, 3), "via_stations": list(self.via_stations),
            "energy_points": [p.to_dict() for p in self.energy_points],
            "cost_cny_year": round(self.cost_cny_year, 0),
            "co2_t_year": round(self.co2_t_year, 2),
            "tonnes_by_commodity": {c: round(t, 1) for c, t in self.commodities},
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class TruckPlan:
    """One year's plan: stations, lanes, truck types, KPIs, solver status."""

    kind: str
    year: int
    status: str  # optimal | feasible
    gap: float
    objective_cny_year: float
    bound_cny_year: float
    stations: tuple[StationPlan, ...]
    lanes: tuple[LanePlan, ...]
    truck_types: tuple[dict[str, Any], ...]
    kpis: dict[str, float]
    fleet: dict[str, int]
    inputs: dict[str, Any]
    wall_s: float
    options: int
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "year": self.year,
            "status": self.status,
            "gap": round(self.gap, 6),
            "objective_cny_year": round(self.objective_cny_year, 0),
            "bound_cny_year": round(self.bound_cny_year, 0),
            "stations": [s.to_dict() for s in self.stations],
            "lanes": [lane.to_dict() for lane in self.lanes],
            "truck_types": list(self.truck_types),
            "kpis": dict(self.kpis),
            "fleet": dict(self.fleet),
            "inputs": dict(self.inputs),
            "wall_s": round(self.wall_s, 3),
            "options": self.options,
            "notes": list(self.notes),
        }
