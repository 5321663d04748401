"""POST /v1/vrp: VROOM-compatible solving (VROOM's input and output formats, PyVRP inside).

The body is a VROOM problem as VROOM's ``docs/API.md`` documents it; the answer is VROOM's
output. VROOM keys this solver does not implement (``breaks``, ``steps``, ...) are refused
with 422 naming them. Without ``matrix``/``matrices``, ``[lon, lat]`` locations are routed
over the Kuytun road network (``freight.vrp.vroom.road``).
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StrictFloat,
    StrictInt,
    field_validator,
)

from api.errors import problem_responses
from freight.vrp.vroom.parse import parse_vroom
from freight.vrp.vroom.solver import solve_vroom

router = APIRouter(tags=["vrp"], responses=problem_responses(422, 429, 500))

Amount = list[StrictInt]
Coord = Annotated[list[StrictFloat | StrictInt], Field(min_length=2, max_length=2)]
Window = Annotated[list[StrictInt], Field(min_length=2, max_length=2)]
Matrix = list[list[StrictInt]]
REFUSED = "free-form VROOM field that this solver does not support: any value is refused (422)"


def _refuse(value: object, info: Any) -> None:
    if value is not None:
        raise ValueError(f"VROOM field {info.field_name!r} is not supported by this solver")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VroomCostsIn(_Strict):
    fixed: StrictInt = 0
    per_hour: StrictInt = 3600
    per_km: StrictInt = 0
    per_task_hour: JsonValue = Field(None, description=REFUSED)

    _no = field_validator("per_task_hour")(classmethod(lambda cls, v, info: _refuse(v, info)))


class VroomVehicleIn(_Strict):
    id: StrictInt
    profile: str = "car"
    description: str | None = None
    start: Coord | None = None
    start_index: StrictInt | None = None
    end: Coord | None = None
    end_index: StrictInt | None = None
    capacity: Amount | None = None
    skills: list[StrictInt] | None = None
    time_window: Window | None = None
    costs: VroomCostsIn | None = None
    max_tasks: StrictInt | None = None
    max_travel_time: StrictInt | None = None
    speed_factor: StrictFloat | StrictInt | None = None
    breaks: JsonValue = Field(None, description=REFUSED)
    steps: JsonValue = Field(None, description=REFUSED)
    max_distance: JsonValue = Field(None, description=REFUSED)
    type: JsonValue = Field(None, description=REFUSED)

    _no = field_validator("breaks", "steps", "max_distance", "type")(
        classmethod(lambda cls, v, info: _refuse(v, info))
    )


class VroomStepIn(_Strict):
    """A job, or one step (pickup or delivery) of a shipment."""

    id: StrictInt
    description: str | None = None
    location: Coord | None = None
    location_index: StrictInt | None = None
    setup: StrictInt | None = None
    service: StrictInt | None = None
    time_windows: list[Window] | None = None
    service_per_type: JsonValue = Field(None, description=REFUSED)
    setup_per_type: JsonValue = Field(None, description=REFUSED)

    _no = field_validator("service_per_type", "setup_per_type")(
        classmethod(lambda cls, v, info: _refuse(v, info))
    )


class VroomJobIn(VroomStepIn):
    delivery: Amount | None = None
    pickup: Amount | None = None
    skills: list[StrictInt] | None = None
    priority: StrictInt | None = None
    amount: JsonValue = Field(None, description=REFUSED)
    type: JsonValue = Field(None, description=REFUSED)

    _no2 = field_validator("amount", "type")(classmethod(lambda cls, v, info: _refuse(v, info)))


class VroomShipmentIn(_Strict):
    pickup: VroomStepIn | None = Field(None, description="required")
    delivery: VroomStepIn | None = Field(None, description="required")
    amount: Amount | None = None
    skills: list[StrictInt] | None = None
    priority: StrictInt | None = None


class VroomMatricesIn(_Strict):
    """One routing profile's square matrices: seconds, metres, cost units."""

    durations: Matrix | None = None
    distances: Matrix | None = None
    costs: Matrix | None = None


class VroomProblemIn(_Strict):
    """A VROOM problem (``docs/API.md`` of the VROOM project)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "capacity": [4]}],
                    "jobs": [{"id": k, "location_index": k, "delivery": [1]} for k in (1, 2, 3)],
                    "matrices": {
                        "car": {
                            "durations": [
                                [0, 60, 90, 120],
                                [60, 0, 45, 80],
                                [90, 45, 0, 50],
                                [120, 80, 50, 0],
                            ]
                        }
                    },
                }
            ]
        },
    )
    vehicles: list[VroomVehicleIn]
    jobs: list[VroomJobIn] | None = None
    shipments: list[VroomShipmentIn] | None = None
    matrices: dict[str, VroomMatricesIn] | None = None
    matrix: Matrix | None = Field(None, description="legacy: durations of profile `car`")
    options: JsonValue = Field(None, description=REFUSED)

    _no = field_validator("options")(classmethod(lambda cls, v, info: _refuse(v, info)))


class VroomComputingTimes(BaseModel):
    loading: int
    solving: int
    routing: int


class VroomSummary(BaseModel):
    cost: int
    routes: int
    unassigned: int
    setup: int
    service: int
    duration: int
    waiting_time: int
    priority: int
    distance: int | None = None
    delivery: list[int] | None = None
    pickup: list[int] | None = None
    amount: list[int] | None = None
    violations: list[str]
    computing_times: VroomComputingTimes


class VroomUnassigned(BaseModel):
    id: int
    type: str
    location_index: int
    location: list[float] | None = None


class VroomStep(BaseModel):
    type: str = Field(description="start | job | pickup | delivery | end")
    id: int | None = None
    description: str | None = None
    location: list[float] | None = None
    location_index: int
    arrival: int
    duration: int = Field(description="cumulated travel time on arrival, s")
    setup: int
    service: int
    waiting_time: int
    load: list[int] | None = None
    distance: int | None = None
    violations: list[str]


class VroomRoute(BaseModel):
    vehicle: int
    cost: int
    setup: int
    service: int
    duration: int
    waiting_time: int
    priority: int
    delivery: list[int] | None = None
    pickup: list[int] | None = None
    description: str | None = None
    distance: int | None = None
    steps: list[VroomStep]
    violations: list[str]


class VroomSolution(BaseModel):
    """VROOM's output format."""

    code: int
    summary: VroomSummary
    unassigned: list[VroomUnassigned]
    routes: list[VroomRoute]


_lock = threading.Lock()
_router: Any = None


def _road_router(points: list[tuple[float, float]]) -> Any:
    """Matrices over the Kuytun road network (built once per process)."""
    global _router
    with _lock:
        if _router is None:
            from freight.network.loader import default_network
            from freight.vrp.vroom.road import road_router

            _router = road_router(default_network())
    return _router(points)


@router.post(
    "/v1/vrp",
    operation_id="solveVrp",
    response_model=VroomSolution,
    response_model_exclude_none=True,
    summary="Solve a VROOM-format routing problem; answer in VROOM's output format",
)
def solve_vrp(
    body: VroomProblemIn,
    time_limit_s: float = Query(
        1.0, gt=0, le=10, description="search time bound, seconds (small problems stop sooner)"
    ),
    seed: int = Query(
        0,
        ge=0,
        description="random seed (the search is bounded by wall time: a busier machine stops "
        "it sooner, so the same seed can give another plan)",
    ),
) -> dict[str, object]:
    """Same objective as VROOM: most (priority-weighted) tasks assigned, then least cost."""
    prob = parse_vroom(body.model_dump(exclude_none=True), router=_road_router)
    return solve_vroom(prob, time_limit_s, seed).to_dict()
