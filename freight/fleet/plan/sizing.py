"""Stages after routing: fleet with reserve, refrigerated share, depot chargers, cost, policy.

Each stage is a pure function of typed inputs (the routed days' duties, the cited defaults)
returning a piece of the :class:`~freight.fleet.plan.model.FleetPlan`; ``planner`` wires them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from freight.demand import ChargingSiteCandidate, UrbanDepot
from freight.fleet.charging_schedule import TariffPeriod
from freight.fleet.plan.build import Part
from freight.fleet.plan.chargers import (
    CP_SAT_MAX_VEHICLES,
    OvernightNeed,
    choose_site_chargers,
    need_for_duty,
    refine_with_cp_sat,
)
from freight.fleet.plan.defaults import ChargerClass, FleetDefaults, capital_recovery_factor
from freight.fleet.plan.duties import DutyResult
from freight.fleet.plan.model import (
    ChargerClassAssumption,
    ChargerSite,
    DayCheck,
    DepotMove,
    DepotRatio,
    PlanAssumptions,
    PlanCost,
    PlanPolicy,
    TariffBand,
    VehicleAssumption,
)
from freight.fleet.plan.params import PlanParams
from freight.fleet.problem import FleetProblem
from freight.fleet.result import FleetResult, RoutePlan, StopVisit

#: Vehicles needed (or planned) by (vehicle type, depot).
Fleet = dict[tuple[str, str], int]
#: A day's duties by router vehicle type id (``type@depot``), with their route indices.
Duties = Mapping[str, tuple[DutyResult, tuple[int, ...]]]


def with_reserve(need: Mapping[tuple[str, str], int], d: FleetDefaults) -> Fleet:
    """Each (type, depot)'s busier day's duties plus the reserve share, rounded up."""
    return {k: math.ceil(n * (1 + d.reserve_share) - 1e-9) for k, n in need.items() if n > 0}


def depot_vehicle_caps(
    depots: Sequence[UrbanDepot], sites: Sequence[ChargingSiteCandidate], d: FleetDefaults
) -> dict[str, int | None]:
    """Vehicles a depot can base: its site's max_plugs x max_vehicles_per_charger."""
    site_of = {s.node_id: s for s in sites if s.kind == "depot"}
    caps: dict[str, int | None] = {}
    for x in depots:
        site = site_of.get(x.node_id)
        caps[x.id] = None if site is None else site.max_plugs * d.max_vehicles_per_charger
    return caps


def by_depot(fleet: Mapping[tuple[str, str], int]) -> Counter[str]:
    out: Counter[str] = Counter()
    for (_, dep), n in fleet.items():
        out[dep] += n
    return out


@dataclass(frozen=True, slots=True)
class ReeferResult:
    fleet: Fleet
    refrigerated: int
    added: int


def add_refrigerated(fleet: Fleet, winter_parts: Sequence[Part], d: FleetDefaults) -> ReeferResult:
    """Add refrigerated vehicles (at the depot with most refrigerated stops) up to the share."""
    fleet = dict(fleet)
    added = 0
    spec = next(v for v in d.vehicles if v.refrigerated)
    total = sum(fleet.values())
    reefers = sum(n for (t, _), n in fleet.items() if d.vehicle(t).refrigerated)
    while total and reefers < d.min_refrigerated_share * total:
        rs = Counter(p.depot for p in winter_parts for s in p.problem.stops if s.refrigerated)
        dep = rs.most_common(1)[0][0] if rs else sorted({dd for _, dd in fleet})[0]
        fleet[spec.id, dep] = fleet.get((spec.id, dep), 0) + 1
        reefers += 1
        total += 1
        added += 1
    return ReeferResult(fleet, reefers, added)


def energy_days(d: FleetDefaults, daily: Sequence[DayCheck]) -> float:
    """Energy-weighted days: a summer night needs summer_kwh / winter_kwh of a winter night."""
    winter_kwh = daily[0].energy_kwh or 0.0
    summer_kwh = daily[1].energy_kwh or 0.0
    return d.winter_days_per_year + d.summer_days_per_year * (
        summer_kwh / winter_kwh if winter_kwh > 0 else 1.0
    )


def _route_soc(problem: FleetProblem, r: RoutePlan, d: FleetDefaults) -> float:
    """SoC back at the depot after ``r`` alone, from a full battery."""
    spec = d.vehicle(r.vehicle_type.split("@")[0])
    last = r.visits[-1]
    vt = problem.vehicle_type(r.vehicle_type)
    from_idx = problem.index_of(last.stop_id if isinstance(last, StopVisit) else last.site_id)
    leg = vt.leg_kwh(problem.km(from_idx, problem.index_of(r.vehicle_type.split("@")[1])), 0.0)
    return (last.soc_kwh if last.soc_kwh is not None else spec.battery_kwh) - leg


def overnight_needs(
    problem: FleetProblem, merged: FleetResult, duties: Duties, d: FleetDefaults
) -> dict[str, list[OvernightNeed]]:
    """Each winter duty's overnight charging need, by depot (vehicle ids ``v0``, ``v1``...)."""
    needs: dict[str, list[OvernightNeed]] = {}
    k = 0
    for tid, (dr, idx) in duties.items():
        spec_id, depot = tid.split("@")
        spec = d.vehicle(spec_id)
        for duty in dr.duties:
            legs = [merged.routes[idx[j]] for j in duty.route_indices]
            if spec.powertrain == "bev":
                # one route: its own SoC trace; a chain has no charging visit, so the
                # battery loses the routes' energy and gains its midday charges (duties.py)
                soc = (
                    _route_soc(problem, legs[0], d)
                    if len(legs) == 1
                    else spec.battery_kwh - duty.energy_kwh + duty.midday_kwh
                )
            else:  # PHEV: electric first, then engine
                soc = spec.battery_kwh - min(
                    spec.battery_kwh - spec.min_soc_kwh,
                    duty.distance_km * spec.kwh_per_km("winter"),
                )
            needs.setdefault(depot, []).append(
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
    return needs


@dataclass(frozen=True, slots=True)
class ChargerEconomics:
    """What a charger and a kWh cost over a year."""

    classes: tuple[ChargerClass, ...]
    tariff: tuple[TariffPeriod, ...]
    annual_factor: float  # capex -> CNY per year (capital recovery + O&M share)
    energy_days: float
    seed: int


def size_chargers(
    fleet: Mapping[tuple[str, str], int],
    needs: Mapping[str, Sequence[OvernightNeed]],
    depots: Sequence[UrbanDepot],
    sites: Sequence[ChargingSiteCandidate],
    econ: ChargerEconomics,
    d: FleetDefaults,
    say: Callable[[float, str], None],
) -> tuple[tuple[ChargerSite, ...], tuple[DepotRatio, ...]]:
    """Chargers (class and count) per depot site, and plug-in vehicles per charger."""
    site_of = {s.node_id: s for s in sites if s.kind == "depot"}
    fleet_by_depot = by_depot(fleet)
    dep_ids = [x.id for x in depots if fleet_by_depot[x.id] > 0]
    chargers: list[ChargerSite] = []
    ratios: list[DepotRatio] = []
    for k, dep in enumerate(dep_ids):
        site = site_of.get(next(x.node_id for x in depots if x.id == dep))
        site_id = site.id if site else f"cs_{dep}"
        dep_needs = needs.get(dep, [])
        choice = choose_site_chargers(
            site_id, dep_needs, fleet_by_depot[dep], econ.classes, econ.tariff,
            max_per_charger=d.max_vehicles_per_charger, annual_factor=econ.annual_factor,
            energy_days_per_year=econ.energy_days,
        )  # fmt: skip
        e = choice.chosen
        if len(dep_needs) <= CP_SAT_MAX_VEHICLES:
            e = refine_with_cp_sat(
                site_id, dep_needs, d.charger(e.power_kw), e, econ.tariff,
                annual_charger_cny=d.charger(e.power_kw).capex_cny * econ.annual_factor,
                energy_days_per_year=econ.energy_days, time_limit_s=5.0, seed=econ.seed,
            )  # fmt: skip
        chargers.append(
            ChargerSite(
                site=site_id, depot=dep, power_kw=e.power_kw, count=e.count, peak_kw=e.peak_kw,
                energy_kwh=e.energy_kwh, occupancy=e.occupancy,
                energy_cost_cny=e.energy_cost_cny, midday_kwh=e.midday_kwh,
                midday_peak_kw=e.midday_peak_kw,
                midday_vehicles=sum(1 for n in dep_needs if n.midday), short_kwh=e.short_kwh,
                binding=", ".join(e.binding) if e.short_kwh > 1e-6 else None,
                min_count_by_ratio=choice.min_count,
                added_for_energy_or_cost=choice.added_for_energy,
                site_max_plugs=site.max_plugs if site else None, schedule_method=e.method,
            )
        )  # fmt: skip
        n = fleet_by_depot[dep]
        ratios.append(
            DepotRatio(
                depot=dep,
                plug_in_vehicles=n,
                chargers=e.count,
                ratio=round(n / e.count, 4) if e.count else None,
            )
        )
        say(
            0.84 + 0.14 * (k + 1) / len(dep_ids),
            f"chargers at {site_id}: {e.count} x {e.power_kw:g} kW",
        )
    return tuple(chargers), tuple(ratios)


def annual_cost(
    fleet: Mapping[tuple[str, str], int],
    chargers: Sequence[ChargerSite],
    duties: Mapping[str, Duties],
    econ: ChargerEconomics,
    d: FleetDefaults,
) -> PlanCost:
    """Annualised TCO of vehicles and chargers, energy, drivers and maintenance."""
    vehicles_cost = sum(
        n
        * d.vehicle(t).price_cny
        * capital_recovery_factor(d.discount_rate, d.vehicle(t).life_years)
        for (t, _), n in fleet.items()
    )
    chargers_cost = sum(
        c.count * d.charger(c.power_kw).capex_cny * econ.annual_factor for c in chargers
    )
    depot_energy = sum(c.energy_cost_cny or 0.0 for c in chargers) * econ.energy_days
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
    return PlanCost(
        vehicles_cny_per_year=round(vehicles_cost, 2),
        chargers_cny_per_year=round(chargers_cost, 2),
        energy_cny_per_year=round(energy_cost, 2),
        driver_and_maintenance_cny_per_year=round(ops, 2),
        total_cny_per_year=round(vehicles_cost + chargers_cost + energy_cost + ops, 2),
    )


#: Where the cited defaults of ``fleet_defaults.toml`` come from.
DEFAULTS_SOURCE = "networks/kuytun/fleet_defaults.toml (sources: networks/kuytun/SOURCES-fleet.md)"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def assumptions(d: FleetDefaults, params: PlanParams, days_per_year: float) -> PlanAssumptions:
    """The cited defaults and this run's settings, each with its source or reasoning."""
    return PlanAssumptions(
        operating_days_per_year=d.operating_days_per_year,
        winter_days_per_year=d.winter_days_per_year,
        summer_days_per_year=d.summer_days_per_year,
        discount_rate=d.discount_rate,
        reserve_share=d.reserve_share,
        road_factor=d.road_factor,
        speed_kmh=d.speed_kmh,
        shift=f"{_hhmm(d.shift_start_min)}-{_hhmm(d.shift_end_min)}",
        fuel_cny_per_l=d.fuel_cny_per_l,
        tariff_cny_per_kwh=tuple(
            TariffBand(from_min=a, to_min=b, cny_per_kwh=p) for a, b, p in d.tariff
        ),
        vehicles={
            v.id: VehicleAssumption(
                powertrain=v.powertrain,  # type: ignore[arg-type]
                battery_kwh=v.battery_kwh,
                kwh_per_km_summer=v.kwh_per_km_summer,
                kwh_per_km_winter=v.kwh_per_km_winter,
                capacity_kg=v.capacity_kg,
                price_cny=v.price_cny,
                life_years=v.life_years,
                driver_cny_per_hour=v.driver_cny_per_hour,
            )
            for v in d.vehicles
        },
        chargers=tuple(
            ChargerClassAssumption(power_kw=c.power_kw, kind=c.kind, capex_cny=c.capex_cny)  # type: ignore[arg-type]
            for c in d.chargers
        ),
        charger_life_years=d.charger_life_years,
        charger_om_share_per_year=d.charger_om_share,
        source=DEFAULTS_SOURCE,
        part_stops=params.part_stops,
        max_iterations_per_part=params.max_iterations,
        seed=params.seed,
        engine=params.engine,
        charger_powers_kw=tuple(params.charger_powers_kw),
        intermediate_year_target="straight line from baseline_year to target_year",
        occupancy=(
            "charger-slots in use / (chargers x 15-min slots of the site's charging window: "
            "first arrival, midday stays included, to last departure, at most 24 h)"
        ),
        midday_charging=(
            "between trips at min(vehicle on-board kW, slowest candidate class), whole "
            "15-min slots of the gap; scheduled with the night on the same chargers"
        ),
        energy_days_per_year=round(days_per_year, 2),
    )


@dataclass(frozen=True, slots=True)
class PolicyInputs:
    """What the policy block compares: the plan's counts and how they came about."""

    year: int
    planned: int  # new-energy vehicles in the plan
    needed: int  # busier day's duties summed over types and depots (before the reserve)
    refrigerated_added: int
    sampled: bool
    served_all: bool
    moves: tuple[DepotMove, ...]
    chargers: tuple[ChargerSite, ...]


def target_for_year(d: FleetDefaults, year: int) -> int:
    """The plan's new-energy fleet for ``year``: the baseline fleet plus a straight-line
    share of the additions from ``baseline_year`` to ``target_year`` (all of them after)."""
    span = d.target_year - d.baseline_year
    frac = min(1.0, max(0.0, (year - d.baseline_year) / span))
    return d.baseline_new_energy_vehicles + round(d.additional_new_energy_vehicles * frac)


def policy(p: PolicyInputs, d: FleetDefaults) -> PlanPolicy:
    """The plan against the 2035 target (baseline + straight-line additions) and the charger
    rules."""
    target_now = target_for_year(d, p.year)
    over = [
        c.site for c in p.chargers if c.site_max_plugs is not None and c.count > c.site_max_plugs
    ]
    return PlanPolicy(
        target_new_energy_vehicles=target_for_year(d, d.target_year),
        target_year=d.target_year,
        target_for_year=target_now,
        planned_new_energy_vehicles=p.planned,
        baseline_vehicles=d.baseline_new_energy_vehicles,
        baseline_year=d.baseline_year,
        additional_vehicles=d.additional_new_energy_vehicles,
        planned_additional_vehicles=p.planned - d.baseline_new_energy_vehicles,
        max_vehicles_per_charger=d.max_vehicles_per_charger,
        min_refrigerated_share=d.min_refrigerated_share,
        refrigerated_added_for_share=p.refrigerated_added,
        chargers_added_above_ratio=sum(c.added_for_energy_or_cost or 0 for c in p.chargers),
        sites_over_candidate_plugs=tuple(over),
        depot_rebalancing=p.moves,
        note=_policy_note(p, d, target_now, over),
    )


def _policy_note(p: PolicyInputs, d: FleetDefaults, target_now: int, over: list[str]) -> str:
    n_veh = p.planned
    base = d.baseline_new_energy_vehicles
    reefer = (
        f" + {p.refrigerated_added} refrigerated to reach the share" if p.refrigerated_added else ""
    )
    note = (
        f"{'sampled days: ' if p.sampled else ''}"
        f"demand needs {n_veh:,} new-energy vehicles in {p.year} "
        f"({p.needed:,} = each type and depot's busier day's duties, "
        f"+ {d.reserve_share:.0%} "
        f"reserve rounded up per type and depot{reefer}), {n_veh - base:+,} on the "
        f"{d.baseline_year} fleet of {base:,}; the plan adds "
        f"{d.additional_new_energy_vehicles:,} by {d.target_year}, so its fleet is "
        f"{target_for_year(d, d.target_year):,} then"
        + (
            f" and {target_now:,} in {p.year} (baseline + a straight-line share of the additions): "
            if p.year != d.target_year
            else " (baseline + additions): "
        )
        + (
            "a sampled plan covers only part of the demand and cannot be compared to it"
            if p.sampled
            else f"demand needs {n_veh - target_now:+,} against it"
        )
        + ("" if p.served_all else "; some stops unserved, see daily_check")
    )
    if p.moves:
        froms = sorted({m.from_depot for m in p.moves})
        tos = sorted({m.to for m in p.moves})
        n_parts = sum(m.parts for m in p.moves)
        n_stops = sum(m.stops for m in p.moves)
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
    return note
