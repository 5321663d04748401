"""Depot charging schedule per site: CP-SAT over 15-minute slots.

Each vehicle is plugged in from its arrival to the start of its next shift and must reach
the SoC that shift needs. At most ``charger_count`` vehicles draw power in any slot, each at
most ``min(vehicle max kW, charger kW)``, and the site total stays within the optional grid
limit. Power is chosen per slot in steps of ``power_step_kw`` (0.1 kW by default).

Shortage policy (documented choice): the solve is *best effort*, never raising for lack of
chargers or grid. Each vehicle gets an unmet-energy slack; the objectives are, in strict
order, least unmet kWh, then least energy cost, then least site peak kW (three CP-SAT
solves, each fixing the previous optimum). Any vehicle left short appears in
``ChargingScheduleResult.shortages`` with the kWh missing and what binds (``chargers``,
``grid_limit``, ``plug_time``). Malformed input raises ``InputError``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from freight.errors import FieldIssue, InputError, SolverError

SLOT_MIN = 15
DAY_MIN = 1440
#: Cost unit inside the model: 1e-6 CNY.
_COST_SCALE = 1_000_000


@dataclass(frozen=True, slots=True)
class ChargingVehicle:
    """A vehicle returning to the depot; times in minutes (departure may exceed 1440)."""

    vehicle_id: str
    arrival_min: int
    departure_min: int
    soc_arrival_kwh: float
    soc_needed_kwh: float
    battery_kwh: float
    max_charge_kw: float

    def __post_init__(self) -> None:
        issues: list[FieldIssue] = []
        loc = f"vehicles.{self.vehicle_id}"
        if self.arrival_min < 0:
            issues.append(FieldIssue(f"{loc}.arrival_min", "must be >= 0"))
        if self.departure_min <= self.arrival_min:
            issues.append(FieldIssue(f"{loc}.departure_min", "must be after arrival_min"))
        if self.battery_kwh <= 0:
            issues.append(FieldIssue(f"{loc}.battery_kwh", "must be > 0"))
        if not 0 <= self.soc_arrival_kwh <= self.battery_kwh:
            issues.append(FieldIssue(f"{loc}.soc_arrival_kwh", "must be in [0, battery_kwh]"))
        if not 0 <= self.soc_needed_kwh <= self.battery_kwh:
            issues.append(FieldIssue(f"{loc}.soc_needed_kwh", "must be in [0, battery_kwh]"))
        if self.max_charge_kw <= 0:
            issues.append(FieldIssue(f"{loc}.max_charge_kw", "must be > 0"))
        if issues:
            raise InputError(f"invalid vehicle {self.vehicle_id!r}", issues=issues)


@dataclass(frozen=True, slots=True)
class TariffPeriod:
    """Time-of-use price from ``start_min`` (inclusive) to ``end_min`` (exclusive) of the day."""

    start_min: int
    end_min: int
    cny_per_kwh: float


@dataclass(frozen=True, slots=True)
class ChargingSiteSpec:
    """A depot charging site; ``tariff`` must cover the whole day without overlap if given."""

    site_id: str
    charger_count: int
    charger_power_kw: float
    grid_limit_kw: float | None = None
    tariff: tuple[TariffPeriod, ...] = ()

    def __post_init__(self) -> None:
        issues: list[FieldIssue] = []
        loc = f"site.{self.site_id}"
        if self.charger_count < 0:
            issues.append(FieldIssue(f"{loc}.charger_count", "must be >= 0"))
        if self.charger_power_kw <= 0:
            issues.append(FieldIssue(f"{loc}.charger_power_kw", "must be > 0"))
        if self.grid_limit_kw is not None and self.grid_limit_kw < 0:
            issues.append(FieldIssue(f"{loc}.grid_limit_kw", "must be >= 0"))
        if self.tariff:
            covered = [0] * DAY_MIN
            for i, p in enumerate(self.tariff):
                if not 0 <= p.start_min < p.end_min <= DAY_MIN or p.cny_per_kwh < 0:
                    issues.append(FieldIssue(f"{loc}.tariff[{i}]", "bad period or price"))
                    continue
                for m in range(p.start_min, p.end_min):
                    covered[m] += 1
            if not issues and any(c != 1 for c in covered):
                issues.append(FieldIssue(f"{loc}.tariff", "must cover 0-1440 exactly once"))
        if issues:
            raise InputError(f"invalid charging site {self.site_id!r}", issues=issues)

    @staticmethod
    def tariff_from_tuples(rows: Sequence[tuple[int, int, float]]) -> tuple[TariffPeriod, ...]:
        """Build a tariff from ``[(start_min, end_min, cny_per_kwh)]``."""
        return tuple(TariffPeriod(int(a), int(b), float(c)) for a, b, c in rows)

    def price_at(self, minute: int) -> float:
        """Tariff CNY/kWh at a minute (taken modulo one day); 0 without a tariff."""
        m = minute % DAY_MIN
        for p in self.tariff:
            if p.start_min <= m < p.end_min:
                return p.cny_per_kwh
        return 0.0


@dataclass(frozen=True, slots=True)
class VehicleSchedule:
    """Charging power per slot (slot starts in minutes) and energy delivered / unmet."""

    vehicle_id: str
    slots: tuple[tuple[int, float], ...]  # (slot start minute, power kW), power > 0 only
    delivered_kwh: float
    needed_kwh: float
    unmet_kwh: float


@dataclass(frozen=True, slots=True)
class Shortage:
    """A vehicle not restored by departure, with what binds (chargers/grid_limit/plug_time)."""

    vehicle_id: str
    unmet_kwh: float
    binding: tuple[str, ...]
    message: str


@dataclass(frozen=True, slots=True)
class ChargingScheduleResult:
    """Schedule for one site; ``status`` is ``optimal`` or ``feasible`` (time limit hit)."""

    site_id: str
    status: str
    vehicles: tuple[VehicleSchedule, ...]
    slot_starts_min: tuple[int, ...]
    site_kw_by_slot: tuple[float, ...]
    occupancy_by_slot: tuple[int, ...]  # vehicles drawing power per slot
    peak_kw: float
    max_occupancy: int
    energy_cost_cny: float
    unmet_kwh: float
    shortages: tuple[Shortage, ...]
    wall_s: float


def _solve_stage(
    model: cp_model.CpModel, objective: cp_model.LinearExprT, time_limit_s: float, seed: int
) -> tuple[cp_model.CpSolver, str]:
    model.minimize(objective)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    code = solver.solve(model)
    if code == cp_model.OPTIMAL:
        return solver, "optimal"
    if code == cp_model.FEASIBLE:
        return solver, "feasible"
    raise SolverError(f"CP-SAT charging schedule failed: {solver.status_name(code)}")


def solve_charging_schedule(
    site: ChargingSiteSpec,
    vehicles: Sequence[ChargingVehicle],
    *,
    power_step_kw: float = 0.1,
    time_limit_s: float = 10.0,
    seed: int = 0,
) -> ChargingScheduleResult:
    """Least-unmet, then cheapest, then lowest-peak charging schedule for one site."""
    t0 = time.perf_counter()
    ids = [v.vehicle_id for v in vehicles]
    if len(set(ids)) != len(ids):
        raise InputError("duplicate vehicle_id", issues=[FieldIssue("vehicles", "duplicate id")])
    if power_step_kw <= 0:
        raise InputError("power_step_kw must be > 0")
    if not vehicles:
        return ChargingScheduleResult(
            site.site_id, "optimal", (), (), (), (), 0.0, 0, 0.0, 0.0, (), 0.0
        )
    first = min(v.arrival_min for v in vehicles) // SLOT_MIN * SLOT_MIN
    last = max(v.departure_min for v in vehicles)
    starts = list(range(first, last, SLOT_MIN))
    # Units: power in steps of power_step_kw; energy in steps * SLOT hours.
    unit_kwh = power_step_kw * SLOT_MIN / 60.0
    price = [site.price_at(s) for s in starts]
    cost_coef = [round(p * unit_kwh * _COST_SCALE) for p in price]
    grid_units = (
        None
        if site.grid_limit_kw is None
        else math.floor(site.grid_limit_kw / power_step_kw + 1e-9)
    )

    m = cp_model.CpModel()
    power: dict[tuple[int, int], cp_model.IntVar] = {}
    on: dict[tuple[int, int], cp_model.IntVar] = {}
    unmet: list[cp_model.IntVar] = []
    need_units: list[int] = []
    plugged: list[list[int]] = []
    for i, v in enumerate(vehicles):
        pmax = math.floor(min(v.max_charge_kw, site.charger_power_kw) / power_step_kw + 1e-9)
        slots = [
            t
            for t, s in enumerate(starts)
            if s >= v.arrival_min and s + SLOT_MIN <= v.departure_min
        ]
        plugged.append(slots)
        need = max(0, math.ceil((v.soc_needed_kwh - v.soc_arrival_kwh) / unit_kwh - 1e-9))
        room = math.floor((v.battery_kwh - v.soc_arrival_kwh) / unit_kwh + 1e-9)
        need_units.append(need)
        for t in slots:
            power[i, t] = m.new_int_var(0, pmax, f"p_{i}_{t}")
            on[i, t] = m.new_bool_var(f"on_{i}_{t}")
            m.add(power[i, t] <= pmax * on[i, t])
        delivered = sum(power[i, t] for t in slots)
        u = m.new_int_var(0, need, f"unmet_{i}")
        unmet.append(u)
        m.add(delivered + u >= need)
        m.add(delivered <= room)
    peak_ub = sum(
        math.floor(min(v.max_charge_kw, site.charger_power_kw) / power_step_kw + 1e-9)
        for v in vehicles
    )
    peak = m.new_int_var(0, peak_ub, "peak")
    for t in range(len(starts)):
        here = [i for i in range(len(vehicles)) if (i, t) in power]
        if not here:
            continue
        m.add(sum(on[i, t] for i in here) <= site.charger_count)
        total = sum(power[i, t] for i in here)
        if grid_units is not None:
            m.add(total <= grid_units)
        m.add(peak >= total)
    unmet_sum = sum(unmet)
    cost = sum(cost_coef[t] * p for (_, t), p in power.items())

    statuses = []
    solver, st = _solve_stage(m, unmet_sum, time_limit_s, seed)
    statuses.append(st)
    m.add(unmet_sum <= round(solver.objective_value))
    solver, st = _solve_stage(m, cost, time_limit_s, seed)
    statuses.append(st)
    m.add(cost <= round(solver.objective_value))
    solver, st = _solve_stage(m, peak, time_limit_s, seed)
    statuses.append(st)
    status = "optimal" if all(s == "optimal" for s in statuses) else "feasible"

    site_units = [0] * len(starts)
    occ = [0] * len(starts)
    val = {k: solver.value(p) for k, p in power.items()}
    for (_i, t), pu in val.items():
        if pu > 0:
            site_units[t] += pu
            occ[t] += 1
    schedules: list[VehicleSchedule] = []
    shortages: list[Shortage] = []
    for i, v in enumerate(vehicles):
        rows = tuple((starts[t], val[i, t] * power_step_kw) for t in plugged[i] if val[i, t] > 0)
        delivered_units = sum(val[i, t] for t in plugged[i])
        needed_kwh = max(0.0, v.soc_needed_kwh - v.soc_arrival_kwh)
        short_kwh = max(0.0, needed_kwh - delivered_units * unit_kwh)
        short_kwh = round(short_kwh, 6)
        schedules.append(
            VehicleSchedule(v.vehicle_id, rows, delivered_units * unit_kwh, needed_kwh, short_kwh)
        )
        if solver.value(unmet[i]) > 0:
            pmax = math.floor(min(v.max_charge_kw, site.charger_power_kw) / power_step_kw + 1e-9)
            binding: list[str] = []
            idle = [t for t in plugged[i] if val[i, t] < pmax]
            if any(occ[t] >= site.charger_count and val[i, t] == 0 for t in idle):
                binding.append("chargers")
            if grid_units is not None and any(site_units[t] >= grid_units for t in idle):
                binding.append("grid_limit")
            if not idle:
                binding.append("plug_time")
            shortages.append(
                Shortage(
                    v.vehicle_id,
                    short_kwh,
                    tuple(binding),
                    f"vehicle {v.vehicle_id} leaves {short_kwh:.2f} kWh short of "
                    f"{v.soc_needed_kwh:.2f} kWh; short: {', '.join(binding) or 'capacity'}",
                )
            )
    site_kw = tuple(u * power_step_kw for u in site_units)
    energy_cost = sum(val[i, t] * unit_kwh * price[t] for (i, t) in val)
    return ChargingScheduleResult(
        site_id=site.site_id,
        status=status,
        vehicles=tuple(schedules),
        slot_starts_min=tuple(starts),
        site_kw_by_slot=site_kw,
        occupancy_by_slot=tuple(occ),
        peak_kw=max(site_kw, default=0.0),
        max_occupancy=max(occ, default=0),
        energy_cost_cny=energy_cost,
        unmet_kwh=sum(s.unmet_kwh for s in schedules),
        shortages=tuple(shortages),
        wall_s=time.perf_counter() - t0,
    )
