"""Depot charger sizing: power class and count per site, checked by the site's schedule.

For each candidate class (power kW, AC or DC) the count starts at the larger of the policy
floor ``ceil(plug-in vehicles / 4)`` and an energy lower bound (``need kWh / (kW x hours of
the charging window)``, the window capped at 24 h), grows until the schedule restores every
vehicle (then a bisection finds the least such count), then keeps adding chargers while the
yearly cost (annualised chargers + energy at the time-of-use tariff) still falls. The
cheapest class wins (ties: lower power). Classes whose cost lower bound is already above
the best are skipped. If no count up to one charger per vehicle restores the fleet, the
class with the least shortage is kept and the shortage is reported (``short_kwh``,
``binding``).

**Midday stays**: a vehicle whose duty needs charging between two trips
(:class:`MiddayStay`, recorded by ``duties.py``) is plugged during those gaps too; each gap
must bring it to the SoC the rest of its day needs. Midday and overnight stays share the
site's chargers by clock time (the day repeats: tomorrow 07:00 is today 07:00), see
:mod:`freight.fleet.charging_schedule`.

**Schedules.** The MIP (:func:`solve_charging_schedule`) needs seconds to minutes even on
a handful of vehicles when the site is tight, far too slow for the search over classes and
counts on hundreds of vehicles. The search therefore evaluates each (class, count) with
:func:`greedy_site_schedule`, a *constructive* schedule (least flexible stay first, cheapest
free slots at full power): whatever it builds respects the charger count and every
vehicle's power, so "no shortage" is proven by a real schedule (a shortage it reports is
conservative: more chargers are added). Each midday stay charges exactly what it must
(the rest waits for the cheaper night). The chosen configuration of a site with at most
``CP_SAT_MAX_VEHICLES`` vehicles is then re-scheduled by the MIP (least unmet kWh, then
cost, then peak kW), whose answer replaces the greedy one only if it is at least as good.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from freight.errors import SolverError
from freight.fleet.charging_mip import solve_charging_schedule
from freight.fleet.charging_schedule import (
    DAY_MIN,
    SLOT_MIN,
    ChargingSiteSpec,
    ChargingVehicle,
    DutyChargingVehicle,
    PlugInterval,
    TariffPeriod,
)
from freight.fleet.plan.defaults import ChargerClass
from freight.fleet.plan.duties import Duty

CP_SAT_MAX_VEHICLES = 16
#: Search stops after this many schedule evaluations per class (safety on huge sites).
MAX_EVALS_PER_CLASS = 40


@dataclass(frozen=True, slots=True)
class MiddayStay:
    """A gap between two trips of a duty at the depot, in minutes of the day.

    The vehicle arrives with ``soc_arrival_kwh`` (every earlier stay having charged exactly
    what it must) and leaves with at least ``soc_needed_kwh``.
    """

    arrival_min: int
    departure_min: int
    soc_arrival_kwh: float
    soc_needed_kwh: float

    @property
    def need_kwh(self) -> float:
        return max(0.0, self.soc_needed_kwh - self.soc_arrival_kwh)


@dataclass(frozen=True, slots=True)
class OvernightNeed:
    """A vehicle back at its depot: plugged from ``arrival_min`` to ``departure_min``.

    ``midday`` lists the gaps of its duty (in time order, before ``arrival_min``) in which it
    must also charge; ``soc_arrival_kwh`` assumes those stays charged exactly their need.
    """

    vehicle_id: str
    arrival_min: int
    departure_min: int
    soc_arrival_kwh: float
    soc_needed_kwh: float
    battery_kwh: float
    ac_max_kw: float
    dc_max_kw: float
    midday: tuple[MiddayStay, ...] = ()

    @property
    def overnight_kwh(self) -> float:
        return max(0.0, self.soc_needed_kwh - self.soc_arrival_kwh)

    @property
    def midday_kwh(self) -> float:
        return sum(m.need_kwh for m in self.midday)

    @property
    def need_kwh(self) -> float:
        """Energy to charge over the whole day (midday stays + night)."""
        return self.overnight_kwh + self.midday_kwh

    @property
    def first_arrival_min(self) -> int:
        return self.midday[0].arrival_min if self.midday else self.arrival_min

    def stays(self) -> list[tuple[int, int, float, bool]]:
        """(arrival, departure, kWh to charge, is midday) of every stay, in time order."""
        out = [(m.arrival_min, m.departure_min, m.need_kwh, True) for m in self.midday]
        return out + [(self.arrival_min, self.departure_min, self.overnight_kwh, False)]

    def charge_kw(self, c: ChargerClass) -> float:
        return min(self.ac_max_kw if c.kind == "ac" else self.dc_max_kw, c.power_kw)

    def for_class(self, c: ChargerClass) -> ChargingVehicle | DutyChargingVehicle:
        """The schedule's vehicle on chargers of class ``c`` (multi-stay if ``midday``)."""
        kw = self.charge_kw(c)
        if not self.midday:
            return ChargingVehicle(
                self.vehicle_id,
                self.arrival_min,
                self.departure_min,
                self.soc_arrival_kwh,
                self.soc_needed_kwh,
                self.battery_kwh,
                kw,
            )
        stays: list[PlugInterval] = []
        prev_needed = 0.0
        for k, m in enumerate(self.midday):
            trip = 0.0 if k == 0 else max(0.0, prev_needed - m.soc_arrival_kwh)
            stays.append(PlugInterval(m.arrival_min, m.departure_min, m.soc_needed_kwh, trip))
            prev_needed = m.soc_needed_kwh
        last_trip = max(0.0, prev_needed - self.soc_arrival_kwh)
        stays.append(
            PlugInterval(self.arrival_min, self.departure_min, self.soc_needed_kwh, last_trip)
        )
        return DutyChargingVehicle(
            self.vehicle_id, self.midday[0].soc_arrival_kwh, tuple(stays), self.battery_kwh, kw
        )


def need_for_duty(
    vehicle_id: str,
    duty: Duty,
    *,
    battery_kwh: float,
    ac_max_kw: float,
    dc_max_kw: float,
    soc_arrival_kwh: float | None = None,
    departure_min: int | None = None,
) -> OvernightNeed:
    """The charging need of a BEV duty: its midday stays (``duty.midday``) and the night
    from its last return to its first departure tomorrow (``departure_min``, default
    ``1440 + start``), back to a full battery. ``soc_arrival_kwh`` defaults to full minus
    the duty's energy plus its midday charges."""
    full = battery_kwh
    midday = tuple(
        MiddayStay(
            math.ceil(m.arrival_min - 1e-9),  # whole minutes inside the gap
            math.floor(m.departure_min + 1e-9),
            round(full - m.below_full_kwh, 3),
            round(min(full, full - m.below_full_kwh + m.charge_kwh), 3),
        )
        for m in duty.midday
    )
    soc = full - duty.energy_kwh + duty.midday_kwh if soc_arrival_kwh is None else soc_arrival_kwh
    return OvernightNeed(
        vehicle_id,
        math.ceil(duty.end_min),
        DAY_MIN + math.floor(duty.start_min) if departure_min is None else departure_min,
        round(max(0.0, min(full, soc)), 3),
        full,
        full,
        ac_max_kw,
        dc_max_kw,
        midday,
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
    midday_kwh: float = 0.0  # charged in midday stays (part of energy_kwh)
    midday_peak_kw: float = 0.0  # most site kW drawn by midday stays in one slot


@dataclass(frozen=True, slots=True)
class SiteChoice:
    site_id: str
    chosen: SiteEvaluation
    min_count: int  # policy floor ceil(plug-in / ratio)
    added_for_energy: int  # chargers above the floor
    evaluated: tuple[SiteEvaluation, ...]


@dataclass(frozen=True, slots=True)
class GreedySchedule:
    """A site's greedy schedule; slot keys are clock minutes of the day (start % 1440)."""

    kw_by_slot: dict[int, float]
    used_by_slot: dict[int, int]
    delivered_kwh: float
    cost_cny: float
    short_kwh: float
    binding: tuple[str, ...]
    midday_kwh: float
    midday_kw_by_slot: dict[int, float]
    #: (vehicle id, stay index in ``OvernightNeed.stays()``) -> ((slot start, kW), ...)
    slots_by_stay: dict[tuple[str, int], tuple[tuple[int, float], ...]]


def _stay_slots(arrival_min: int, departure_min: int) -> list[int]:
    """Starts of the whole 15-minute slots inside ``[arrival, departure]``."""
    first = -(-arrival_min // SLOT_MIN) * SLOT_MIN
    return list(range(first, departure_min - SLOT_MIN + 1, SLOT_MIN))


def _window_slots(active: Sequence[OvernightNeed]) -> int:
    """15-min slots from the first arrival to the last departure, at most one day."""
    first = min(n.first_arrival_min for n in active) // SLOT_MIN * SLOT_MIN
    span = max(n.departure_min for n in active) - first
    return max(1, min(DAY_MIN // SLOT_MIN, math.ceil(span / SLOT_MIN)))


def greedy_site_schedule(
    needs: Sequence[OvernightNeed],
    c: ChargerClass,
    count: int,
    tariff: tuple[TariffPeriod, ...],
) -> GreedySchedule:
    """A valid schedule built greedily (sound: it never exceeds ``count`` chargers in a
    clock slot nor a vehicle's power): least flexible stay first (midday and overnight
    stays alike), each takes its cheapest free 15-minute slots (earlier first on equal
    price) at full power until it has its need."""
    spec = ChargingSiteSpec("greedy", max(0, count), c.power_kw, None, tariff)
    h = SLOT_MIN / 60.0
    used: dict[int, int] = defaultdict(int)
    kw: dict[int, float] = defaultdict(float)
    midday_kw: dict[int, float] = defaultdict(float)
    delivered = cost = short = midday = 0.0
    binding: set[str] = set()
    taken: dict[tuple[str, int], tuple[tuple[int, float], ...]] = {}
    jobs: list[tuple[float, str, int, list[int], float, float, bool]] = []
    for n in needs:
        pmax = n.charge_kw(c)
        for k, (arr, dep, need, is_midday) in enumerate(n.stays()):
            if need <= 1e-9:
                continue
            slots = _stay_slots(arr, dep)
            jobs.append(
                (len(slots) * pmax * h - need, n.vehicle_id, k, slots, need, pmax, is_midday)
            )
    jobs.sort(key=lambda j: (j[0], j[1], j[2]))
    for _slack, vid, k, slots, need, pmax, is_midday in jobs:
        left = need
        rows: list[tuple[int, float]] = []
        for t in sorted(slots, key=lambda t: (spec.price_at(t), t)):
            if left <= 1e-9:
                break
            key = t % DAY_MIN
            if used[key] >= count:
                continue
            e = min(left, pmax * h)
            used[key] += 1
            kw[key] += e / h
            if is_midday:
                midday_kw[key] += e / h
                midday += e
            cost += e * spec.price_at(t)
            delivered += e
            left -= e
            rows.append((t, e / h))
        taken[vid, k] = tuple(sorted(rows))
        if left > 1e-9:
            short += left
            if len(slots) * pmax * h < need - 1e-9:
                binding.add("plug_time")
            else:
                binding.add("chargers")
    return GreedySchedule(
        dict(kw), dict(used), delivered, cost, short, tuple(sorted(binding)), midday,
        dict(midday_kw), taken,
    )  # fmt: skip


def greedy_schedule(
    needs: Sequence[OvernightNeed],
    c: ChargerClass,
    count: int,
    tariff: tuple[TariffPeriod, ...],
) -> tuple[dict[int, float], dict[int, int], float, float, float, tuple[str, ...]]:
    """:func:`greedy_site_schedule` as a tuple (site kW by clock slot, occupancy by clock
    slot, delivered kWh, energy cost CNY, short kWh, binding reasons)."""
    g = greedy_site_schedule(needs, c, count, tariff)
    return g.kw_by_slot, g.used_by_slot, g.delivered_kwh, g.cost_cny, g.short_kwh, g.binding


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
    """The site's day with ``count`` chargers of class ``c`` (greedy valid schedule)."""
    g = greedy_site_schedule(needs, c, count, tariff)
    active = [n for n in needs if n.need_kwh > 1e-9]
    if active and count:
        occupancy = sum(g.used_by_slot.values()) / (count * _window_slots(active))
    else:
        occupancy = 0.0
    return SiteEvaluation(
        power_kw=c.power_kw,
        count=count,
        peak_kw=round(max(g.kw_by_slot.values(), default=0.0), 3),
        energy_kwh=round(g.delivered_kwh, 3),
        occupancy=round(occupancy, 4),
        energy_cost_cny=round(g.cost_cny, 2),
        short_kwh=round(g.short_kwh, 3),
        binding=g.binding,
        cost_cny_per_year=round(count * annual_charger_cny + g.cost_cny * energy_days_per_year, 2),
        method="greedy",
        midday_kwh=round(g.midday_kwh, 3),
        midday_peak_kw=round(max(g.midday_kw_by_slot.values(), default=0.0), 3),
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
    slots = _window_slots(active)
    binding = res.binding
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
        midday_kwh=round(res.midday_kwh, 3),
        midday_peak_kw=round(res.midday_peak_kw, 3),
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
    # every kWh is charged inside the site's window, at most one day (the clock repeats)
    window_h = _window_slots(active) * SLOT_MIN / 60.0 if active else 1.0
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
        kw = min(c.power_kw, max((n.charge_kw(c) for n in active), default=c.power_kw))
        n_lb = max(floor_n, math.ceil(need_kwh / max(1e-9, kw * window_h) - 1e-9))
        n_lb = min(n_lb, cap)
        lb_cost = n_lb * c.capex_cny * annual_factor + need_kwh * min_price * energy_days_per_year
        if best is not None and lb_cost >= best.cost_cny_per_year:
            continue
        good, short = _least_count(functools.partial(ev, c), n_lb, cap)
        for e in short:
            if fallback is None or e.short_kwh < fallback.short_kwh:
                fallback = e
        if good is None:
            continue
        if better(good, best):
            best = good
    chosen = best or fallback
    if chosen is None:  # no vehicle needs energy: the policy floor at the smallest class
        c = min(classes, key=lambda x: x.power_kw)
        chosen = ev(c, floor_n)
    return SiteChoice(site_id, chosen, floor_n, chosen.count - floor_n, tuple(evaluated))


def _least_count(
    ev: Callable[[int], SiteEvaluation], n_lb: int, cap: int
) -> tuple[SiteEvaluation | None, list[SiteEvaluation]]:
    """One class: grow the count from ``n_lb`` until no vehicle is short, bisect down to
    the least such count, then add chargers while that lowers the yearly cost (at most
    ``MAX_EVALS_PER_CLASS`` evaluations). The best evaluation without shortage (None if
    even ``cap`` chargers fall short), and the evaluations with shortage in order."""
    n, bad, good = n_lb, n_lb - 1, None
    short: list[SiteEvaluation] = []
    evals = 0
    while evals < MAX_EVALS_PER_CLASS:
        e = ev(n)
        evals += 1
        if e.short_kwh <= 1e-6:
            good = e
            break
        short.append(e)
        bad = n
        if n >= cap:
            break
        n = min(cap, n + max(1, math.ceil(0.25 * n)))
    if good is None:
        return None, short
    lo, hi = bad, good.count  # bisection: least count without shortage
    while hi - lo > 1 and evals < MAX_EVALS_PER_CLASS:
        mid = (lo + hi) // 2
        e = ev(mid)
        evals += 1
        if e.short_kwh <= 1e-6:
            hi, good = mid, e
        else:
            lo = mid
    step = max(1, math.ceil(0.1 * good.count))
    while good.count + step <= cap and evals < MAX_EVALS_PER_CLASS:  # more chargers pay?
        e = ev(good.count + step)
        evals += 1
        if e.short_kwh > 1e-6 or e.cost_cny_per_year >= good.cost_cny_per_year:
            break
        good = e
    return good, short
