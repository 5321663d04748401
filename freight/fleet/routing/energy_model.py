"""The OR-Tools energy model: integer data of one zone with charging nodes (the method).

The search model of ``Method.ORTOOLS_ENERGY``: one ``pywrapcp`` routing model with

* capacity dimensions ``kg`` and ``m3`` (per-vehicle capacities), a ``time`` dimension
  (travel + service, waiting as slack, stop windows, shift start/end and depot hours as
  cumul bounds), fixed cost per vehicle, ``cost_per_km`` per vehicle as arc cost and
  ``cost_per_hour`` as a span cost on the time dimension (route duration);
* refrigeration as vehicle-node compatibility (refrigerated stops drop ordinary vehicles
  from their ``VehicleVar`` domain);
* optional stops (disjunction with a penalty ten times any route cost: serve first, then
  cost);
* **charging visits** as optional duplicate nodes: every charging site gets one node per
  charge level and copy (``charge_levels`` × ``copies_per_level``), each in its own
  disjunction with penalty 0, usable by battery vehicles only;
* an **energy dimension** that counts the energy *used since the battery was full*
  ("deficit", Wh): it starts at 0 (a full battery), each leg adds its energy, the vehicle
  capacity is ``battery_kwh - min_soc_kwh`` (so SoC >= ``min_soc_kwh`` everywhere), and a
  charging node of level ``R`` subtracts ``R`` on the leg leaving it (a negative transit).

Charging formulation (chosen because it lives entirely in transit callbacks and cumul
bounds, which the routing local-search filters check exactly, with no side constraints the
filters cannot see): a visit to a charging node of level ``R`` adds exactly ``R`` kWh and
takes ``R / power_kw × 60`` minutes (the node's service time, rounded up to whole minutes
as the DP charges).
Its cumul lower bound ``deficit >= R`` on arrival forbids charging above a full battery.
A vehicle picks the level it needs; levels are fractions of the largest usable battery
among the vehicle types (default 1/4, 1/2, 3/4, 1), so the model's charge amounts are
discretised, never overstated. Station-to-station arcs are forbidden (one detour between
two route points, as in the exact DP).

The load-dependent part of the consumption, km × kwh_per_km_per_tonne × tonnes on board,
cannot be expressed exactly in a transit callback (it depends on what the route delivers
later). The conservative model bounds the load on a leg leaving stop ``i`` by
``capacity_kg - demand_kg(i)`` (what is left after serving ``i`` when the vehicle left
full) and by ``capacity_kg`` on legs leaving the depot or a charger; the *optimistic*
variant uses the empty rate. Every route the search returns is then re-timed by the exact
charging DP (``charging.schedule_route``), which recomputes the energy with the true loads,
picks its own detours and whole charge minutes and queues for plugs (the plug count is not
in this model); routes it cannot schedule lose stops and go through the router's repair.

Stops that need a charge to be reached cannot be inserted one node at a time (the stop
alone is energy-infeasible, the charger alone only adds cost). So a stop that needs a
charge even alone gets charging nodes with exactly the amounts of its exact single-stop
plan and is locked with them onto a vehicle before the first solution (parallel cheapest
insertion, which by default leaves a charging node out unless inserting it is free); after
it, every unperformed stop is tried with one or two charging nodes on an unused vehicle or
in the nearest routes, checked on the integer model, and the guided local search continues
from that assignment.

Deterministic when ``solution_limit`` is given (the search stops after that many
solutions; the time limit is then only a safety cap).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from freight.errors import InputError
from freight.fleet.charging import schedule_route, shift_bounds_s
from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.result import RoutePlan, StopVisit

# integer scales handed to OR-Tools (one conversion point)
M_PER_KM = 1000
S_PER_MIN = 60
G_PER_KG = 1000
L_PER_M3 = 1000
WH_PER_KWH = 1000
COST_PER_CNY = 100_000  # milli-fen: per-metre costs stay integral to 0.001 fen
HORIZON_S = 48 * 60 * S_PER_MIN
UNLIMITED = 2**40


@dataclass(frozen=True, slots=True)
class EnergyModelOptions:
    """Charging nodes: one per site, level and copy; levels are fractions of the largest
    usable battery (``battery_kwh - min_soc_kwh``) among the electric vehicle types."""

    charge_levels: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)
    copies_per_level: int = 2
    #: first solution leaves a charging node out unless inserting it costs nothing
    #: (OR-Tools ``add_unperformed_entries``); False lets it insert chargers freely
    lean_first_solution: bool = True

    def __post_init__(self) -> None:
        if not self.charge_levels or not all(0 < f <= 1 for f in self.charge_levels):
            raise InputError(f"charge_levels must be fractions in (0, 1], got {self.charge_levels}")
        if self.copies_per_level < 1:
            raise InputError(f"copies_per_level must be >= 1, got {self.copies_per_level}")


@dataclass(frozen=True, slots=True)
class PlannedCharge:
    """A charging visit in the search model: after ``after_stops`` stops of the route."""

    site_id: str
    after_stops: int
    kwh: float
    minutes: float


@dataclass(frozen=True, slots=True)
class SearchRoute:
    """One vehicle's route in the search model: stop positions (``problem.stops``) and the
    charging visits the model planned (re-timed exactly by ``charging.schedule_route``)."""

    vehicle_type: VehicleType
    stops: tuple[int, ...]
    charges: tuple[PlannedCharge, ...]


@dataclass(frozen=True, slots=True)
class EnergySearch:
    """Result of the energy-model search: routes, model objective, seeded routes, time."""

    routes: tuple[SearchRoute, ...]
    objective: int | None  # model units (milli-fen + penalties); None if no solution
    unperformed: tuple[int, ...]  # stop positions the model left out
    seeded_routes: int  # routes built around a charging visit after the first solution
    charging_nodes: int
    wall_s: float


@dataclass(frozen=True, slots=True)
class EnergyModel:
    """One zone's integer model: nodes (depots, stops, charging nodes) and their data."""

    loc: np.ndarray  # problem location index of every model node
    nd: int  # depots first
    stops: list[int]  # model nodes nd .. nd+len(stops)-1
    site_of: list[int]  # charging nodes: index into problem.charging_sites
    level_wh: list[int]  # charging nodes: energy added (Wh)
    charge_s: list[int]  # charging nodes: seconds to charge the level
    dist_m: np.ndarray
    time_s: np.ndarray  # travel + service (or charge) at the origin node
    energy_wh: dict[str, np.ndarray]  # per vehicle type id: transit (charging rows negative)
    windows: list[tuple[int, int]]  # per node (depots/chargers: whole horizon)
    kg: list[int]
    m3: list[int]
    prize: int

    @property
    def first_charger(self) -> int:
        return self.nd + len(self.stops)


def _charge_s(wh: int, power_kw: float) -> int:
    """Seconds to add ``wh`` at ``power_kw``, in whole minutes rounded up (as the exact DP
    charges), so a model-feasible charge is never faster than a schedulable one."""
    return math.ceil(wh / WH_PER_KWH / power_kw * 60 - 1e-9) * S_PER_MIN


def _charging_nodes(
    problem: FleetProblem,
    types: list[VehicleType],
    options: EnergyModelOptions,
    tailored: Sequence[tuple[int, float]],
) -> tuple[list[int], list[int], list[int]]:
    """Charging nodes: (site index, Wh added, seconds to charge) per node, every site at
    every level and copy, then the tailored amounts of stops that need a charge alone."""
    electric = [vt for vt in types if vt.battery_kwh is not None]
    site_of: list[int] = []
    level_wh: list[int] = []
    charge_s: list[int] = []
    if electric and problem.charging_sites:
        u_max = max(vt.usable_kwh for vt in electric)
        for s, site in enumerate(problem.charging_sites):
            for f in sorted(set(options.charge_levels)):
                wh = math.floor(f * u_max * WH_PER_KWH)
                secs = _charge_s(wh, site.power_kw)
                for _ in range(options.copies_per_level):
                    site_of.append(s)
                    level_wh.append(wh)
                    charge_s.append(secs)
        for s, kwh in tailored:
            wh = math.floor(kwh * WH_PER_KWH)
            if wh > 0:
                site_of.append(s)
                level_wh.append(wh)
                charge_s.append(_charge_s(wh, problem.charging_sites[s].power_kw))
    return site_of, level_wh, charge_s


def _energy_matrices(
    types: list[VehicleType],
    km: np.ndarray,
    demand_kg: np.ndarray,
    nd: int,
    fc: int,
    level_wh: list[int],
    optimistic: bool,
) -> dict[str, np.ndarray]:
    """Wh per arc for each vehicle type (charging rows negative by their level); types with
    the same rates share one matrix."""
    n = len(demand_kg)
    energy: dict[str, np.ndarray] = {}
    shared: dict[tuple[float, float, float] | None, np.ndarray] = {}  # same rates, one matrix
    for vt in types:
        key = (
            None
            if vt.battery_kwh is None
            else (vt.kwh_per_km, vt.kwh_per_km_per_tonne, 0.0 if optimistic else vt.capacity_kg)
        )
        if key in shared:
            energy[vt.id] = shared[key]
            continue
        if vt.battery_kwh is None:
            energy[vt.id] = shared[key] = np.zeros((n, n), dtype=np.int64)
            continue
        if optimistic:
            load_t = np.zeros(n)
        else:  # load leaving a stop <= capacity - its demand; elsewhere <= capacity
            load_t = np.maximum(vt.capacity_kg - demand_kg, 0.0) / 1000.0
            load_t[:nd] = vt.capacity_kg / 1000.0
            load_t[fc:] = vt.capacity_kg / 1000.0
        rate = vt.kwh_per_km + vt.kwh_per_km_per_tonne * load_t  # kWh/km per origin node
        e = np.ceil(km * rate[:, None] * WH_PER_KWH - 1e-6).astype(np.int64)
        np.fill_diagonal(e, 0)
        if fc < n:
            e[fc:, :] -= np.array(level_wh, dtype=np.int64)[:, None]
            e[fc:, fc:] = UNLIMITED  # no charger-to-charger arcs
        energy[vt.id] = shared[key] = e
    return energy


def build_model(
    problem: FleetProblem,
    stops: list[int],
    types: list[VehicleType],
    optimistic: bool,
    options: EnergyModelOptions,
    tailored: Sequence[tuple[int, float]] = (),
) -> EnergyModel:
    """The integer model of ``stops`` for ``types``: distances, times with service or
    charge time, energy per type, windows, loads and the prize of a served stop."""
    nd = len(problem.depots)
    site_of, level_wh, charge_s = _charging_nodes(problem, types, options, tailored)
    loc = np.array(
        list(range(nd))
        + [problem.first_stop_index + i for i in stops]
        + [problem.first_site_index + s for s in site_of],
        dtype=np.int64,
    )
    km = problem.km_block(loc, loc)
    mins = problem.minutes_block(loc, loc)
    dist_m = np.ceil(km * M_PER_KM - 1e-6).astype(np.int64)
    dur_s = np.ceil(mins * S_PER_MIN - 1e-6).astype(np.int64)
    np.fill_diagonal(dist_m, 0)
    np.fill_diagonal(dur_s, 0)
    n = len(loc)
    fc = nd + len(stops)
    service = np.zeros(n, dtype=np.int64)
    for k, i in enumerate(stops):
        service[nd + k] = math.ceil(problem.stops[i].service_min * S_PER_MIN - 1e-6)
    service[fc:] = charge_s
    time_s = dur_s + service[:, None]
    np.fill_diagonal(time_s, 0)
    demand_kg = np.zeros(n)
    demand_kg[nd:fc] = [problem.stops[i].demand_kg for i in stops]
    energy = _energy_matrices(types, km, demand_kg, nd, fc, level_wh, optimistic)
    windows = [(0, HORIZON_S)] * n
    kg = [0] * n
    m3 = [0] * n
    for k, i in enumerate(stops):
        st = problem.stops[i]
        windows[nd + k] = (
            math.ceil(st.window_open_min * S_PER_MIN - 1e-6),
            math.floor(st.window_close_min * S_PER_MIN + 1e-6),
        )
        kg[nd + k] = math.ceil(st.demand_kg * G_PER_KG - 1e-6)
        m3[nd + k] = math.ceil(st.demand_m3 * L_PER_M3 - 1e-6)
    max_fixed = max(vt.fixed_cost_cny for vt in types)
    max_cpk = max(vt.cost_per_km_cny for vt in types)
    max_cph = max(vt.cost_per_hour_cny for vt in types)
    route_bound = (
        max_fixed + max_cpk * 4 * float(km.max(initial=0.0)) + max_cph * 24
    ) * COST_PER_CNY
    prize = int(min(1e14, 10 * route_bound + 1e7))
    return EnergyModel(
        loc, nd, stops, site_of, level_wh, charge_s, dist_m, time_s, energy, windows, kg, m3,
        prize,
    )  # fmt: skip


def tailored_levels(
    problem: FleetProblem, stops: Sequence[int], types: Sequence[VehicleType]
) -> dict[int, list[tuple[int, float]]]:
    """Stops that need a charge even alone -> (site, kWh) of their exact single-stop plan.

    A stop no compatible battery vehicle reaches without charging, but one reaches with a
    charge, gets charging nodes with exactly the amounts of its cheapest exact plan
    (``schedule_route`` on that stop alone), so the discretised levels never hide it."""
    out: dict[int, list[tuple[int, float]]] = {}
    if not problem.charging_sites:
        return out
    for i in stops:
        s = problem.stops[i]
        fits = [
            vt
            for vt in types
            if (vt.refrigerated or not s.refrigerated)
            and s.demand_kg <= vt.capacity_kg
            and s.demand_m3 <= vt.capacity_m3
        ]
        if any(vt.battery_kwh is None for vt in fits):
            continue  # a PHEV serves it without charging
        if any(schedule_route(problem, vt, [i], allow_charging=False) for vt in fits):
            continue
        plans = [p for vt in fits if (p := schedule_route(problem, vt, [i])) is not None]
        if not plans:
            continue
        out[i] = _charges_of(problem, min(plans, key=lambda p: p.cost_cny))
    return out


def _charges_of(problem: FleetProblem, plan: RoutePlan) -> list[tuple[int, float]]:
    """(site, kWh added) of every charging visit of ``plan`` (replayed from the depot)."""
    vt = problem.vehicle_type(plan.vehicle_type)
    soc = vt.battery_kwh or 0.0
    load = sum(problem.stops[problem.index_of(x) - problem.first_stop_index].demand_kg
               for x in plan.stop_ids)  # fmt: skip
    here = problem.index_of(vt.depot)
    out: list[tuple[int, float]] = []
    for v in plan.visits:
        to = problem.index_of(v.stop_id if isinstance(v, StopVisit) else v.site_id)
        soc -= vt.leg_kwh(problem.km(here, to), load)
        if isinstance(v, StopVisit):
            load = v.load_kg
        else:
            out.append((to - problem.first_site_index, v.soc_kwh - soc))
            soc = v.soc_kwh
        here = to
    return out


def model_cost(
    problem: FleetProblem, m: EnergyModel, vt: VehicleType, depot: int, path: list[int]
) -> float | None:
    """Cost (CNY, model distances) of ``path`` on ``vt`` if feasible in the integer model.

    Mirrors the routing model: kg/m3 capacity, windows with waiting, shift and depot hours,
    energy deficit in [0, usable] on every node and >= level on arrival at a charger."""
    fc = m.first_charger
    if sum(m.kg[k] for k in path) > math.floor(vt.capacity_kg * G_PER_KG + 1e-6):
        return None
    if sum(m.m3[k] for k in path) > math.floor(vt.capacity_m3 * L_PER_M3 + 1e-6):
        return None
    cap = UNLIMITED if vt.battery_kwh is None else math.floor(vt.usable_kwh * WH_PER_KWH + 1e-6)
    e = m.energy_wh[vt.id]
    t0, end_by = shift_bounds_s(problem, vt)
    t = t0
    deficit = 0
    here = depot
    km_m = 0
    waited = 0  # waiting so far, and the forward slack of the departure (Savelsbergh)
    slack = UNLIMITED
    for node in [*path, depot]:
        deficit += int(e[here, node])
        t += int(m.time_s[here, node])
        km_m += int(m.dist_m[here, node])
        if node == depot:
            if t > end_by:
                return None
            slack = min(slack, end_by - t + waited)
        else:
            lo, hi = m.windows[node]
            waited += max(0, lo - t)
            t = max(t, lo)
            if t > hi:
                return None
            slack = min(slack, hi - t + waited)
            if node >= fc and deficit < m.level_wh[node - fc]:
                return None
        if not 0 <= deficit <= cap:
            return None
        here = node
    duration_s = t - t0 - min(waited, slack)  # departure pushed as late as it helps
    return vt.route_cost_cny(km_m / M_PER_KM, duration_s / S_PER_MIN)
