"""The depot charging MIP (OR-Tools SCIP) over 15-minute slots, solved lexicographically.

The model and its policies are described in :mod:`freight.fleet.charging_schedule` (the
inputs and results it uses): power per (vehicle, slot), unmet energy per stay, plugs and
grid per slot of the repeating day; least unmet kWh, then least cost, then least peak.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import pywraplp

from freight.errors import FieldIssue, InputError, SolverError
from freight.fleet.charging_schedule import (
    DAY_MIN,
    SLOT_MIN,
    ChargingScheduleResult,
    ChargingSiteSpec,
    ChargingVehicle,
    DutyChargingVehicle,
    Shortage,
    VehicleSchedule,
)

__all__ = ["solve_charging_schedule"]

#: Energy cost coefficients: CNY scaled to integers (millionths).
_COST_SCALE = 1_000_000


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


@dataclass(frozen=True, slots=True)
class _Timeline:
    """The site's 15-minute slots: their start minutes, and the slots of one day."""

    starts: list[int]
    n_day: int  # the clock repeats after one day

    def day_slot(self, t: int) -> int:
        return t % self.n_day if len(self.starts) > self.n_day else t


@dataclass(slots=True)
class _Mip:
    """The site's MIP: integer power per (vehicle, slot), unmet energy per stay, peak."""

    m: Any
    power: dict[tuple[int, int], Any]
    on: dict[tuple[int, int], Any]
    unmet: list[Any]
    plugged: list[list[list[int]]]  # vehicle -> stay -> timeline slots
    pmax_of: list[int]
    peak: Any = None


def solve_charging_schedule(
    site: ChargingSiteSpec,
    vehicles: Sequence[ChargingVehicle | DutyChargingVehicle],
    *,
    power_step_kw: float = 0.1,
    time_limit_s: float = 10.0,
    seed: int = 0,
) -> ChargingScheduleResult:
    """Least-unmet, then cheapest, then lowest-peak charging schedule for one site.

    ``vehicles`` may mix the overnight form (:class:`ChargingVehicle`) and the multi-stay
    form (:class:`DutyChargingVehicle`); see the module docstring.
    """
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
    duty = [v.as_duty() if isinstance(v, ChargingVehicle) else v for v in vehicles]
    first = min(v.intervals[0].arrival_min for v in duty) // SLOT_MIN * SLOT_MIN
    last = max(v.intervals[-1].departure_min for v in duty)
    starts = list(range(first, last, SLOT_MIN))
    tl = _Timeline(starts, min(len(starts), DAY_MIN // SLOT_MIN))
    # Units: power in steps of power_step_kw; energy in steps * SLOT hours.
    unit_kwh = power_step_kw * SLOT_MIN / 60.0
    price = [site.price_at(x) for x in starts]
    grid_units = (
        None
        if site.grid_limit_kw is None
        else math.floor(site.grid_limit_kw / power_step_kw + 1e-9)
    )
    mip = _vehicle_variables(site, duty, tl, power_step_kw, unit_kwh)
    status = _solve_lexicographic(mip, site, tl, price, unit_kwh, grid_units, time_limit_s, seed)
    val = {k: round(p.solution_value()) for k, p in mip.power.items()}
    site_units, midday_units, occ = _site_loads(mip, tl, val)
    schedules: list[VehicleSchedule] = []
    shortages: list[Shortage] = []
    for i, v in enumerate(duty):
        sched, shortage = _vehicle_result(
            v, i, mip, tl, val, site_units, occ, site, grid_units, power_step_kw, unit_kwh
        )  # fmt: skip
        schedules.append(sched)
        if shortage is not None:
            shortages.append(shortage)
    site_kw = tuple(u * power_step_kw for u in site_units)
    energy_cost = sum(val[i, t] * unit_kwh * price[t] for (i, t) in val)
    return ChargingScheduleResult(
        site_id=site.site_id,
        status=status,
        vehicles=tuple(schedules),
        slot_starts_min=tuple(starts[: tl.n_day]),
        site_kw_by_slot=site_kw,
        occupancy_by_slot=tuple(occ),
        peak_kw=max(site_kw, default=0.0),
        max_occupancy=max(occ, default=0),
        energy_cost_cny=energy_cost,
        unmet_kwh=sum(x.unmet_kwh for x in schedules),
        shortages=tuple(shortages),
        wall_s=time.perf_counter() - t0,
        midday_kwh=sum(midday_units) * unit_kwh,
        midday_peak_kw=max(midday_units, default=0) * power_step_kw,
    )


def _vehicle_variables(
    site: ChargingSiteSpec,
    duty: Sequence[DutyChargingVehicle],
    tl: _Timeline,
    power_step_kw: float,
    unit_kwh: float,
) -> _Mip:
    """Power and on/off per plugged slot, unmet energy per stay, and each stay's SoC floor
    and battery ceiling as cumulative constraints."""
    m = pywraplp.Solver.CreateSolver("SCIP")
    if m is None:  # pragma: no cover - SCIP ships with ortools
        raise SolverError("OR-Tools was built without SCIP")
    m.SetNumThreads(1)
    mip = _Mip(m, {}, {}, [], [], [])
    power, on = mip.power, mip.on
    for i, v in enumerate(duty):
        pmax = math.floor(min(v.max_charge_kw, site.charger_power_kw) / power_step_kw + 1e-9)
        mip.pmax_of.append(pmax)
        stays: list[list[int]] = []
        cum_d: Any = 0
        cum_u: Any = 0
        used_kwh = 0.0
        for k, iv in enumerate(v.intervals):
            slots = [
                t
                for t, s in enumerate(tl.starts)
                if s >= iv.arrival_min and s + SLOT_MIN <= iv.departure_min
            ]
            stays.append(slots)
            for t in slots:
                power[i, t] = m.IntVar(0, pmax, f"p_{i}_{t}")
                on[i, t] = m.BoolVar(f"on_{i}_{t}")
                m.Add(power[i, t] <= pmax * on[i, t])
            used_kwh += iv.trip_kwh
            need = math.ceil((iv.soc_needed_kwh + used_kwh - v.soc_arrival_kwh) / unit_kwh - 1e-9)
            room = math.floor((v.battery_kwh + used_kwh - v.soc_arrival_kwh) / unit_kwh + 1e-9)
            u = m.IntVar(0, max(0, need), f"unmet_{i}_{k}")
            mip.unmet.append(u)
            cum_d = cum_d + sum(power[i, t] for t in slots)
            cum_u = cum_u + u
            if need > 0:
                m.Add(cum_d + cum_u >= need)  # leaves stay k with its SoC floor
            m.Add(cum_d <= room)  # never above the battery
        mip.plugged.append(stays)
    return mip


def _solve_lexicographic(
    mip: _Mip,
    site: ChargingSiteSpec,
    tl: _Timeline,
    price: Sequence[float],
    unit_kwh: float,
    grid_units: int | None,
    time_limit_s: float,
    seed: int,
) -> str:
    """Plugs and grid per slot of the day; minimise unmet, then cost, then peak (each
    optimum kept while the next is minimised). ``optimal`` unless a stage timed out."""
    m, power, on = mip.m, mip.power, mip.on
    peak = mip.peak = m.NumVar(0, m.infinity(), "peak")
    by_day: dict[int, list[tuple[int, int]]] = {}
    for i, t in power:
        by_day.setdefault(tl.day_slot(t), []).append((i, t))
    for cells in by_day.values():
        m.Add(sum(on[c] for c in cells) <= site.charger_count)
        total = sum(power[c] for c in cells)
        if grid_units is not None:
            m.Add(total <= grid_units)
        m.Add(peak >= total)
    cost_coef = [round(p * unit_kwh * _COST_SCALE) for p in price]
    unmet_sum = sum(mip.unmet)
    cost = sum(cost_coef[t] * p for (_, t), p in power.items())
    statuses = []
    for stage, objective in enumerate((unmet_sum, cost, peak)):
        st, best = _solve_stage(m, objective, time_limit_s, seed)
        statuses.append(st)
        if stage < 2:  # keep this optimum while the next objective is minimised
            m.Add(objective <= best + 1e-6)
    return "optimal" if all(s == "optimal" for s in statuses) else "feasible"


def _site_loads(
    mip: _Mip, tl: _Timeline, val: dict[tuple[int, int], int]
) -> tuple[list[int], list[int], list[int]]:
    """Power units per slot of the day (all stays, midday stays) and vehicles drawing."""
    site_units = [0] * tl.n_day
    midday_units = [0] * tl.n_day
    occ = [0] * tl.n_day
    for i, stays in enumerate(mip.plugged):
        for k, slots in enumerate(stays):
            for t in slots:
                if val[i, t] > 0:
                    site_units[tl.day_slot(t)] += val[i, t]
                    occ[tl.day_slot(t)] += 1
                    if k < len(stays) - 1:
                        midday_units[tl.day_slot(t)] += val[i, t]
    return site_units, midday_units, occ


def _vehicle_result(
    v: DutyChargingVehicle, i: int, mip: _Mip, tl: _Timeline, val: dict[tuple[int, int], int],
    site_units: list[int], occ: list[int], site: ChargingSiteSpec, grid_units: int | None,
    power_step_kw: float, unit_kwh: float,
) -> tuple[VehicleSchedule, Shortage | None]:  # fmt: skip
    """One vehicle's schedule, and its shortage with what binds (None when restored)."""
    stays = mip.plugged[i]
    all_slots = [t for slots in stays for t in slots]
    rows = tuple((tl.starts[t], val[i, t] * power_step_kw) for t in all_slots if val[i, t] > 0)
    by_stay = [sum(val[i, t] for t in slots) * unit_kwh for slots in stays]
    short_by_stay = _shortfalls(v, by_stay)
    short_kwh = round(sum(short_by_stay), 6)
    sched = VehicleSchedule(
        v.vehicle_id,
        rows,
        sum(val[i, t] for t in all_slots) * unit_kwh,
        v.needed_kwh(),
        short_kwh,
        tuple(by_stay),
        tuple(short_by_stay),
    )
    short_stays = tuple(k for k, x in enumerate(short_by_stay) if x > 0)
    if not short_stays:
        return sched, None
    binding: set[str] = set()
    for k in short_stays:
        idle = [t for slots in stays[: k + 1] for t in slots if val[i, t] < mip.pmax_of[i]]
        if any(occ[tl.day_slot(t)] >= site.charger_count and val[i, t] == 0 for t in idle):
            binding.add("chargers")
        if grid_units is not None and any(site_units[tl.day_slot(t)] >= grid_units for t in idle):
            binding.add("grid_limit")
        if all(val[i, t] >= mip.pmax_of[i] for t in stays[k]):
            binding.add("plug_time")
    what = ", ".join(sorted(binding)) or "capacity"
    where = (
        ""
        if len(stays) == 1
        else " at stay(s) "
        + ", ".join(f"{k} (leaving {v.intervals[k].departure_min} min)" for k in short_stays)
    )
    need_txt = f"{v.intervals[-1].soc_needed_kwh:.2f} kWh" if len(stays) == 1 else "its trips"
    return sched, Shortage(
        v.vehicle_id,
        short_kwh,
        tuple(sorted(binding)),
        f"vehicle {v.vehicle_id} leaves {short_kwh:.2f} kWh short of "
        f"{need_txt}{where}; short: {what}",
        short_stays,
    )


def _shortfalls(v: DutyChargingVehicle, delivered_by_stay_kwh: Sequence[float]) -> list[float]:
    """kWh each stay leaves below its floor, the next trips evaluated as if made up."""
    soc = v.soc_arrival_kwh
    out: list[float] = []
    for k, (iv, e) in enumerate(zip(v.intervals, delivered_by_stay_kwh, strict=True)):
        if k:
            soc -= iv.trip_kwh
        soc += e
        short = max(0.0, iv.soc_needed_kwh - soc)
        out.append(round(short, 6) if short > 1e-6 else 0.0)
        soc = max(soc, iv.soc_needed_kwh)
    return out
