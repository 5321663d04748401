"""Depot charging schedule per site: a MIP (OR-Tools SCIP) over 15-minute slots.

Each vehicle is plugged in from its arrival to the start of its next shift and must reach
the SoC that shift needs. At most ``charger_count`` vehicles draw power in any slot, each at
most ``min(vehicle max kW, charger kW)``, and the site total stays within the optional grid
limit. Power is chosen per slot in steps of ``power_step_kw`` (0.1 kW by default).

Shortage policy (documented choice): the solve is *best effort*, never raising for lack of
chargers or grid. Each vehicle gets an unmet-energy slack; the objectives are, in strict
order, least unmet kWh, then least energy cost, then least site peak kW (three SCIP
solves, each fixing the previous optimum). Any vehicle left short appears in
``ChargingScheduleResult.shortages`` with the kWh missing and what binds (``chargers``,
``grid_limit``, ``plug_time``). Malformed input raises ``InputError``.

Why SCIP and not CP-SAT: the first version was a CP-SAT model; on 4 vehicles sharing one
7.4 kW charger it did not prove the first stage optimal in 20 s, SCIP (LP relaxation plus
branching on the on/off variables) proves all three stages in 0.5 s with the same values.
Measured (2026-11-29, `power_step_kw=0.1`, 30 s per stage): 20 vehicles optimal in 6.5 s;
50 and 100 vehicles feasible at the limit (status ``feasible``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import pywraplp

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


def _solve_stage(m: Any, objective: Any, time_limit_s: float, seed: int) -> tuple[str, float]:
    """Minimise ``objective`` (SCIP); ``optimal`` or ``feasible`` (time limit) and its value."""
    from ortools.linear_solver import pywraplp

    m.Minimize(objective)
    m.SetTimeLimit(max(1, int(time_limit_s * 1000)))
    m.SetSolverSpecificParametersAsString(f"randomization/randomseedshift = {seed}\n")
    code = m.Solve()
    if code == pywraplp.Solver.OPTIMAL:
        return "optimal", m.Objective().Value()
    if code == pywraplp.Solver.FEASIBLE:
        return "feasible", m.Objective().Value()
    raise SolverError(f"charging schedule MIP failed (SCIP status {code})")


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

    m = pywraplp.Solver.CreateSolver("SCIP")
    if m is None:  # pragma: no cover - SCIP ships with ortools
        raise SolverError("OR-Tools was built without SCIP")
    m.SetNumThreads(1)
    inf = m.infinity()
    power: dict[tuple[int, int], Any] = {}
    on: dict[tuple[int, int], Any] = {}
    unmet: list[Any] = []
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
        for t in slots:
            power[i, t] = m.IntVar(0, pmax, f"p_{i}_{t}")
            on[i, t] = m.BoolVar(f"on_{i}_{t}")
            m.Add(power[i, t] <= pmax * on[i, t])
        delivered = sum(power[i, t] for t in slots)
        u = m.IntVar(0, need, f"unmet_{i}")
        unmet.append(u)
        m.Add(delivered + u >= need)
        m.Add(delivered <= room)
    peak = m.NumVar(0, inf, "peak")
    for t in range(len(starts)):
        here = [i for i in range(len(vehicles)) if (i, t) in power]
        if not here:
            continue
        m.Add(sum(on[i, t] for i in here) <= site.charger_count)
        total = sum(power[i, t] for i in here)
        if grid_units is not None:
            m.Add(total <= grid_units)
        m.Add(peak >= total)
    unmet_sum = sum(unmet)
    cost = sum(cost_coef[t] * p for (_, t), p in power.items())

    statuses = []
    for stage, objective in enumerate((unmet_sum, cost, peak)):
        st, best = _solve_stage(m, objective, time_limit_s, seed)
        statuses.append(st)
        if stage < 2:  # keep this optimum while the next objective is minimised
            m.Add(objective <= best + 1e-6)
    status = "optimal" if all(s == "optimal" for s in statuses) else "feasible"
    site_units = [0] * len(starts)
    occ = [0] * len(starts)
    val = {k: round(p.solution_value()) for k, p in power.items()}
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
        if round(unmet[i].solution_value()) > 0:
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
