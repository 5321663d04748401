"""Fleet and charger sizing for a year (issue 7): route both days, size fleet and chargers.

``plan_fleet(year, params)``:

1. Load the winter and summer representative days (optionally a seeded subsample of
   ``max_stops`` points each), decompose them into parts (``build.build_parts``) and route all
   parts of both days in parallel (``executors.run_parts``; fixed seed + iteration cap, so
   the plan is reproducible; the whole-plan time limit is only a safety cap).
2. Merge each day's parts and verify the merged day with ``check_plan`` (every part was
   already verified by the router); count served/unserved.
3. Fleet by (type, depot) = the larger of the two days' vehicles used, plus a reserve
   (``reserve_share``, rounded up); refrigerated vehicles are added (at the depot with most
   refrigerated stops) until they are at least ``min_refrigerated_share`` of the fleet.
4. Chargers per depot site: ``chargers.choose_site_chargers`` on the winter day's return
   SoCs (every vehicle must be full again by the next shift start), at least
   ``ceil(plug-in vehicles / 4)``; PHEVs are plug-in vehicles and recharge their pack.
5. Cost: annualised TCO (capital recovery factor) of vehicles and chargers, energy
   (overnight schedule at the time-of-use tariff; en-route and PHEV fuel at stated prices),
   drivers (per paid hour: each duty's first departure to last return) and maintenance;
   the policy block compares with the 3,000-vehicle 2035 target
   (intermediate years: a straight-line ramp from the baseline year, a stated assumption).
"""

from __future__ import annotations

import math
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from freight.demand import load_charging_sites, load_depots, load_urban_day
from freight.errors import InputError
from freight.fleet.charging_schedule import ChargingSiteSpec
from freight.fleet.plan.build import build_parts, merged_problem, rehome_part, sample_points
from freight.fleet.plan.chargers import (
    CP_SAT_MAX_VEHICLES,
    OvernightNeed,
    choose_site_chargers,
    need_for_duty,
    refine_with_cp_sat,
)
from freight.fleet.plan.defaults import (
    capital_recovery_factor,
    load_fleet_defaults,
)
from freight.fleet.plan.duties import DEFAULT_RELOAD_MIN, DutyResult, chain_by_type
from freight.fleet.plan.executors import ENGINES, PartTask, run_parts
from freight.fleet.plan.rebalance import plan_moves
from freight.fleet.result import FleetResult, FleetStatus, RoutePlan, StopVisit, Unserved
from freight.fleet.routing import RouterParams
from freight.fleet.verify import verify_plan

FIRST_YEAR = 2026
LAST_YEAR = 2035
DAYS = ("winter", "summer")
#: Default stops per routed part (bench/results/fleet_plan.md: size vs speed).
DEFAULT_PART_STOPS = 120
#: PyVRP iteration cap per part (reproducible runs; the time limit is only a safety cap).
DEFAULT_MAX_ITERATIONS = 100

Progress = Callable[[float, str], None]


def _default_powers() -> tuple[float, ...]:
    return tuple(c.power_kw for c in load_fleet_defaults().chargers)


@dataclass(frozen=True, slots=True)
class PlanParams:
    """Planner settings (the fleet-plan contract)."""

    seed: int = 0
    time_limit_s: float = 600.0
    engine: str = "process"
    workers: int | None = None
    ray_address: str | None = None
    max_stops: int | None = None
    charger_powers_kw: tuple[float, ...] = field(default_factory=_default_powers)
    part_stops: int = DEFAULT_PART_STOPS
    max_iterations: int = DEFAULT_MAX_ITERATIONS

    def __post_init__(self) -> None:
        if not (isinstance(self.time_limit_s, int | float) and self.time_limit_s > 0):
            raise InputError(f"time_limit_s must be > 0, got {self.time_limit_s!r}")
        if self.engine not in ENGINES:
            raise InputError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}")
        if self.workers is not None and self.workers < 1:
            raise InputError(f"workers must be >= 1, got {self.workers}")
        if self.max_stops is not None and self.max_stops < 1:
            raise InputError(f"max_stops must be >= 1, got {self.max_stops}")
        if self.part_stops < 10:
            raise InputError(f"part_stops must be >= 10, got {self.part_stops}")
        if self.max_iterations < 1:
            raise InputError(f"max_iterations must be >= 1, got {self.max_iterations}")
        powers = tuple(float(p) for p in self.charger_powers_kw)
        if not powers:
            raise InputError("charger_powers_kw must not be empty")
        known = {c.power_kw for c in load_fleet_defaults().chargers}
        bad = [p for p in powers if p not in known]
        if bad:
            raise InputError(
                f"charger_powers_kw: {bad} not among the cited charger classes "
                f"{sorted(known)} (networks/kuytun/fleet_defaults.toml)"
            )
        object.__setattr__(self, "charger_powers_kw", powers)


@dataclass(frozen=True, slots=True)
class FleetPlan:
    """One year's plan; ``to_dict`` is the contract JSON."""

    year: int
    vehicles: tuple[dict[str, Any], ...]
    chargers: tuple[dict[str, Any], ...]
    vehicles_per_charger: float
    vehicles_per_charger_by_depot: tuple[dict[str, Any], ...]
    refrigerated_share: float
    overnight_energy_ok: bool
    daily_check: tuple[dict[str, Any], ...]
    policy: dict[str, Any]
    cost: dict[str, float]
    assumptions: dict[str, Any]
    sampled: bool
    partial: bool
    wall_s: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "vehicles": [dict(v) for v in self.vehicles],
            "chargers": [dict(c) for c in self.chargers],
            "vehicles_per_charger": self.vehicles_per_charger,
            "vehicles_per_charger_by_depot": [dict(r) for r in self.vehicles_per_charger_by_depot],
            "refrigerated_share": self.refrigerated_share,
            "overnight_energy_ok": self.overnight_energy_ok,
            "daily_check": [dict(r) for r in self.daily_check],
            "policy": dict(self.policy),
            "cost": dict(self.cost),
            "assumptions": dict(self.assumptions),
            "sampled": self.sampled,
            "partial": self.partial,
            "wall_s": self.wall_s,
        }


@dataclass(frozen=True, slots=True)
class FleetPlanSet:
    plans: tuple[FleetPlan, ...]
    wall_s: float
    partial: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "plans": [p.to_dict() for p in self.plans],
            "wall_s": self.wall_s,
            "partial": self.partial,
        }


def _check_year(year: Any) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError(f"year must be an integer, got {year!r}")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(f"year must be between {FIRST_YEAR} and {LAST_YEAR}, got {year}")
    return year


def _merge_day(parts_results: Sequence[tuple[Any, FleetResult | None]]) -> FleetResult:
    routes = []
    unserved: list[Unserved] = []
    for part, res in parts_results:
        if res is None:
            unserved += [Unserved(s.id, "not routed: plan time limit") for s in part.problem.stops]
            continue
        routes += list(res.routes)
        unserved += list(res.unserved)
    return FleetResult(
        status=FleetStatus.PARTIAL if unserved else FleetStatus.FEASIBLE,
        objective_cny=sum(r.cost_cny for r in routes),
        distance_km=sum(r.distance_km for r in routes),
        vehicles_used=len(routes),
        routes=tuple(routes),
        unserved=tuple(unserved),
        wall_s=max((r.wall_s for _, r in parts_results if r is not None), default=0.0),
    )


def plan_fleet(
    year: int, params: PlanParams | None = None, progress: Progress | None = None
) -> FleetPlan:
    """Size the fleet and chargers of ``year`` (see module docstring)."""
    return _plan(_check_year(year), params or PlanParams(), progress, time.perf_counter())


def plan_fleet_years(
    years: Sequence[int], params: PlanParams | None = None, progress: Progress | None = None
) -> FleetPlanSet:
    """``plan_fleet`` for each year (in year order), sharing the time limit."""
    params = params or PlanParams()
    ys = sorted({_check_year(y) for y in years})
    if not ys:
        raise InputError("years must not be empty")
    t0 = time.perf_counter()
    plans: list[FleetPlan] = []
    for k, y in enumerate(ys):
        left = params.time_limit_s - (time.perf_counter() - t0)
        share = max(1.0, left / (len(ys) - k))

        def sub(f: float, msg: str, k: int = k, y: int = y) -> None:
            if progress:
                progress((k + f) / len(ys), f"{y}: {msg}")

        sub_params = PlanParams(
            params.seed, share, params.engine, params.workers, params.ray_address,
            params.max_stops, params.charger_powers_kw, params.part_stops, params.max_iterations,
        )  # fmt: skip
        plans.append(_plan(y, sub_params, sub, time.perf_counter()))
    if progress:
        progress(1.0, "done")
    return FleetPlanSet(
        tuple(plans), round(time.perf_counter() - t0, 3), any(p.partial for p in plans)
    )


def _plan(year: int, params: PlanParams, progress: Progress | None, t0: float) -> FleetPlan:
    d = load_fleet_defaults()
    say = progress or (lambda f, m: None)
    deadline = t0 + params.time_limit_s
    depots = load_depots()
    sites = load_charging_sites()
    say(0.0, "loading demand")
    days_points = {}
    sampled = False
    for k, day in enumerate(DAYS):
        pts = load_urban_day(year, day)
        days_points[day] = sample_points(pts, params.max_stops, params.seed + 7919 * k)
        sampled = sampled or len(days_points[day]) < len(pts)
    parts = {
        day: build_parts(day, days_points[day], depots, sites, d, params.part_stops) for day in DAYS
    }
    all_parts = [p for day in DAYS for p in parts[day]]
    workers = params.workers or os.cpu_count() or 1
    # per-part safety cap: several times a fair share of the budget (iterations decide)
    fair = params.time_limit_s * 0.8 * workers / max(1, len(all_parts))
    cap = max(5.0, 4 * fair)
    tasks = [
        PartTask(
            p.key,
            p.problem,
            RouterParams(time_limit_s=cap, seed=params.seed, max_iterations=params.max_iterations),
        )
        for p in all_parts
    ]
    say(0.02, f"routing {len(tasks)} parts of {sum(len(p.problem.stops) for p in all_parts)} stops")
    route_deadline = t0 + params.time_limit_s * 0.85

    def on_done(n: int, total: int) -> None:
        say(0.02 + 0.78 * n / total, f"routed part {n}/{total}")

    results = run_parts(
        tasks,
        engine=params.engine,
        workers=workers,
        deadline=route_deadline,
        address=params.ray_address,
        on_done=on_done,
    )
    partial = any(r is None for r in results)
    by_key = dict(zip((p.key for p in all_parts), results, strict=True))

    classes = [d.charger(p) for p in params.charger_powers_kw]

    def evaluate() -> tuple[
        list[dict[str, Any]],
        dict[str, FleetResult],
        dict[str, dict[str, tuple[DutyResult, tuple[int, ...]]]],
        dict[tuple[str, str], int],
    ]:
        """Merge, verify and chain each day's routes; vehicles needed by (type, depot)."""
        daily: list[dict[str, Any]] = []
        merged: dict[str, FleetResult] = {}
        day_wall: dict[str, float] = defaultdict(float)
        for day in DAYS:
            for p in parts[day]:
                r = by_key[p.key]
                if r is not None:
                    day_wall[day] += r.wall_s
        # usable battery per type@depot for duty chaining (PHEV: unlimited, the engine takes over)
        usable: dict[str, float | None] = {}
        for day in DAYS:
            for p in parts[day]:
                for vt in p.problem.vehicle_types:
                    spec = d.vehicle(vt.id.split("@")[0])
                    usable[vt.id] = (
                        None if spec.powertrain != "bev" else spec.battery_kwh - spec.min_soc_kwh
                    )
        # midday charging between trips (issue #7): the class is chosen after the duties, so
        # a gap counts at the slowest candidate class's power for the vehicle (any class chosen
        # delivers at least that); PHEVs need none (the engine takes over)
        midday_kw: dict[str, float] = {}
        for tid, cap_kwh in usable.items():
            if cap_kwh is not None:
                spec = d.vehicle(tid.split("@")[0])
                midday_kw[tid] = min(spec.max_charge_kw(c.power_kw, c.kind) for c in classes)
        duties: dict[str, dict[str, tuple[DutyResult, tuple[int, ...]]]] = {}
        for day in DAYS:
            res = _merge_day([(p, by_key[p.key]) for p in parts[day]])
            problem = merged_problem(parts[day], depots, sites, d)
            errs = verify_plan(problem, res)
            merged[day] = res
            duties[day] = chain_by_type(
                res.routes,
                reload_min=DEFAULT_RELOAD_MIN,
                usable_kwh_by_type=usable,
                charge_kw_by_type=midday_kw,
            )
            daily.append(
                {
                    "day": day,
                    "stops": len(problem.stops),
                    "served": res.served_count,
                    "unserved": len(res.unserved),
                    "routes": len(res.routes),
                    "vehicles_used": sum(len(dr.duties) for dr, _ in duties[day].values()),
                    "duty_lower_bound": sum(dr.lower_bound for dr, _ in duties[day].values()),
                    "duties_with_midday_charge": sum(
                        1 for dr, _ in duties[day].values() for du in dr.duties if du.midday
                    ),
                    "distance_km": round(res.distance_km, 3),
                    "energy_kwh": round(sum(r.energy_kwh for r in res.routes), 3),
                    "verified": not errs,
                    "verify_errors": errs[:5],
                    "parts": len(parts[day]),
                    "wall_s": round(day_wall[day], 3),
                }
            )
        # ---- fleet by (type, depot)
        need: dict[tuple[str, str], int] = defaultdict(int)
        for day in DAYS:
            for tid, (dr, _) in duties[day].items():
                n = len(dr.duties)
                spec_id, depot = tid.split("@")
                need[spec_id, depot] = max(need[spec_id, depot], n)
        return daily, merged, duties, need

    def with_reserve(need: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
        return {k: math.ceil(n * (1 + d.reserve_share) - 1e-9) for k, n in need.items() if n > 0}

    say(0.8, "verifying merged days")
    daily, merged, duties, need = evaluate()
    fleet = with_reserve(need)
    # ---- depot capacity: a depot bases at most max_plugs x max_vehicles_per_charger vehicles
    site_of = {s.node_id: s for s in sites if s.kind == "depot"}
    cap_by_depot: dict[str, int | None] = {}
    for x in depots:
        site = site_of.get(x.node_id)
        cap_by_depot[x.id] = None if site is None else site.max_plugs * d.max_vehicles_per_charger
    fleet_by_dep0: Counter[str] = Counter()
    for (_, dep), n in fleet.items():
        fleet_by_dep0[dep] += n
    moves = [] if partial else plan_moves(parts, fleet_by_dep0, cap_by_depot, depots)
    if moves:
        say(0.8, f"rebalancing: {len(moves)} parts move to depots with room for chargers")
        dep_by_id = {x.id: x for x in depots}
        to_of = {m.key: m.to for m in moves}
        parts = {
            day: [rehome_part(p, dep_by_id[to_of[p.key]], d) if p.key in to_of else p for p in ps]
            for day, ps in parts.items()
        }
        fresh = [p for day in DAYS for p in parts[day] if p.key not in by_key]
        again = run_parts(
            [
                PartTask(
                    p.key,
                    p.problem,
                    RouterParams(
                        time_limit_s=cap, seed=params.seed, max_iterations=params.max_iterations
                    ),
                )
                for p in fresh
            ],
            engine=params.engine,
            workers=workers,
            deadline=route_deadline,
            address=params.ray_address,
            on_done=lambda n, total: say(0.8, f"rebalancing: routed part {n}/{total}"),
        )
        by_key.update(zip((p.key for p in fresh), again, strict=True))
        partial = any(r is None for r in again)
        daily, merged, duties, need = evaluate()
        fleet = with_reserve(need)
    rebalanced: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for m in moves:
        rebalanced[m.day, m.frm, m.to][0] += 1
        rebalanced[m.day, m.frm, m.to][1] += m.stops
    reefer_added = 0
    reefer_spec = next(v for v in d.vehicles if v.refrigerated)
    total = sum(fleet.values())
    reefers = sum(n for (t, _), n in fleet.items() if d.vehicle(t).refrigerated)
    while total and reefers < d.min_refrigerated_share * total:
        rs = Counter(p.depot for p in parts["winter"] for s in p.problem.stops if s.refrigerated)
        dep = rs.most_common(1)[0][0] if rs else sorted({dd for _, dd in fleet})[0]
        fleet[reefer_spec.id, dep] = fleet.get((reefer_spec.id, dep), 0) + 1
        reefers += 1
        total += 1
        reefer_added += 1
    say(0.84, "sizing depot chargers")
    # ---- chargers per depot site on the winter night
    crf_ch = capital_recovery_factor(d.discount_rate, d.charger_life_years)
    annual_factor = crf_ch + d.charger_om_share
    tariff = ChargingSiteSpec.tariff_from_tuples(d.tariff)
    winter_kwh = daily[0]["energy_kwh"]
    summer_kwh = daily[1]["energy_kwh"]
    # energy-weighted days: the summer night needs summer_kwh / winter_kwh of a winter night
    energy_days = d.winter_days_per_year + d.summer_days_per_year * (
        summer_kwh / winter_kwh if winter_kwh > 0 else 1.0
    )
    needs_by_depot: dict[str, list[OvernightNeed]] = defaultdict(list)
    w_problem = merged_problem(parts["winter"], depots, sites, d)
    w_routes = merged["winter"].routes

    def route_soc(r: RoutePlan) -> float:
        """SoC back at the depot after ``r`` alone, from a full battery."""
        spec = d.vehicle(r.vehicle_type.split("@")[0])
        last = r.visits[-1]
        vt = w_problem.vehicle_type(r.vehicle_type)
        from_idx = w_problem.index_of(last.stop_id if isinstance(last, StopVisit) else last.site_id)
        leg = vt.leg_kwh(
            w_problem.km(from_idx, w_problem.index_of(r.vehicle_type.split("@")[1])), 0.0
        )
        return (last.soc_kwh if last.soc_kwh is not None else spec.battery_kwh) - leg

    k = 0
    for tid, (dr, idx) in duties["winter"].items():
        spec_id, depot = tid.split("@")
        spec = d.vehicle(spec_id)
        for duty in dr.duties:
            legs = [w_routes[idx[j]] for j in duty.route_indices]
            if spec.powertrain == "bev":
                # one route: its own SoC trace; a chain has no charging visit, so the
                # battery loses the routes' energy and gains its midday charges (duties.py)
                soc = (
                    route_soc(legs[0])
                    if len(legs) == 1
                    else spec.battery_kwh - duty.energy_kwh + duty.midday_kwh
                )
            else:  # PHEV: electric first, then engine
                soc = spec.battery_kwh - min(
                    spec.battery_kwh - spec.min_soc_kwh,
                    duty.distance_km * spec.kwh_per_km("winter"),
                )
            needs_by_depot[depot].append(
                need_for_duty(
                    f"v{k}",
                    duty,
                    battery_kwh=spec.battery_kwh,
                    ac_max_kw=spec.ac_max_kw,
                    dc_max_kw=spec.dc_max_kw,
                    soc_arrival_kwh=soc,
                    departure_min=1440 + math.floor(duty.start_min),  # first departure tomorrow
                )
            )
            k += 1
    chargers: list[dict[str, Any]] = []
    ratio_rows: list[dict[str, Any]] = []
    fleet_by_depot: Counter[str] = Counter()
    for (_, dep), n in fleet.items():
        fleet_by_depot[dep] += n
    dep_ids = [x.id for x in depots if fleet_by_depot[x.id] > 0]
    for k, dep in enumerate(dep_ids):
        site = site_of.get(next(x.node_id for x in depots if x.id == dep))
        site_id = site.id if site else f"cs_{dep}"
        choice = choose_site_chargers(
            site_id,
            needs_by_depot[dep],
            fleet_by_depot[dep],
            classes,
            tariff,
            max_per_charger=d.max_vehicles_per_charger,
            annual_factor=annual_factor,
            energy_days_per_year=energy_days,
        )
        e = choice.chosen
        if len(needs_by_depot[dep]) <= CP_SAT_MAX_VEHICLES:
            e = refine_with_cp_sat(
                site_id, needs_by_depot[dep], d.charger(e.power_kw), e, tariff,
                annual_charger_cny=d.charger(e.power_kw).capex_cny * annual_factor,
                energy_days_per_year=energy_days, time_limit_s=5.0, seed=params.seed,
            )  # fmt: skip
        chargers.append(
            {
                "site": site_id,
                "depot": dep,
                "power_kw": e.power_kw,
                "count": e.count,
                "peak_kw": e.peak_kw,
                "energy_kwh": e.energy_kwh,
                "occupancy": e.occupancy,
                "energy_cost_cny": e.energy_cost_cny,
                "midday_kwh": e.midday_kwh,
                "midday_peak_kw": e.midday_peak_kw,
                "midday_vehicles": sum(1 for n in needs_by_depot[dep] if n.midday),
                "short_kwh": e.short_kwh,
                "binding": ", ".join(e.binding) if e.short_kwh > 1e-6 else None,
                "min_count_by_ratio": choice.min_count,
                "added_for_energy_or_cost": choice.added_for_energy,
                "site_max_plugs": site.max_plugs if site else None,
                "schedule_method": e.method,
            }
        )
        ratio_rows.append(
            {
                "depot": dep,
                "plug_in_vehicles": fleet_by_depot[dep],
                "chargers": e.count,
                "ratio": round(fleet_by_depot[dep] / e.count, 4) if e.count else None,
            }
        )
        say(
            0.84 + 0.14 * (k + 1) / len(dep_ids),
            f"chargers at {site_id}: {e.count} x {e.power_kw:g} kW",
        )
    n_veh = sum(fleet.values())
    n_ch = sum(c["count"] for c in chargers)
    ok = all(c["short_kwh"] <= 1e-6 for c in chargers)
    # ---- cost per year
    vehicles_cost = sum(
        n
        * d.vehicle(t).price_cny
        * capital_recovery_factor(d.discount_rate, d.vehicle(t).life_years)
        for (t, _), n in fleet.items()
    )
    chargers_cost = sum(
        c["count"] * d.charger(c["power_kw"]).capex_cny * annual_factor for c in chargers
    )
    depot_energy = sum(c["energy_cost_cny"] for c in chargers) * energy_days
    fuel = 0.0
    ops = 0.0
    for day, days_n in (("winter", d.winter_days_per_year), ("summer", d.summer_days_per_year)):
        # one driver and one battery per duty (vehicle-day), not per route; the driver is
        # paid per hour from the duty's first departure to its last return (reloads and
        # gaps between trips included), as the router charges each route's duration
        for tid, (dr, _) in duties[day].items():
            spec = d.vehicle(tid.split("@")[0])
            for r in dr.duties:
                paid_h = (r.end_min - r.start_min) / 60.0
                ops += days_n * (
                    spec.driver_cny_per_hour * paid_h + spec.maintenance_cny_per_km * r.distance_km
                )
                if spec.powertrain == "phev":
                    e_km = (spec.battery_kwh - spec.min_soc_kwh) / spec.kwh_per_km(day)
                    fuel += (
                        days_n
                        * max(0.0, r.distance_km - e_km)
                        * spec.l_per_100km
                        / 100
                        * d.fuel_cny_per_l
                    )
    energy_cost = depot_energy + fuel
    cost = {
        "vehicles_cny_per_year": round(vehicles_cost, 2),
        "chargers_cny_per_year": round(chargers_cost, 2),
        "energy_cny_per_year": round(energy_cost, 2),
        "driver_and_maintenance_cny_per_year": round(ops, 2),
        "total_cny_per_year": round(vehicles_cost + chargers_cost + energy_cost + ops, 2),
    }
    # ---- policy
    span = d.target_year - d.baseline_year
    target_now = round(d.target_new_energy_vehicles * min(1.0, (year - d.baseline_year) / span))
    served_all = all(r["unserved"] == 0 for r in daily)
    note = (
        f"{'sampled days: ' if sampled else ''}"
        f"demand needs {n_veh:,} new-energy vehicles in {year} "
        f"({sum(need.values()):,} = each type and depot's busier day's duties, "
        f"+ {d.reserve_share:.0%} "
        "reserve rounded up per type and depot"
        f"{f' + {reefer_added} refrigerated to reach the share' if reefer_added else ''}); "
        f"the plan's trajectory to {d.target_new_energy_vehicles:,} by {d.target_year} "
        f"(straight line from {d.baseline_year}) is {target_now:,} for {year}: "
        + (
            "a sampled plan covers only part of the demand and cannot be compared to it"
            if sampled
            else (
                f"demand needs {n_veh - target_now:+,} against it"
                if target_now
                else "no target yet"
            )
        )
        + ("" if served_all else "; some stops unserved, see daily_check")
    )
    over = [
        c["site"]
        for c in chargers
        if c["site_max_plugs"] is not None and c["count"] > c["site_max_plugs"]
    ]
    moved_rows: list[dict[str, Any]] = [
        {"day": day, "from": frm, "to": to, "parts": n, "stops": st}
        for (day, frm, to), (n, st) in sorted(rebalanced.items())
    ]
    if rebalanced:
        froms = sorted({frm for _, frm, _ in rebalanced})
        tos = sorted({to for _, _, to in rebalanced})
        n_parts = sum(n for n, _ in rebalanced.values())
        n_stops = sum(st for _, st in rebalanced.values())
        note += (
            f"; {', '.join(froms)} had more vehicles than its charging site's max_plugs x "
            f"{d.max_vehicles_per_charger} allows: {n_parts} sectors ({n_stops:,} stops over "
            f"both days) are served from {', '.join(tos)} instead (depot_rebalancing)"
        )
    if over:
        note += (
            f"; {', '.join(over)} need more chargers than the candidate site's max_plugs "
            "(charging_sites.csv): extend those sites or add another depot site"
        )
    policy = {
        "target_new_energy_vehicles": d.target_new_energy_vehicles,
        "target_year": d.target_year,
        "target_for_year": target_now,
        "planned_new_energy_vehicles": n_veh,
        "max_vehicles_per_charger": d.max_vehicles_per_charger,
        "min_refrigerated_share": d.min_refrigerated_share,
        "refrigerated_added_for_share": reefer_added,
        "chargers_added_above_ratio": sum(c["added_for_energy_or_cost"] for c in chargers),
        "sites_over_candidate_plugs": over,
        "depot_rebalancing": moved_rows,
        "note": note,
    }
    vehicles = tuple(
        {
            "type": t,
            "depot": dep,
            "count": n,
            "powertrain": d.vehicle(t).powertrain,
            "refrigerated": d.vehicle(t).refrigerated,
            "battery_kwh": d.vehicle(t).battery_kwh,
        }
        for (t, dep), n in sorted(fleet.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    )
    assumptions = d.as_assumptions()
    assumptions.update(
        {
            "part_stops": params.part_stops,
            "max_iterations_per_part": params.max_iterations,
            "seed": params.seed,
            "engine": params.engine,
            "charger_powers_kw": list(params.charger_powers_kw),
            "intermediate_year_target": "straight line from baseline_year to target_year",
            "occupancy": (
                "charger-slots in use / (chargers x 15-min slots of the site's charging window: "
                "first arrival, midday stays included, to last departure, at most 24 h)"
            ),
            "midday_charging": (
                "between trips at min(vehicle on-board kW, slowest candidate class), whole "
                "15-min slots of the gap; scheduled with the night on the same chargers"
            ),
            "energy_days_per_year": round(energy_days, 2),
        }
    )
    say(1.0, "done")
    return FleetPlan(
        year=year,
        vehicles=vehicles,
        chargers=tuple(chargers),
        vehicles_per_charger=round(n_veh / n_ch, 4) if n_ch else 0.0,
        vehicles_per_charger_by_depot=tuple(ratio_rows),
        refrigerated_share=round(reefers / n_veh, 5) if n_veh else 0.0,
        overnight_energy_ok=ok,
        daily_check=tuple(daily),
        policy=policy,
        cost=cost,
        assumptions=assumptions,
        sampled=sampled,
        partial=partial or time.perf_counter() > deadline,
        wall_s=round(time.perf_counter() - t0, 3),
    )
