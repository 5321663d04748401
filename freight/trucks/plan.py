"""One year's heavy-truck plan, and the years 2026–2035 with stations built once and grown.

``plan_scenario`` is the pure core (scenario in, verified :class:`TruckPlan` out);
``plan_year`` builds the scenario from the repository's data; ``plan_years`` chains years,
passing each year's stations on as the next year's floor (no station ever closes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from freight.errors import FieldIssue, InputError
from freight.network.model import Network
from freight.trucks.model import Existing, Scenario
from freight.trucks.options import Option, lane_options
from freight.trucks.result import EnergyStop, LanePlan, StationPlan, TruckPlan
from freight.trucks.solve import Choice, UnitCosts, solve_mip, total_tkm

KIND = "heavy-truck-plan"
FIRST_YEAR, LAST_YEAR = 2026, 2035


def default_target(year: int) -> float:
    """Electrified t-km share asked for in ``year``: 5 % in 2026 to 50 % in 2035 (SOURCES P1)."""
    return round(0.05 + (0.50 - 0.05) * (year - FIRST_YEAR) / (LAST_YEAR - FIRST_YEAR), 4)


def _stations(sc: Scenario, ch: Choice) -> tuple[StationPlan, ...]:
    uc = UnitCosts.of(sc)
    st = sc.stations
    existing = {(e.site, e.kind) for e in sc.existing}
    node = {s.id: s.node for s in sc.sites}
    out = []
    for (site, kind), (bays, bats, chargers) in sorted(ch.sizes.items()):
        kw = [0.0] * 24
        ev = [0.0] * 24
        kwh = 0.0
        for o in ch.chosen.values():
            for ld in o.loads:
                if (ld.site, ld.kind) == (site, kind):
                    kw = [a + b for a, b in zip(kw, ld.kw, strict=True)]
                    ev = [a + b for a, b in zip(ev, ld.events, strict=True)]
                    kwh += ld.kwh_day
        if kind == "swap":
            capex = st.swap_site_cny + bays * st.swap_bay_cny + bats * uc.battery_capex
        else:
            capex = st.charge_site_cny + chargers * st.charger_cny
        peak = max(range(24), key=lambda h: (ev[h], -h))
        out.append(StationPlan(
            id=f"{site}:{kind}", site=site, node=node[site], kind=kind, bays=bays,
            chargers=chargers, batteries=bats, peak_kw=max(kw), energy_kwh_day=kwh,
            capex_cny=capex, peak_hour=peak, peak_events_per_hour=ev[peak],
            new=(site, kind) not in existing,
        ))  # fmt: skip
    return tuple(out)


def _lane_plan(sc: Scenario, o: Option) -> LanePlan:
    lane = next(x for x in sc.lanes if x.id == o.lane)
    kind = o.kind
    stops = tuple(
        EnergyStop(f"{p.site}:{kind}", p.node, p.leg, p.km, p.access_km, e)
        for p, e in zip(o.points, o.refill_kwh, strict=True)
    )
    return LanePlan(
        id=lane.id, origin=lane.origin, destination=lane.destination, path=lane.path,
        distance_km=lane.distance_km, tonnes_year=lane.tonnes_year, electrified=o.electric,
        truck_type=o.truck_type, trucks=o.trucks, trips_day=o.trips_day,
        via_stations=tuple(s.station for s in stops), energy_points=stops,
        cost_cny_year=o.cost_cny_year, co2_t_year=o.co2_t_year, tkm_year=o.tkm_year,
        commodities=lane.tonnes_by_commodity,
    )  # fmt: skip


def _kpis(sc: Scenario, options: dict[str, list[Option]], ch: Choice) -> dict[str, float]:
    base = {
        lid: next(o for o in opts if o.truck_type == sc.baseline) for lid, opts in options.items()
    }
    tkm = total_tkm(options) or 1.0
    el = sum(o.tkm_year for o in ch.chosen.values() if o.electric)
    co2 = sum(o.co2_t_year for o in ch.chosen.values())
    base_co2 = sum(o.co2_t_year for o in base.values())
    return {
        "electrified_tkm_share": round(el / tkm, 6),
        "co2_t_saved": round(base_co2 - co2, 1),
        "co2_t_year": round(co2, 1),
        "baseline_co2_t_year": round(base_co2, 1),
        "tco_cny_year": round(ch.objective, 0),
        "baseline_tco_cny_year": round(sum(o.cost_cny_year for o in base.values()), 0),
        "tkm_year": round(tkm, 0),
        "grid_peak_kw": 0.0,
    }


def plan_scenario(
    sc: Scenario, *, time_limit_s: float = 60.0, rel_gap: float = 0.005, verify: bool = True
) -> TruckPlan:
    """Options, MIP, plan; the independent checker runs on the result unless ``verify=False``."""
    t0 = time.perf_counter()
    options = lane_options(sc)
    ch = solve_mip(sc, options, time_limit_s=time_limit_s, rel_gap=rel_gap)
    return assemble(sc, options, ch, t0, verify=verify)


def assemble(
    sc: Scenario,
    options: dict[str, list[Option]],
    ch: Choice,
    t0: float,
    *,
    verify: bool = True,
    notes: tuple[str, ...] = (),
) -> TruckPlan:
    """The plan of a choice of options and station sizes, checked by the independent checker."""
    stations = _stations(sc, ch)
    lanes = tuple(_lane_plan(sc, ch.chosen[lane.id]) for lane in sc.lanes)
    kpis = _kpis(sc, options, ch)
    kpis["grid_peak_kw"] = round(sum(s.peak_kw for s in stations), 1)
    fleet: dict[str, int] = {}
    for lp in lanes:
        fleet[lp.truck_type] = fleet.get(lp.truck_type, 0) + lp.trucks
    plan = TruckPlan(
        kind=KIND, year=sc.year, status=ch.status,
        gap=(ch.objective - ch.bound) / max(abs(ch.objective), 1e-9),
        objective_cny_year=ch.objective, bound_cny_year=ch.bound, stations=stations,
        lanes=lanes, truck_types=tuple(t.to_dict() for t in sc.trucks), kpis=kpis,
        fleet=dict(sorted(fleet.items())), inputs=_inputs(sc),
        wall_s=time.perf_counter() - t0, options=sum(len(v) for v in options.values()),
        notes=(
            "lanes are sized on an operating day of their peak month, energy on January",
            "electric options use candidate sites within a 5-km road detour of the lane's path",
            *notes,
        ),
    )  # fmt: skip
    if verify:
        from freight.trucks.verify import check_plan

        problems = check_plan(sc, plan)
        if problems:
            from freight.errors import SolverError

            raise SolverError("plan failed the checker: " + "; ".join(problems[:5]))
    return plan


def _inputs(sc: Scenario) -> dict[str, Any]:
    return {
        "target_tkm_share": sc.target_tkm_share,
        "budget_cny": sc.budget_cny,
        "baseline": sc.baseline,
        "lanes": len(sc.lanes),
        "sites": len(sc.sites),
        "existing_stations": len(sc.existing),
        "kept_lanes": len(sc.kept_lanes),
    }


def plan_year(
    year: int,
    *,
    target_tkm_share: float | None = None,
    budget_cny: float | None = None,
    existing: tuple[Existing, ...] = (),
    kept_lanes: tuple[tuple[str, str], ...] = (),
    truck_overrides: dict[str, dict[str, Any]] | None = None,
    site_ids: tuple[str, ...] | None = None,
    time_limit_s: float = 60.0,
    net: Network | None = None,
    deadline: float | None = None,
) -> TruckPlan:
    """The plan of one year from the repository's lanes, trucks and sites.

    ``time_limit_s`` caps the MIP; with a ``deadline`` (``time.perf_counter`` seconds) the
    MIP also stops in time for it, after the lanes are built.
    """
    from freight.network.loader import default_network
    from freight.trucks.lanes import build_lanes
    from freight.trucks.scenario import build_scenario

    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(f"year must be within {FIRST_YEAR}..{LAST_YEAR}",
                         issues=[FieldIssue("year", str(year))])  # fmt: skip
    net = net or default_network()
    lanes = build_lanes(year, net).lanes
    target = default_target(year) if target_tkm_share is None else target_tkm_share
    sc = build_scenario(
        year, lanes, net, target_tkm_share=target, budget_cny=budget_cny,
        existing=existing, truck_overrides=truck_overrides, site_ids=site_ids,
    )  # fmt: skip
    if deadline is not None:
        time_limit_s = max(1.0, min(time_limit_s, deadline - time.perf_counter() - 2.0))
    return plan_scenario(replace(sc, kept_lanes=kept_lanes), time_limit_s=time_limit_s)


def carried(plan: TruckPlan) -> tuple[Existing, ...]:
    """A plan's stations as the next year's floor."""
    return tuple(Existing(s.site, s.kind, s.bays, s.chargers, s.batteries) for s in plan.stations)


def plan_years(
    first: int,
    last: int,
    *,
    budget_cny: float | None = None,
    targets: dict[int, float] | None = None,
    time_limit_s: float = 60.0,
    progress: Callable[[int, TruckPlan], Any] | None = None,
    truck_overrides: dict[str, dict[str, Any]] | None = None,
    site_ids: tuple[str, ...] | None = None,
    deadline: float | None = None,
    networks: Callable[[int], Network] | None = None,
) -> list[TruckPlan]:
    """Plans for ``first..last``; stations of a year stay (and may grow) in later years.

    ``networks(year)`` gives each year's network (e.g. the network of that year, or a
    scenario's on it); default: the shipped files for every year.

    With a ``deadline`` (``time.perf_counter`` seconds) each year gets its share of the time
    left, and years that would start after the deadline are not planned (the list is then
    shorter than the range: the caller reports a partial answer).
    """
    from freight.network.loader import default_network

    if not FIRST_YEAR <= first <= last <= LAST_YEAR:
        raise InputError(f"years must be within {FIRST_YEAR}..{LAST_YEAR}",
                         issues=[FieldIssue("years", f"{first}-{last}")])  # fmt: skip
    shipped = default_network() if networks is None else None
    out: list[TruckPlan] = []
    existing: tuple[Existing, ...] = ()
    kept: tuple[tuple[str, str], ...] = ()
    for y in range(first, last + 1):
        year_end = None
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0 and out:
                break
            year_end = time.perf_counter() + max(left, 0.0) / (last - y + 1)
        p = plan_year(
            y, target_tkm_share=(targets or {}).get(y), budget_cny=budget_cny,
            existing=existing, kept_lanes=kept, time_limit_s=time_limit_s,
            net=networks(y) if networks is not None else shipped,
            truck_overrides=truck_overrides, site_ids=site_ids, deadline=year_end,
        )  # fmt: skip
        out.append(p)
        existing = carried(p)
        kept = tuple((lp.id, lp.truck_type) for lp in p.lanes if lp.electrified)
        if progress:
            progress(y, p)
    return out


__all__ = [
    "KIND",
    "assemble",
    "carried",
    "default_target",
    "plan_scenario",
    "plan_year",
    "plan_years",
]
