"""Typed results of the fleet router and their JSON form (the fleet-route contract).

Times are float minutes after midnight inside; the JSON shows them as ``"HH:MM"`` (and
keeps the exact minutes in ``*_min`` fields so a client can re-check the schedule).
``soc_kwh`` is the state of charge when leaving the visit; ``load_kg`` the load on board
when leaving it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from freight.units import format_hhmm


class FleetStatus(StrEnum):
    """``feasible``: every stop served; ``partial``: some unserved (each with a reason)."""

    FEASIBLE = "feasible"
    PARTIAL = "partial"
    NO_SOLUTION = "no_solution"


@dataclass(frozen=True, slots=True)
class StopVisit:
    """Serving a stop: arrive, wait until the window opens, serve, depart."""

    stop_id: str
    arrive_min: float
    start_min: float
    depart_min: float
    soc_kwh: float | None
    load_kg: float


@dataclass(frozen=True, slots=True)
class ChargeVisit:
    """A detour to a charging site: arrive, queue for a free plug, charge, depart."""

    site_id: str
    arrive_min: float
    start_min: float
    charge_min: float
    depart_min: float
    soc_kwh: float


Visit = StopVisit | ChargeVisit


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """One vehicle's day: leave the depot at ``start_min``, visits, back at ``end_min``."""

    vehicle_type: str
    start_min: float
    end_min: float
    visits: tuple[Visit, ...]
    distance_km: float
    energy_kwh: float
    cost_cny: float

    @property
    def duration_min(self) -> float:
        """Minutes from leaving the depot to returning, waiting included (paid time)."""
        return self.end_min - self.start_min

    @property
    def waiting_min(self) -> float:
        """Minutes spent waiting for windows or plugs (arrival to service/charge start)."""
        return sum(v.start_min - v.arrive_min for v in self.visits)

    @property
    def stop_ids(self) -> tuple[str, ...]:
        return tuple(v.stop_id for v in self.visits if isinstance(v, StopVisit))

    @property
    def charge_visits(self) -> tuple[ChargeVisit, ...]:
        return tuple(v for v in self.visits if isinstance(v, ChargeVisit))


@dataclass(frozen=True, slots=True)
class Unserved:
    """A stop left out, and why."""

    id: str
    reason: str


@dataclass(frozen=True, slots=True)
class FleetResult:
    """The router's answer: routes, unserved stops, cost, and how it was found."""

    status: FleetStatus
    objective_cny: float
    distance_km: float
    vehicles_used: int
    routes: tuple[RoutePlan, ...]
    unserved: tuple[Unserved, ...]
    wall_s: float
    method: str = "pyvrp+charging"
    stats: dict[str, Any] = field(default_factory=dict, compare=False)
    kind: Literal["fleet-route"] = "fleet-route"

    @property
    def served_count(self) -> int:
        return sum(len(r.stop_ids) for r in self.routes)

    @classmethod
    def from_dict(cls, ans: dict[str, Any]) -> FleetResult:
        """Rebuild a result from ``to_dict`` output (uses the exact ``*_min`` fields).

        Lets a client re-verify an answer received as JSON with ``verify_plan``.
        """
        return _from_dict(ans)

    def to_dict(self) -> dict[str, Any]:
        """The answer JSON (with the ``*_min`` exact times, ``method``, ``stats``, ``kind``)."""
        return {
            "kind": self.kind,
            "status": self.status.value,
            "objective_cny": self.objective_cny,
            "distance_km": self.distance_km,
            "vehicles_used": self.vehicles_used,
            "served": self.served_count,
            "routes": [_route_dict(r) for r in self.routes],
            "unserved": [{"id": u.id, "reason": u.reason} for u in self.unserved],
            "wall_s": self.wall_s,
            "method": self.method,
            "stats": self.stats,
        }


def _route_dict(r: RoutePlan) -> dict[str, Any]:
    visits: list[dict[str, Any]] = []
    for v in r.visits:
        if isinstance(v, StopVisit):
            visits.append(
                {
                    "id": v.stop_id,
                    "arrive": format_hhmm(v.arrive_min),
                    "depart": format_hhmm(v.depart_min),
                    "soc_kwh": v.soc_kwh,
                    "load_kg": v.load_kg,
                    "arrive_min": v.arrive_min,
                    "start_min": v.start_min,
                    "depart_min": v.depart_min,
                }
            )
        else:
            visits.append(
                {
                    "charge_at": v.site_id,
                    "charge_min": v.charge_min,
                    "arrive": format_hhmm(v.arrive_min),
                    "depart": format_hhmm(v.depart_min),
                    "soc_kwh": v.soc_kwh,
                    "arrive_min": v.arrive_min,
                    "start_min": v.start_min,
                    "depart_min": v.depart_min,
                }
            )
    return {
        "vehicle_type": r.vehicle_type,
        "start": format_hhmm(r.start_min),
        "end": format_hhmm(r.end_min),
        "start_min": r.start_min,
        "end_min": r.end_min,
        "duration_min": r.duration_min,
        "waiting_min": r.waiting_min,
        "visits": visits,
        "distance_km": r.distance_km,
        "energy_kwh": r.energy_kwh,
        "cost_cny": r.cost_cny,
    }


def _from_dict(ans: dict[str, Any]) -> FleetResult:
    routes = []
    for r in ans["routes"]:
        visits: list[Visit] = []
        for v in r["visits"]:
            if "charge_at" in v:
                visits.append(
                    ChargeVisit(
                        v["charge_at"], v["arrive_min"], v["start_min"], v["charge_min"],
                        v["depart_min"], v["soc_kwh"],
                    )
                )  # fmt: skip
            else:
                visits.append(
                    StopVisit(
                        v["id"], v["arrive_min"], v["start_min"], v["depart_min"], v["soc_kwh"],
                        v["load_kg"],
                    )
                )  # fmt: skip
        routes.append(
            RoutePlan(
                r["vehicle_type"], r["start_min"], r["end_min"], tuple(visits),
                r["distance_km"], r["energy_kwh"], r["cost_cny"],
            )
        )  # fmt: skip
    return FleetResult(
        FleetStatus(ans["status"]),
        ans["objective_cny"],
        ans["distance_km"],
        ans["vehicles_used"],
        tuple(routes),
        tuple(Unserved(u["id"], u["reason"]) for u in ans["unserved"]),
        ans["wall_s"],
        ans.get("method", ""),
        dict(ans.get("stats", {})),
    )
