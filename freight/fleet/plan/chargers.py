"""Depot charger sizing: power class and count per site, checked by the overnight schedule.

For each candidate class (power kW, AC or DC) the count starts at the larger of the policy
floor ``ceil(plug-in vehicles / 4)`` and an energy lower bound (``need kWh / (kW x hours of
the overnight window)``), grows until :func:`solve_charging_schedule` restores every vehicle
(then a bisection finds the least such count), then keeps adding chargers while the yearly
cost (annualised chargers + energy at the time-of-use tariff) still falls. The cheapest class
wins (ties: lower power). Classes whose cost lower bound is already above the best are
skipped. If no count up to one charger per vehicle restores the fleet, the class with the
least shortage is kept and the shortage is reported (``short_kwh``, ``binding``).

**Schedules.** CP-SAT (:func:`solve_charging_schedule`) needs seconds to minutes even on
a handful of vehicles when the site is tight, far too slow for the search over classes and
counts on hundreds of vehicles. The search therefore evaluates each (class, count) with
:func:`greedy_schedule`, a *constructive* schedule (least flexible vehicle first, cheapest
free slots at full power): whatever it builds respects the charger count and every
vehicle's power, so "no shortage" is proven by a real schedule (a shortage it reports is
conservative: more chargers are added). The chosen configuration of a site with at most
``CP_SAT_MAX_VEHICLES`` vehicles is then re-scheduled by CP-SAT (least unmet kWh, then
cost, then peak kW), whose answer replaces the greedy one only if it is at least as good.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from freight.errors import SolverError
from freight.fleet.charging_schedule import (
    SLOT_MIN,
    ChargingSiteSpec,
    ChargingVehicle,
    TariffPeriod,
    solve_charging_schedule,
)
from freight.fleet.plan.defaults import ChargerClass

CP_SAT_MAX_VEHICLES = 16
#: Search stops after this many schedule evaluations per class (safety on huge sites).
MAX_EVALS_PER_CLASS = 40


@dataclass(frozen=True, slots=True)
class OvernightNeed:
    """A vehicle back at its depot: plugged from ``arrival_min`` to ``departure_min``."""

    vehicle_id: str
    arrival_min: int
    departure_min: int
    soc_arrival_kwh: float
    soc_needed_kwh: float
    battery_kwh: float
    ac_max_kw: float
    dc_max_kw: float

    @property
    def need_kwh(self) -> float:
        return max(0.0, self.soc_needed_kwh - self.soc_arrival_kwh)

    def for_class(self, c: ChargerClass) -> ChargingVehicle:
        kw = self.ac_max_kw if c.kind == "ac" else self.dc_max_kw
        return ChargingVehicle(
            self.vehicle_id,
            self.arrival_min,
            self.departure_min,
            self.soc_arrival_kwh,
            self.soc_needed_kwh,
            self.battery_kwh,
            min(kw, c.power_kw),
        )


@dataclass(frozen=True, slots=True)
class SiteEvaluation:
    """The overnight schedule of one site with ``count`` chargers of one class."""

    power_kw: float
    count: int
    peak_kw: float
    energy_kwh: float
    occupancy: float
    energy_cost_cny: float  # one night
    short_kwh: float
    binding: tuple[str, ...]
    cost_cny_per_year: float
    method: str = "greedy"


@dataclass(frozen=True, slots=True)
class SiteChoice:
    site_id: str
    chosen: SiteEvaluation
    min_count: int  # policy floor ceil(plug-in / ratio)
    added_for_energy: int  # chargers above the floor
    evaluated: tuple[SiteEvaluation, ...]


def greedy_schedule(
    needs: Sequence[OvernightNeed],
    c: ChargerClass,
    count: int,
    tariff: tuple[TariffPeriod, ...],
) -> tuple[dict[int, float], dict[int, int], float, float, float, tuple[str, ...]]:
    """A valid overnight schedule built greedily (sound: it never exceeds ``count`` chargers
    in a slot nor a vehicle's power): least flexible vehicle first, each takes its cheapest
    free 15-minute slots (earlier first on equal price) at full power until it is full.

    Returns (site kW by slot start, occupancy by slot start, delivered kWh, energy cost CNY,
    short kWh, binding reasons).
    """
    spec = ChargingSiteSpec("greedy", max(0, count), c.power_kw, None, tariff)
    h = SLOT_MIN / 60.0
    used: dict[int, int] = defaultdict(int)
    kw: dict[int, float] = defaultdict(float)
    delivered = cost = short = 0.0
    binding: set[str] = set()
    active = [n for n in needs if n.need_kwh > 1e-9]

    def window(n: OvernightNeed) -> list[int]:
        first = -(-n.arrival_min // SLOT_MIN) * SLOT_MIN
        return list(range(first, n.departure_min - SLOT_MIN + 1, SLOT_MIN))

    def slack(n: OvernightNeed) -> tuple[float, str]:
        pmax = n.for_class(c).max_charge_kw
        return (len(window(n)) * pmax * h - n.need_kwh, n.vehicle_id)

    for n in sorted(active, key=slack):
        pmax = n.for_class(c).max_charge_kw
        left = n.need_kwh
        slots = window(n)
        for t in sorted(slots, key=lambda t: (spec.price_at(t), t)):
            if left <= 1e-9:
                break
            if used[t] >= count:
                continue
            e = min(left, pmax * h)
            used[t] += 1
            kw[t] += e / h
            cost += e * spec.price_at(t)
            delivered += e
            left -= e
        if left > 1e-9:
            short += left
            if len(slots) * pmax * h < n.need_kwh - 1e-9:
                binding.add("plug_time")
            else:
                binding.add("chargers")
    return dict(kw), dict(used), delivered, cost, short, tuple(sorted(binding))


def evaluate_site(
    site_id: str,
    needs: Sequence[OvernightNeed],
    c: ChargerClass,
    count: int,
    tariff: tuple[TariffPeriod, ...],
    *,
    annual_charger_cny: float,
    energy_days_per_year: float,
) -> SiteEvaluation:
    """The site's night with ``count`` chargers of class ``c`` (greedy valid schedule)."""
    kw, used, energy, cost, short, binding = greedy_schedule(needs, c, count, tariff)
    active = [n for n in needs if n.need_kwh > 1e-9]
    if active and count:
        first = min(n.arrival_min for n in active) // SLOT_MIN * SLOT_MIN
        slots = max(1, math.ceil((max(n.departure_min for n in active) - first) / SLOT_MIN))
        occupancy = sum(used.values()) / (count * slots)
    else:
        occupancy = 0.0
    return SiteEvaluation(
        power_kw=c.power_kw,
        count=count,
        peak_kw=round(max(kw.values(), default=0.0), 3),
        energy_kwh=round(energy, 3),
        occupancy=round(occupancy, 4),
        energy_cost_cny=round(cost, 2),
        short_kwh=round(short, 3),
        binding=binding,
        cost_cny_per_year=round(count * annual_charger_cny + cost * energy_days_per_year, 2),
        method="greedy",
    )


def refine_with_cp_sat(
    site_id: str,
    needs: Sequence[OvernightNeed],
    c: ChargerClass,
    e: SiteEvaluation,
    tariff: tuple[TariffPeriod, ...],
    *,
    annual_charger_cny: float,
    energy_days_per_year: float,
    time_limit_s: float,
    seed: int,
) -> SiteEvaluation:
    """Re-schedule a chosen site with CP-SAT (least unmet, cost, peak); keep the greedy
    schedule unless CP-SAT proves optimality in time (so the plan stays reproducible) and is
    at least as good."""
    active = [n for n in needs if n.need_kwh > 1e-9]
    if not active or e.count == 0:
        return e
    spec = ChargingSiteSpec(site_id, e.count, c.power_kw, None, tariff)
    try:
        res = solve_charging_schedule(
            spec, [n.for_class(c) for n in active], power_step_kw=0.1,
            time_limit_s=time_limit_s, seed=seed,
        )  # fmt: skip
    except SolverError:
        return e
    if res.status != "optimal":  # time-limited answers vary by machine: keep greedy
        return e
    if res.unmet_kwh > e.short_kwh + 1e-6 or (res.unmet_kwh > 1e-6 and e.short_kwh <= 1e-6):
        return e
    first = res.slot_starts_min[0] if res.slot_starts_min else 0
    slots = max(1, math.ceil((max(n.departure_min for n in active) - first) / SLOT_MIN))
    binding = sorted({b for sh in res.shortages for b in sh.binding})
    return SiteEvaluation(
        power_kw=c.power_kw,
        count=e.count,
        peak_kw=round(res.peak_kw, 3),
        energy_kwh=round(sum(v.delivered_kwh for v in res.vehicles), 3),
        occupancy=round(sum(res.occupancy_by_slot) / (e.count * slots), 4),
        energy_cost_cny=round(res.energy_cost_cny, 2),
        short_kwh=round(res.unmet_kwh, 3),
        binding=tuple(binding),
        cost_cny_per_year=round(
            e.count * annual_charger_cny + res.energy_cost_cny * energy_days_per_year, 2
        ),
        method=f"cp-sat ({res.status})",
    )


def choose_site_chargers(
    site_id: str,
    needs: Sequence[OvernightNeed],
    plug_in_vehicles: int,
    classes: Sequence[ChargerClass],
    tariff: tuple[TariffPeriod, ...],
    *,
    max_per_charger: int,
    annual_factor: float,
    energy_days_per_year: float,
) -> SiteChoice:
    """Cheapest class and count that restores every vehicle (see module docstring).

    ``annual_factor`` turns a charger's capex into CNY per year (CRF + O&M share).
    """
    floor_n = math.ceil(plug_in_vehicles / max_per_charger) if plug_in_vehicles else 0
    active = [n for n in needs if n.need_kwh > 1e-9]
    cap = max(floor_n, len(active))
    need_kwh = sum(n.need_kwh for n in active)
    window_h = (
        (max(n.departure_min for n in active) - min(n.arrival_min for n in active)) / 60.0
        if active
        else 1.0
    )
    min_price = min((p.cny_per_kwh for p in tariff), default=0.0)
    evaluated: list[SiteEvaluation] = []
    best: SiteEvaluation | None = None
    fallback: SiteEvaluation | None = None

    def ev(c: ChargerClass, n: int) -> SiteEvaluation:
        e = evaluate_site(
            site_id,
            needs,
            c,
            n,
            tariff,
            annual_charger_cny=c.capex_cny * annual_factor,
            energy_days_per_year=energy_days_per_year,
        )
        evaluated.append(e)
        return e

    def better(a: SiteEvaluation, b: SiteEvaluation | None) -> bool:
        return b is None or (a.cost_cny_per_year, a.power_kw) < (b.cost_cny_per_year, b.power_kw)

    for c in sorted(classes, key=lambda x: x.power_kw):
        kw = min(
            c.power_kw, max((n.for_class(c).max_charge_kw for n in active), default=c.power_kw)
        )
        n_lb = max(floor_n, math.ceil(need_kwh / max(1e-9, kw * window_h) - 1e-9))
        n_lb = min(n_lb, cap)
        lb_cost = n_lb * c.capex_cny * annual_factor + need_kwh * min_price * energy_days_per_year
        if best is not None and lb_cost >= best.cost_cny_per_year:
            continue
        n, bad, good = n_lb, n_lb - 1, None
        evals = 0
        while evals < MAX_EVALS_PER_CLASS:
            e = ev(c, n)
            evals += 1
            if e.short_kwh <= 1e-6:
                good = e
                break
            if fallback is None or e.short_kwh < fallback.short_kwh:
                fallback = e
            bad = n
            if n >= cap:
                break
            n = min(cap, n + max(1, math.ceil(0.25 * n)))
        if good is None:
            continue
        lo, hi = bad, good.count  # bisection: least count without shortage
        while hi - lo > 1 and evals < MAX_EVALS_PER_CLASS:
            mid = (lo + hi) // 2
            e = ev(c, mid)
            evals += 1
            if e.short_kwh <= 1e-6:
                hi, good = mid, e
            else:
                lo = mid
        step = max(1, math.ceil(0.1 * good.count))
        while good.count + step <= cap and evals < MAX_EVALS_PER_CLASS:  # more chargers pay?
            e = ev(c, good.count + step)
            evals += 1
            if e.short_kwh > 1e-6 or e.cost_cny_per_year >= good.cost_cny_per_year:
                break
            good = e
        if better(good, best):
            best = good
    chosen = best or fallback
    if chosen is None:  # no vehicle needs energy: the policy floor at the smallest class
        c = min(classes, key=lambda x: x.power_kw)
        chosen = ev(c, floor_n)
    return SiteChoice(site_id, chosen, floor_n, chosen.count - floor_n, tuple(evaluated))
