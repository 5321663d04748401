"""Fleet and charger sizing for a year: route both days, size fleet and chargers.

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
6. Routes: both days' routes are kept in the plan (``FleetPlan.routes``, unless
   ``keep_routes`` is false): vehicle, depot, stops in order with coordinates and Beijing
   times, charging stops, distance, energy and load (:mod:`freight.fleet.plan.plan_routes`).
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from freight.demand import (
    ChargingSiteCandidate,
    UrbanDepot,
    load_charging_sites,
    load_depots,
    load_urban_day,
)
from freight.errors import InputError, IssueCollector
from freight.fleet.charging_schedule import ChargingSiteSpec
from freight.fleet.plan.build import Part, build_parts, merged_problem, rehome_part, sample_points
from freight.fleet.plan.defaults import (
    ChargerClass,
    FleetDefaults,
    capital_recovery_factor,
    load_fleet_defaults,
)
from freight.fleet.plan.duties import DEFAULT_RELOAD_MIN, chain_by_type
from freight.fleet.plan.executors import PartTask, run_parts
from freight.fleet.plan.model import (
    DayCheck,
    DayRoutes,
    DepotMove,
    FleetPlan,
    FleetPlanSet,
    FleetRow,
)
from freight.fleet.plan.params import PlanParams, check_year
from freight.fleet.plan.plan_routes import day_routes
from freight.fleet.plan.rebalance import Move, plan_moves
from freight.fleet.plan.sizing import (
    ChargerEconomics,
    Duties,
    Fleet,
    PolicyInputs,
    add_refrigerated,
    annual_cost,
    assumptions,
    by_depot,
    depot_vehicle_caps,
    energy_days,
    overnight_needs,
    policy,
    size_chargers,
    with_reserve,
)
from freight.fleet.result import FleetResult, FleetStatus, Unserved
from freight.fleet.routing import RouterParams
from freight.fleet.verify import verify_plan
from freight.network.model import Network
from freight.network.scenario import network_of

DAYS = ("winter", "summer")

Progress = Callable[[float, str], None]


def _check_year(year: Any) -> int:
    issues = IssueCollector()
    y = check_year(year, "$.year", issues)
    issues.raise_if_any("bad plan year", InputError)
    assert y is not None
    return y


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
    year: int,
    params: PlanParams | None = None,
    progress: Progress | None = None,
    network_scenario: Mapping[str, Any] | None = None,
) -> FleetPlan:
    """Size the fleet and chargers of ``year`` (see module docstring); depots and charging
    sites are those whose network node the network of ``year`` has (or the stored
    scenario's network on ``year``: ``{"id", "base_year", "changes"}``)."""
    return _plan(
        _check_year(year), params or PlanParams(), progress, time.perf_counter(),
        network_scenario,
    )  # fmt: skip


def plan_fleet_years(
    years: Sequence[int],
    params: PlanParams | None = None,
    progress: Progress | None = None,
    network_scenario: Mapping[str, Any] | None = None,
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

        sub_params = dataclasses.replace(params, time_limit_s=share)
        plans.append(_plan(y, sub_params, sub, time.perf_counter(), network_scenario))
    if progress:
        progress(1.0, "done")
    return FleetPlanSet(
        plans=tuple(plans),
        wall_s=round(time.perf_counter() - t0, 3),
        partial=any(p.partial for p in plans),
    )


# -- stages ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What every stage of one year's plan reads: inputs, settings, clock and progress."""

    year: int
    params: PlanParams
    defaults: FleetDefaults
    depots: tuple[UrbanDepot, ...]
    sites: tuple[ChargingSiteCandidate, ...]
    classes: tuple[ChargerClass, ...]
    say: Progress
    t0: float
    workers: int

    @property
    def deadline(self) -> float:
        return self.t0 + self.params.time_limit_s


@dataclass(frozen=True, slots=True)
class DayParts:
    """Both representative days cut into routable parts."""

    parts: Mapping[str, tuple[Part, ...]]
    sampled: bool

    def all(self) -> list[Part]:
        return [p for day in DAYS for p in self.parts[day]]


@dataclass(frozen=True, slots=True)
class Routing:
    """How parts are routed: router settings (a per-part safety cap) and the deadline."""

    router: RouterParams
    deadline: float


@dataclass(frozen=True, slots=True)
class DayEvaluation:
    """Both days merged, verified and chained into duties; vehicles needed by (type, depot)."""

    daily: tuple[DayCheck, ...]
    merged: Mapping[str, FleetResult]
    duties: Mapping[str, Duties]
    need: Mapping[tuple[str, str], int]


def load_day_parts(ctx: PlanContext) -> DayParts:
    """Stage 1: each day's delivery points (optionally a seeded sample), cut into parts."""
    p = ctx.params
    ctx.say(0.0, "loading demand")
    parts: dict[str, tuple[Part, ...]] = {}
    sampled = False
    for k, day in enumerate(DAYS):
        pts = load_urban_day(ctx.year, day)
        chosen = sample_points(pts, p.max_stops, p.seed + 7919 * k)
        sampled = sampled or len(chosen) < len(pts)
        parts[day] = tuple(
            build_parts(day, chosen, ctx.depots, ctx.sites, ctx.defaults, p.part_stops)
        )
    return DayParts(parts, sampled)


def routing_budget(ctx: PlanContext, n_parts: int) -> Routing:
    """Per-part safety cap: several times a fair share of the budget (iterations decide)."""
    p = ctx.params
    fair = p.time_limit_s * 0.8 * ctx.workers / max(1, n_parts)
    cap = max(5.0, 4 * fair)
    return Routing(
        RouterParams(time_limit_s=cap, seed=p.seed, max_iterations=p.max_iterations),
        ctx.t0 + p.time_limit_s * 0.85,
    )


def route_parts(
    ctx: PlanContext,
    parts: Sequence[Part],
    routing: Routing,
    on_done: Callable[[int, int], None],
) -> dict[str, FleetResult | None]:
    """Stage 2: route every part in parallel; ``None`` for a part the deadline cut off."""
    results = run_parts(
        [PartTask(p.key, p.problem, routing.router) for p in parts],
        engine=ctx.params.engine,
        workers=ctx.workers,
        deadline=routing.deadline,
        address=ctx.params.ray_address,
        on_done=on_done,
    )
    return dict(zip((p.key for p in parts), results, strict=True))


def _duty_energy_limits(
    ctx: PlanContext, parts: DayParts
) -> tuple[dict[str, float | None], dict[str, float]]:
    """Usable battery kWh per router vehicle type (PHEV: ``None``, the engine takes over),
    and its midday charging power.

    The class is chosen after the duties, so a gap between trips counts at the slowest
    candidate class's power for the vehicle (any class chosen delivers at least that).
    """
    d = ctx.defaults
    usable: dict[str, float | None] = {}
    for p in parts.all():
        for vt in p.problem.vehicle_types:
            spec = d.vehicle(vt.id.split("@")[0])
            usable[vt.id] = (
                None if spec.powertrain != "bev" else spec.battery_kwh - spec.min_soc_kwh
            )
    midday_kw: dict[str, float] = {}
    for tid, cap_kwh in usable.items():
        if cap_kwh is not None:
            spec = d.vehicle(tid.split("@")[0])
            midday_kw[tid] = min(spec.max_charge_kw(c.power_kw, c.kind) for c in ctx.classes)
    return usable, midday_kw


def _day_check(
    day: str, parts: Sequence[Part], res: FleetResult, duties: Duties, errs: list[str],
    wall_s: float, n_stops: int,
) -> DayCheck:  # fmt: skip
    return DayCheck(
        day=day,  # type: ignore[arg-type]
        stops=n_stops,
        served=res.served_count,
        unserved=len(res.unserved),
        routes=len(res.routes),
        vehicles_used=sum(len(dr.duties) for dr, _ in duties.values()),
        duty_lower_bound=sum(dr.lower_bound for dr, _ in duties.values()),
        duties_with_midday_charge=sum(
            1 for dr, _ in duties.values() for du in dr.duties if du.midday
        ),
        distance_km=round(res.distance_km, 3),
        energy_kwh=round(sum(r.energy_kwh for r in res.routes), 3),
        verified=not errs,
        verify_errors=tuple(errs[:5]),
        parts=len(parts),
        wall_s=round(wall_s, 3),
    )


def evaluate_days(
    ctx: PlanContext, parts: DayParts, by_key: Mapping[str, FleetResult | None]
) -> DayEvaluation:
    """Stage 3: merge, verify and chain each day's routes; vehicles needed by (type, depot)."""
    usable, midday_kw = _duty_energy_limits(ctx, parts)
    daily: list[DayCheck] = []
    merged: dict[str, FleetResult] = {}
    duties: dict[str, Duties] = {}
    for day in DAYS:
        day_parts = parts.parts[day]
        res = _merge_day([(p, by_key[p.key]) for p in day_parts])
        problem = merged_problem(list(day_parts), ctx.depots, ctx.sites, ctx.defaults)
        merged[day] = res
        duties[day] = chain_by_type(
            res.routes,
            reload_min=DEFAULT_RELOAD_MIN,
            usable_kwh_by_type=usable,
            charge_kw_by_type=midday_kw,
        )
        wall = sum(r.wall_s for p in day_parts if (r := by_key[p.key]) is not None)
        errs = verify_plan(problem, res)
        daily.append(_day_check(day, day_parts, res, duties[day], errs, wall, len(problem.stops)))
    need: dict[tuple[str, str], int] = defaultdict(int)
    for day in DAYS:
        for tid, (dr, _) in duties[day].items():
            spec_id, depot = tid.split("@")
            need[spec_id, depot] = max(need[spec_id, depot], len(dr.duties))
    return DayEvaluation(tuple(daily), merged, duties, dict(need))


@dataclass(frozen=True, slots=True)
class Rebalanced:
    """The days after moving parts away from over-full depots (unchanged when none moved)."""

    parts: DayParts
    evaluation: DayEvaluation
    moves: tuple[DepotMove, ...]
    partial: bool


def _move_rows(moves: Sequence[Move]) -> tuple[DepotMove, ...]:
    """Moves summed by (day, from, to), in that order."""
    rows: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for m in moves:
        rows[m.day, m.frm, m.to][0] += 1
        rows[m.day, m.frm, m.to][1] += m.stops
    return tuple(
        DepotMove(day=day, from_depot=frm, to=to, parts=n, stops=st)
        for (day, frm, to), (n, st) in sorted(rows.items())
    )


def rebalance_depots(
    ctx: PlanContext,
    parts: DayParts,
    by_key: dict[str, FleetResult | None],
    first: DayEvaluation,
    routing: Routing,
) -> Rebalanced:
    """Stage 4: parts of depots whose site cannot charge their fleet move and are re-routed."""
    partial = any(r is None for r in by_key.values())
    caps = depot_vehicle_caps(ctx.depots, ctx.sites, ctx.defaults)
    fleet = with_reserve(first.need, ctx.defaults)
    moves = [] if partial else plan_moves(parts.parts, by_depot(fleet), caps, ctx.depots)
    if not moves:
        return Rebalanced(parts, first, (), partial)
    ctx.say(0.8, f"rebalancing: {len(moves)} parts move to depots with room for chargers")
    dep_by_id = {x.id: x for x in ctx.depots}
    to_of = {m.key: m.to for m in moves}
    moved = DayParts(
        {
            day: tuple(
                rehome_part(p, dep_by_id[to_of[p.key]], ctx.defaults) if p.key in to_of else p
                for p in ps
            )
            for day, ps in parts.parts.items()
        },
        parts.sampled,
    )
    fresh = [p for p in moved.all() if p.key not in by_key]
    again = route_parts(
        ctx, fresh, routing, lambda n, total: ctx.say(0.8, f"rebalancing: routed part {n}/{total}")
    )
    by_key.update(again)
    partial = any(r is None for r in again.values())
    return Rebalanced(moved, evaluate_days(ctx, moved, by_key), _move_rows(moves), partial)


def on_network(
    depots: Sequence[UrbanDepot], sites: Sequence[ChargingSiteCandidate], net: Network
) -> tuple[tuple[UrbanDepot, ...], tuple[ChargingSiteCandidate, ...]]:
    """The depots and charging sites whose network node ``net`` has (a site without a node
    id is not tied to the network and stays)."""
    return (
        tuple(x for x in depots if x.node_id in net.nodes),
        tuple(x for x in sites if not x.node_id or x.node_id in net.nodes),
    )


def _plan(
    year: int,
    params: PlanParams,
    progress: Progress | None,
    t0: float,
    network_scenario: Mapping[str, Any] | None = None,
) -> FleetPlan:
    """One year's plan: the stages wired in order (see the module docstring)."""
    d = load_fleet_defaults()
    depots, sites = on_network(
        load_depots(), load_charging_sites(), network_of(year, network_scenario)
    )
    ctx = PlanContext(
        year, params, d, depots, sites,
        tuple(d.charger(p) for p in params.charger_powers_kw), progress or (lambda f, m: None),
        t0, params.workers or os.cpu_count() or 1,
    )  # fmt: skip
    parts = load_day_parts(ctx)
    all_parts = parts.all()
    routing = routing_budget(ctx, len(all_parts))
    ctx.say(0.02, f"routing {len(all_parts)} parts of "
            f"{sum(len(p.problem.stops) for p in all_parts)} stops")  # fmt: skip
    by_key = route_parts(
        ctx, all_parts, routing, lambda n, total: ctx.say(0.02 + 0.78 * n / total,
                                                          f"routed part {n}/{total}")
    )  # fmt: skip
    ctx.say(0.8, "verifying merged days")
    days = rebalance_depots(ctx, parts, by_key, evaluate_days(ctx, parts, by_key), routing)
    return _size_and_cost(ctx, days)


def _size_and_cost(ctx: PlanContext, days: Rebalanced) -> FleetPlan:
    """Stages 5-8: fleet with reserve and refrigerated share, chargers, cost, policy."""
    d = ctx.defaults
    ev = days.evaluation
    reefer = add_refrigerated(with_reserve(ev.need, d), days.parts.parts["winter"], d)
    fleet = reefer.fleet
    ctx.say(0.84, "sizing depot chargers")
    econ = ChargerEconomics(
        classes=ctx.classes,
        tariff=ChargingSiteSpec.tariff_from_tuples(d.tariff),
        annual_factor=capital_recovery_factor(d.discount_rate, d.charger_life_years)
        + d.charger_om_share,
        energy_days=energy_days(d, ev.daily),
        seed=ctx.params.seed,
    )
    w_problem = merged_problem(list(days.parts.parts["winter"]), ctx.depots, ctx.sites, d)
    needs = overnight_needs(w_problem, ev.merged["winter"], ev.duties["winter"], d)
    chargers, ratios = size_chargers(fleet, needs, ctx.depots, ctx.sites, econ, d, ctx.say)
    n_veh = sum(fleet.values())
    n_ch = sum(c.count for c in chargers)
    pol = policy(
        PolicyInputs(
            year=ctx.year, planned=n_veh, needed=sum(ev.need.values()),
            refrigerated_added=reefer.added, sampled=days.parts.sampled,
            served_all=all(r.unserved == 0 for r in ev.daily), moves=days.moves,
            chargers=chargers,
        ),
        d,
    )  # fmt: skip
    ctx.say(1.0, "done")
    return FleetPlan(
        year=ctx.year,
        vehicles=_fleet_rows(fleet, d),
        chargers=chargers,
        vehicles_per_charger=round(n_veh / n_ch, 4) if n_ch else 0.0,
        vehicles_per_charger_by_depot=ratios,
        refrigerated_share=round(reefer.refrigerated / n_veh, 5) if n_veh else 0.0,
        overnight_energy_ok=all((c.short_kwh or 0.0) <= 1e-6 for c in chargers),
        daily_check=ev.daily,
        policy=pol,
        cost=annual_cost(fleet, chargers, ev.duties, econ, d),
        assumptions=assumptions(d, ctx.params, econ.energy_days),
        sampled=days.parts.sampled,
        partial=days.partial or time.perf_counter() > ctx.deadline,
        wall_s=round(time.perf_counter() - ctx.t0, 3),
        routes=kept_routes(ctx, days) if ctx.params.keep_routes else None,
    )


def kept_routes(ctx: PlanContext, days: Rebalanced) -> tuple[DayRoutes, ...]:
    """Stage 9: both days' routes as the plan keeps them (vehicle, stops, times, charging)."""
    ev = days.evaluation
    return tuple(
        day_routes(ctx.year, day, days.parts.parts[day], ev.merged[day], ev.duties[day])
        for day in DAYS
    )


def _fleet_rows(fleet: Fleet, d: FleetDefaults) -> tuple[FleetRow, ...]:
    return tuple(
        FleetRow(
            type=t,
            depot=dep,
            count=n,
            powertrain=d.vehicle(t).powertrain,  # type: ignore[arg-type]
            refrigerated=d.vehicle(t).refrigerated,
            battery_kwh=d.vehicle(t).battery_kwh,
        )
        for (t, dep), n in sorted(fleet.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    )
