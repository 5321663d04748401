"""The VROOM problem as frozen dataclasses (its ``docs/API.md`` input format, validated).

``parse.parse_vroom`` builds a ``VroomProblem`` from VROOM's JSON. Times are seconds,
distances metres, amounts non-negative integers, as in VROOM.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "MAX_PRIORITY",
    "Costs",
    "Matrices",
    "ShipmentStep",
    "Task",
    "VroomJob",
    "VroomProblem",
    "VroomShipment",
    "VroomVehicle",
]

#: Highest priority VROOM accepts for a job or shipment.
MAX_PRIORITY = 100


@dataclass(frozen=True, slots=True)
class Costs:
    """A vehicle's costs: ``fixed`` once if used, ``per_hour`` of travel, ``per_km``."""

    fixed: int = 0
    per_hour: int = 3600
    per_km: int = 0


@dataclass(frozen=True, slots=True)
class VroomVehicle:
    id: int
    profile: str
    start: int | None  # matrix index (after resolving coordinates), None = open start
    end: int | None
    capacity: tuple[int, ...] | None
    skills: frozenset[int]
    tw_start: int
    tw_end: int | None
    costs: Costs
    max_tasks: int | None
    max_travel_time: int | None
    speed_factor: float
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Task:
    """One place to serve: a job, or one step of a shipment."""

    kind: str  # job | pickup | delivery
    id: int
    location: int  # matrix index
    setup: int
    service: int
    time_windows: tuple[tuple[int, int], ...]  # empty = any time
    description: str | None = None


@dataclass(frozen=True, slots=True)
class VroomJob:
    task: Task
    delivery: tuple[int, ...]
    pickup: tuple[int, ...]
    skills: frozenset[int]
    priority: int


@dataclass(frozen=True, slots=True)
class ShipmentStep:
    task: Task


@dataclass(frozen=True, slots=True)
class VroomShipment:
    pickup: Task
    delivery: Task
    amount: tuple[int, ...]
    skills: frozenset[int]
    priority: int


@dataclass(frozen=True, slots=True)
class Matrices:
    """One profile's square matrices (``None`` when not given)."""

    durations: tuple[tuple[int, ...], ...]
    distances: tuple[tuple[int, ...], ...] | None = None
    costs: tuple[tuple[int, ...], ...] | None = None


@dataclass(frozen=True, slots=True)
class VroomProblem:
    """A validated VROOM problem; ``locations`` holds ``[lon, lat]`` per matrix index if known."""

    vehicles: tuple[VroomVehicle, ...]
    jobs: tuple[VroomJob, ...]
    shipments: tuple[VroomShipment, ...]
    matrices: Mapping[str, Matrices]
    locations: tuple[tuple[float, float] | None, ...]
    dimensions: int

    @property
    def size(self) -> int:
        return len(self.locations)
