"""Typed answers of the solvers, as the API returns them (200 bodies and job results).

One model per domain result; ``JobResult`` (api/jobs/schemas.py) is a union of these
discriminated by the job ``kind``. The models describe what ``to_dict()`` of each domain
result writes; tests validate real solver output against them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- network-resilience ------------------------------------------------------------------


class ResiliencePairOut(_Out):
    origin: str
    destination: str
    base_km: float | None
    connected_share: float
    connected_ci95: list[float]
    mean_detour_km: float | None


class CriticalLinkOut(_Out):
    link_id: str
    failures: int
    disconnections_when_failed: int


class ResilienceResult(_Out):
    samples_done: int
    samples_requested: int
    partial: bool
    failure_probability: float
    seed: int
    pairs: list[ResiliencePairOut]
    critical_links: list[CriticalLinkOut]
    wall_time_s: float


# --- assignment ------------------------------------------------------------------------


class UtilizationOut(_Out):
    id: str
    kind: str = Field(description="service | terminal | link | ramp | drop_hook")
    period: str = Field(description="YYYY-MM")
    load: float
    capacity: float
    unit: str
    ratio: float


class BottleneckOut(UtilizationOut):
    shadow_price_cny_per_unit: float


class UnassignedGroupOut(_Out):
    origin: str
    destination: str
    form: str
    commodity: str
    period: str
    shipments: int
    tonnes: float
    reason: str


class UncapacitatedOut(_Out):
    objective_cny: float
    objective_cny_same_tonnes: float
    tonnes_assigned: float
    rail_share: float
    overloaded: list[UtilizationOut]
    overloaded_count: int


class AssignScenarioOut(_Out):
    co2_price_cny_per_t: float
    closed: list[str]
    new_services: list[str]


class AssignmentResult(_Out):
    year: int
    shipments: int
    groups: int
    tonnes_total: float
    tonnes_assigned: float
    tonnes_unassigned: float
    rail_share: float
    rail_tkm_share: float
    tonnes_by_multimodal_form: dict[str, float] = Field(
        default_factory=dict,
        description="tonnes on routes using piggyback (驮背) and drop-and-hook (甩挂) "
        "transfers; a route may use both",
    )
    objective_cny: float
    co2_kg: float
    utilization: list[UtilizationOut]
    bottlenecks: list[BottleneckOut]
    unassigned: list[UnassignedGroupOut]
    uncapacitated: UncapacitatedOut
    capacity_cost_cny: float
    scenario: AssignScenarioOut
    method: str
    lp_status: str
    candidates: int
    notes: list[str]
    timings_s: dict[str, float]
    wall_s: float
    partial: bool = False
    network_year: int | None = Field(None, description="the network year assigned on")
    network_scenario: str | None = Field(None, description="the stored scenario's id")


# --- conversion-plan --------------------------------------------------------------------


class ConversionFlowOut(_Out):
    id: str
    commodity: str
    tonnes: float
    mode: str
    terminal: str | None
    cost_cny: float


class ConversionTerminalOut(_Out):
    id: str
    equipment: dict[str, int] = Field(description="equipment kind -> units")
    throughput_t: float
    utilization_peak: float
    cost_cny: float


class ContainerPoolOut(_Out):
    owned_teu: int
    leased_teu: int
    cost_cny: float


class ConversionKpisOut(_Out):
    rail_share: float
    converted_share: float
    co2_t: float
    losses_t: float
    tonnes_total: float


class ConversionBaselinesOut(_Out):
    all_bulk: float | None
    all_container: float | None


class ConversionPlanResult(_Out):
    status: str
    objective_cny: float
    bound_cny: float | None
    gap: float | None
    flows: list[ConversionFlowOut]
    terminals: list[ConversionTerminalOut]
    containers_teu: int
    pool: ContainerPoolOut
    kpis: ConversionKpisOut
    baselines: ConversionBaselinesOut
    wall_s: float
    distances: str | None = None
    flows_source: str | None = None
    partial: bool = False
    network_year: int | None = Field(None, description="the network year of the distances")
    network_scenario: str | None = Field(None, description="the stored scenario's id")


# --- fleet-route (also the 200 answer of POST /v1/fleet/routes) --------------------------


class StopVisitOut(_Out):
    id: str
    arrive: str = Field(description="HH:MM")
    depart: str
    soc_kwh: float | None
    load_kg: float
    arrive_min: float
    start_min: float
    depart_min: float


class ChargeVisitOut(_Out):
    charge_at: str
    charge_min: float
    arrive: str
    depart: str
    soc_kwh: float | None
    arrive_min: float
    start_min: float
    depart_min: float


class FleetRouteOut(_Out):
    vehicle_type: str
    start: str
    end: str
    start_min: float
    end_min: float
    duration_min: float
    waiting_min: float
    visits: list[StopVisitOut | ChargeVisitOut]
    distance_km: float
    energy_kwh: float
    cost_cny: float


class UnservedOut(_Out):
    id: str
    reason: str


class FleetSolution(_Out):
    """A day's EV fleet plan: routes with charging visits, unserved stops with reasons."""

    kind: Literal["fleet-route"] = "fleet-route"
    status: str
    objective_cny: float
    distance_km: float
    vehicles_used: int
    served: int
    routes: list[FleetRouteOut]
    unserved: list[UnservedOut]
    wall_s: float
    method: str
    stats: dict[str, JsonValue] = Field(
        description="free-form solver diagnostics (counts per zone and variant); not a contract"
    )
    partial: bool = False


JobKindName = Literal[
    "assignment", "conversion-plan", "fleet-route", "fleet-plan", "network-resilience"
]
