"""The fleet plan as typed, frozen values: what the planner returns and the report reads.

:class:`FleetPlan` is one year's plan, :class:`FleetPlanSet` several years'. ``to_dict()`` is
the fleet-plan JSON contract (the API's and CLI's answer; the JSON field names are the
attribute names, except :attr:`DepotMove.from_depot`, which is ``"from"``); ``from_dict()``
reads that JSON back, checking every field and naming the JSON path of each bad one
(``$.plans[2].vehicles[0].count``). Fields that plans from earlier versions of the planner
lack are optional (``None``), so a stored answer still reads.

A plan keeps the routes of its two representative days (:attr:`FleetPlan.routes`, one
:class:`DayRoutes` per season: :class:`PlanRoute` with :class:`RouteStop` and
:class:`RouteCharge`; built by :mod:`freight.fleet.plan.plan_routes`); ``null`` when the
planner was told not to keep them, or an answer leaves them out. :class:`PlanAssumptions`
records the cited defaults and settings behind the plan.

The classes are plain dataclasses, so ``pydantic.TypeAdapter(FleetPlan)`` validates and
serialises them and gives their JSON schema (the API's OpenAPI document uses it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from freight.errors import InputError
from freight.fleet.plan.model_read import read_dataclass
from freight.jsonread import JsonReader

__all__ = [
    "ChargerSite",
    "PlanCost",
    "DayCheck",
    "DepotMove",
    "DepotRatio",
    "FleetPlan",
    "FleetPlanSet",
    "FleetRow",
    "DayRoutes",
    "PlanAssumptions",
    "PlanRoute",
    "RouteCharge",
    "RoutePlace",
    "RouteStop",
    "UnservedStop",
    "PlanPolicy",
    "TariffBand",
    "VehicleAssumption",
    "ChargerClassAssumption",
    "plan_from_dict",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetRow:
    """Vehicles of one type based at one depot."""

    type: str
    depot: str
    count: int
    powertrain: Literal["bev", "phev"]
    refrigerated: bool
    battery_kwh: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargerSite:
    """Chargers of one power class at a depot's charging site, and their night's schedule."""

    site: str
    depot: str | None = None
    power_kw: float = field(metadata={"positive": True})
    count: int
    peak_kw: float | None = None
    energy_kwh: float | None = None
    occupancy: float | None = None
    energy_cost_cny: float | None = None
    midday_kwh: float | None = None
    midday_peak_kw: float | None = None
    midday_vehicles: int | None = None
    short_kwh: float | None = None
    #: what limits the schedule when energy is short (chargers, grid, time)
    binding: str | None = field(default=None, metadata={"joins_list": True})
    min_count_by_ratio: int | None = None
    added_for_energy_or_cost: int | None = None
    site_max_plugs: int | None = None
    schedule_method: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DepotRatio:
    """Plug-in vehicles per charger at one depot."""

    depot: str
    plug_in_vehicles: int | None = None
    chargers: int | None = None
    ratio: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DayCheck:
    """A representative day routed, merged and verified."""

    day: Literal["winter", "summer"]
    stops: int
    served: int
    unserved: int
    routes: int | None = None
    vehicles_used: int | None = None
    duty_lower_bound: int | None = None
    duties_with_midday_charge: int | None = None
    distance_km: float | None = None
    energy_kwh: float | None = None
    verified: bool | None = None
    verify_errors: tuple[str, ...] = ()
    parts: int | None = None
    wall_s: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DepotMove:
    """Route parts moved from a full depot to one with room for chargers."""

    day: str
    from_depot: str = field(metadata={"alias": "from"})
    to: str
    parts: int
    stops: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanPolicy:
    """The plan against the city's targets (new-energy vehicles, chargers, refrigeration).

    The city's plan asks for ``additional_vehicles`` new-energy urban delivery vehicles
    *added* (新增) by ``target_year``, so its fleet then is ``target_new_energy_vehicles``
    = ``baseline_vehicles`` (the fleet in ``baseline_year``) + ``additional_vehicles``, and
    ``target_for_year`` is the baseline plus a straight-line share of the additions.
    ``planned_new_energy_vehicles`` is the fleet this year's demand needs, and
    ``planned_additional_vehicles`` = planned - baseline (negative when the baseline fleet
    alone is larger than the need).
    """

    #: new-energy fleet the plan implies by ``target_year``: baseline + additional vehicles
    target_new_energy_vehicles: int
    target_year: int | None = field(default=None, metadata={"minimum": 1900})
    target_for_year: int | None = None
    planned_new_energy_vehicles: int
    baseline_vehicles: int | None = field(default=None, metadata={"minimum": 0})
    baseline_year: int | None = field(default=None, metadata={"minimum": 1900})
    additional_vehicles: int | None = field(default=None, metadata={"minimum": 0})
    #: planned - baseline: negative when the baseline fleet alone exceeds the need
    planned_additional_vehicles: int | None = field(default=None, metadata={"minimum": -(10**6)})
    max_vehicles_per_charger: int | None = None
    min_refrigerated_share: float | None = None
    refrigerated_added_for_share: int | None = None
    chargers_added_above_ratio: int | None = None
    sites_over_candidate_plugs: tuple[str, ...] = ()
    depot_rebalancing: tuple[DepotMove, ...] = ()
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanCost:
    """Annualised cost, CNY per year."""

    vehicles_cny_per_year: float | None = None
    chargers_cny_per_year: float | None = None
    energy_cny_per_year: float | None = None
    driver_and_maintenance_cny_per_year: float | None = None
    total_cny_per_year: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TariffBand:
    """One time-of-use band of the electricity tariff (minutes after midnight, Beijing time)."""

    from_min: int
    to_min: int
    cny_per_kwh: float


@dataclass(frozen=True, slots=True, kw_only=True)
class VehicleAssumption:
    """The cited figures of one planner vehicle type."""

    powertrain: Literal["bev", "phev"] | None = None
    battery_kwh: float | None = None
    kwh_per_km_summer: float | None = None
    kwh_per_km_winter: float | None = None
    capacity_kg: float | None = None
    price_cny: float | None = None
    life_years: int | None = None
    driver_cny_per_hour: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargerClassAssumption:
    """One candidate charger class: power, AC or DC, installed cost."""

    power_kw: float = field(metadata={"positive": True})
    kind: Literal["ac", "dc"]
    capex_cny: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanAssumptions:
    """The cited defaults (``source``) and this run's settings behind a plan.

    Every field is optional: a plan records what its planner version used.
    """

    operating_days_per_year: int | None = None
    winter_days_per_year: int | None = None
    summer_days_per_year: int | None = None
    discount_rate: float | None = None
    reserve_share: float | None = None
    road_factor: float | None = None
    speed_kmh: float | None = None
    #: driver shift, ``"HH:MM-HH:MM"`` Beijing time
    shift: str | None = None
    fuel_cny_per_l: float | None = None
    tariff_cny_per_kwh: tuple[TariffBand, ...] = ()
    #: by planner vehicle type id
    vehicles: Mapping[str, VehicleAssumption] = field(default_factory=dict)
    chargers: tuple[ChargerClassAssumption, ...] = ()
    charger_life_years: int | None = None
    charger_om_share_per_year: float | None = None
    #: where the defaults above come from
    source: str | None = None
    part_stops: int | None = None
    max_iterations_per_part: int | None = None
    seed: int | None = None
    engine: str | None = None
    charger_powers_kw: tuple[float, ...] = ()
    #: how a year between the baseline and the target year gets its target
    intermediate_year_target: str | None = None
    #: how charger occupancy is counted
    occupancy: str | None = None
    #: how charging between trips is modelled
    midday_charging: str | None = None
    energy_days_per_year: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``assumptions`` JSON object."""
        out: dict[str, Any] = _to_json(self)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutePlace:
    """A place a route starts or ends at (a depot), WGS84."""

    id: str
    lon: float
    lat: float


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteStop:
    """A delivery on a planned route.

    ``arrive`` is Beijing time with its offset (``"09:12+08:00"``); the exact minutes after
    midnight (``*_min``, to 1e-7) let a client re-check the route. ``load_kg`` and
    ``soc_kwh`` are on board when leaving (``soc_kwh`` null for a PHEV).
    """

    id: str
    lon: float
    lat: float
    arrive: str
    arrive_min: float
    start_min: float
    depart_min: float
    load_kg: float
    soc_kwh: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RouteCharge:
    """A charging stop on a planned route, made after ``after_stops`` deliveries."""

    site: str
    lon: float
    lat: float
    after_stops: int
    arrive: str
    arrive_min: float
    start_min: float
    charge_min: float
    depart_min: float
    soc_kwh: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanRoute:
    """One trip of one vehicle: from its depot through the stops (in order) and back.

    ``vehicle`` names the vehicle's day (``type@depot#n``; a vehicle drives several routes),
    ``load_kg`` is the load leaving the depot; times as in :class:`RouteStop`.
    """

    vehicle: str
    vehicle_type: str
    depot: str
    start: str
    end: str
    start_min: float
    end_min: float
    distance_km: float
    energy_kwh: float
    cost_cny: float
    load_kg: float
    stops: tuple[RouteStop, ...]
    charging: tuple[RouteCharge, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class UnservedStop:
    """A delivery of the day that no route serves, and why."""

    id: str
    lon: float
    lat: float
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DayRoutes:
    """The routes of one representative day of one year (what ``daily_check`` counts)."""

    year: int = field(metadata={"minimum": 1900})
    season: Literal["winter", "summer"]
    depots: tuple[RoutePlace, ...]
    routes: tuple[PlanRoute, ...]
    unserved: tuple[UnservedStop, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The day's routes JSON."""
        out: dict[str, Any] = _to_json(self)
        return out

    @classmethod
    def from_dict(cls, raw: Any) -> DayRoutes:
        """Read one day's routes; :class:`~freight.errors.InputError` names bad paths."""
        r = JsonReader(max_issues=MAX_ISSUES)
        day: DayRoutes | None = read_dataclass(r, cls, raw, "$")
        r.raise_if_any("the day's routes are malformed", InputError)
        assert day is not None
        return day


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetPlan:
    """One year's fleet and charger plan."""

    year: int = field(metadata={"minimum": 1900})
    vehicles: tuple[FleetRow, ...]
    chargers: tuple[ChargerSite, ...]
    #: plug-in vehicles per charger city-wide (null when there is nothing to divide)
    vehicles_per_charger: float | None
    vehicles_per_charger_by_depot: tuple[DepotRatio, ...] = ()
    refrigerated_share: float | None
    overnight_energy_ok: bool
    daily_check: tuple[DayCheck, ...]
    policy: PlanPolicy
    cost: PlanCost
    #: the defaults (with their source) and settings used
    assumptions: PlanAssumptions = field(default_factory=PlanAssumptions)
    sampled: bool = False
    partial: bool = False
    wall_s: float | None = None
    #: the routes of both representative days (null: not kept, or left out of this answer)
    routes: tuple[DayRoutes, ...] | None = None
    kind: Literal["fleet-plan"] = "fleet-plan"

    @property
    def fleet_total(self) -> int:
        return sum(v.count for v in self.vehicles)

    def day(self, name: str) -> DayCheck | None:
        return next((d for d in self.daily_check if d.day == name), None)

    def without_routes(self) -> FleetPlan:
        """The plan with ``routes`` left out (null), for answers that do not carry them."""
        return dataclasses.replace(self, routes=None)

    def to_dict(self) -> dict[str, Any]:
        """The fleet-plan JSON contract."""
        out: dict[str, Any] = _to_json(self)
        return out

    @classmethod
    def from_dict(cls, raw: Any) -> FleetPlan:
        """Read a single-year plan JSON; :class:`~freight.errors.InputError` names bad paths."""
        plan = plan_from_dict(raw)
        if not isinstance(plan, FleetPlan):
            raise InputError("expected a single-year fleet plan, got a plan set")
        return plan


@dataclass(frozen=True, slots=True, kw_only=True)
class FleetPlanSet:
    """Plans for several years, in year order."""

    plans: tuple[FleetPlan, ...]
    wall_s: float | None = None
    partial: bool = False
    kind: Literal["fleet-plan-set"] = "fleet-plan-set"

    def to_dict(self) -> dict[str, Any]:
        """The multi-year fleet-plan JSON contract."""
        out: dict[str, Any] = _to_json(self)
        return out

    def without_routes(self) -> FleetPlanSet:
        """Every year's plan with ``routes`` left out."""
        return dataclasses.replace(self, plans=tuple(p.without_routes() for p in self.plans))

    @classmethod
    def from_dict(cls, raw: Any) -> FleetPlanSet:
        """Read a multi-year plan JSON; a single-year plan becomes a set of one."""
        plan = plan_from_dict(raw)
        if isinstance(plan, FleetPlan):
            return cls(plans=(plan,), wall_s=plan.wall_s, partial=plan.partial)
        return plan


#: Issues reported at most per read (a hostile document cannot make the error unbounded).
MAX_ISSUES = 50


def plan_from_dict(raw: Any) -> FleetPlan | FleetPlanSet:
    """A single-year plan or a plan set (it has ``plans``), read from its JSON.

    Raises :class:`~freight.errors.InputError` whose issues name each bad field's JSON path.
    """
    r = JsonReader(max_issues=MAX_ISSUES)
    top = r.obj(raw, "$")
    if top is None:
        r.raise_if_any("the fleet plan is not an object", InputError)
    assert top is not None
    if "plans" not in top:
        plan = _read_plan(r, top, "$")
        r.raise_if_any("the fleet plan is malformed", InputError)
        assert plan is not None
        return plan
    raw_plans = r.arr(top["plans"], "$.plans")
    if isinstance(top["plans"], list | tuple) and not raw_plans:
        r.add("$.plans", "must hold at least one plan")
    plans = [_read_plan(r, p, f"$.plans[{i}]") for i, p in enumerate(raw_plans)]
    wall = r.number(top, "wall_s", "$", required=False)
    partial = r.boolean(top, "partial", "$", required=False)
    ok = [p for p in plans if p is not None]
    for i in range(1, len(ok) if len(ok) == len(plans) else 0):
        if ok[i].year <= ok[i - 1].year:
            r.add(
                f"$.plans[{i}].year",
                f"plans must be in increasing year order; {ok[i].year} follows {ok[i - 1].year}",
            )
    r.raise_if_any("the fleet plan set is malformed", InputError)
    return FleetPlanSet(plans=tuple(ok), wall_s=wall, partial=bool(partial))


def _read_plan(r: JsonReader, raw: Any, path: str) -> FleetPlan | None:
    plan: FleetPlan | None = read_dataclass(r, FleetPlan, raw, path)
    if plan is None:
        return None
    seen: set[str] = set()
    for i, d in enumerate(plan.daily_check):
        if d.day in seen:
            r.add(f"{path}.daily_check[{i}].day", f"{d.day!r} appears twice")
        seen.add(d.day)
    days: set[str] = set()
    for i, day in enumerate(plan.routes or ()):
        if day.year != plan.year:
            r.add(f"{path}.routes[{i}].year", f"routes of {day.year} in the plan of {plan.year}")
        if day.season in days:
            r.add(f"{path}.routes[{i}].season", f"{day.season!r} appears twice")
        days.add(day.season)
    return plan


def _to_json(value: Any) -> Any:
    """Dataclasses to JSON objects in field order (``alias`` metadata renames a field)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.metadata.get("alias", f.name): _to_json(getattr(value, f.name))
            for f in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    return value
