"""OR-Tools routing model with an energy dimension and optional charging visits.

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
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from freight.errors import InputError, SolverError
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
_HORIZON_S = 48 * 60 * S_PER_MIN
_UNLIMITED = 2**40


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
class _Model:
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


def _build(
    problem: FleetProblem,
    stops: list[int],
    types: list[VehicleType],
    optimistic: bool,
    options: EnergyModelOptions,
    tailored: Sequence[tuple[int, float]] = (),
) -> _Model:
    nd = len(problem.depots)
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
    energy: dict[str, np.ndarray] = {}
    shared: dict[tuple[float, float, float] | None, np.ndarray] = {}  # same rates, one matrix
    big = _UNLIMITED
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
            e[fc:, fc:] = big  # no charger-to-charger arcs
        energy[vt.id] = shared[key] = e
    windows = [(0, _HORIZON_S)] * n
    for k, i in enumerate(stops):
        st = problem.stops[i]
        windows[nd + k] = (
            math.ceil(st.window_open_min * S_PER_MIN - 1e-6),
            math.floor(st.window_close_min * S_PER_MIN + 1e-6),
        )
    kg = [0] * n
    m3 = [0] * n
    for k, i in enumerate(stops):
        kg[nd + k] = math.ceil(problem.stops[i].demand_kg * G_PER_KG - 1e-6)
        m3[nd + k] = math.ceil(problem.stops[i].demand_m3 * L_PER_M3 - 1e-6)
    max_fixed = max(vt.fixed_cost_cny for vt in types)
    max_cpk = max(vt.cost_per_km_cny for vt in types)
    max_cph = max(vt.cost_per_hour_cny for vt in types)
    route_bound = (
        max_fixed + max_cpk * 4 * float(km.max(initial=0.0)) + max_cph * 24
    ) * COST_PER_CNY
    prize = int(min(1e14, 10 * route_bound + 1e7))
    return _Model(
        loc, nd, stops, site_of, level_wh, charge_s, dist_m, time_s, energy, windows, kg, m3,
        prize,
    )  # fmt: skip


def search_ortools_energy(
    problem: FleetProblem,
    stops: Sequence[int],
    types: Sequence[VehicleType],
    fleet: dict[str, int],
    *,
    time_s: float,
    solution_limit: int | None = None,
    optimistic: bool = False,
    options: EnergyModelOptions | None = None,
) -> EnergySearch:
    """Solve the OR-Tools energy model on ``stops`` with ``fleet[type id]`` vehicles each.

    ``time_s`` bounds the whole search; with ``solution_limit`` the guided local search
    stops after that many solutions (reproducible). Returned routes are search routes: the
    caller re-times them with ``charging.schedule_route``.
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    t_start = time.perf_counter()
    options = options or EnergyModelOptions()
    if not time_s > 0:
        raise InputError(f"time_s must be > 0, got {time_s}")
    stops = list(stops)
    types = [vt for vt in types if fleet.get(vt.id, 0) > 0]
    vehicles = [vt for vt in types for _ in range(fleet[vt.id])]
    if not stops or not vehicles:
        return EnergySearch((), None, tuple(stops), 0, 0, time.perf_counter() - t_start)
    tailored_for = _tailored_levels(problem, stops, types)
    tailored = [c for cs in tailored_for.values() for c in cs]
    m = _build(problem, stops, types, optimistic, options, tailored)
    nd, fc, n = m.nd, m.first_charger, len(m.loc)
    starts = [problem.index_of(vt.depot) for vt in vehicles]
    manager = pywrapcp.RoutingIndexManager(n, len(vehicles), starts, starts)
    routing = pywrapcp.RoutingModel(manager)

    by_unit: dict[float, int] = {}
    for v, vt in enumerate(vehicles):
        unit = vt.cost_per_km_cny * COST_PER_CNY / M_PER_KM
        if unit not in by_unit:
            by_unit[unit] = routing.RegisterTransitMatrix(
                np.round(m.dist_m * unit).astype(np.int64).tolist()
            )
        routing.SetArcCostEvaluatorOfVehicle(by_unit[unit], v)
        routing.SetFixedCostOfVehicle(round(vt.fixed_cost_cny * COST_PER_CNY), v)

    time_cb = routing.RegisterTransitMatrix(m.time_s.tolist())
    routing.AddDimension(time_cb, _HORIZON_S, _HORIZON_S, False, "time")
    tdim = routing.GetDimensionOrDie("time")
    kg_cb = routing.RegisterUnaryTransitVector(m.kg)
    m3_cb = routing.RegisterUnaryTransitVector(m.m3)
    routing.AddDimensionWithVehicleCapacity(
        kg_cb, 0, [math.floor(vt.capacity_kg * G_PER_KG + 1e-6) for vt in vehicles], True, "kg"
    )
    routing.AddDimensionWithVehicleCapacity(
        m3_cb, 0, [math.floor(vt.capacity_m3 * L_PER_M3 + 1e-6) for vt in vehicles], True, "m3"
    )
    by_matrix: dict[int, int] = {}  # one callback per distinct matrix
    for e in m.energy_wh.values():
        if id(e) not in by_matrix:
            by_matrix[id(e)] = routing.RegisterTransitMatrix(e.tolist())
    energy_cb = {tid: by_matrix[id(e)] for tid, e in m.energy_wh.items()}
    caps = [
        _UNLIMITED if vt.battery_kwh is None else math.floor(vt.usable_kwh * WH_PER_KWH + 1e-6)
        for vt in vehicles
    ]
    routing.AddDimensionWithVehicleTransitAndCapacity(
        [energy_cb[vt.id] for vt in vehicles], 0, caps, True, "energy"
    )
    edim = routing.GetDimensionOrDie("energy")

    for d in set(range(nd)) - set(starts):  # a depot without vehicles here: optional node
        routing.AddDisjunction([manager.NodeToIndex(d)], 0)
    ordinary = [v for v, vt in enumerate(vehicles) if not vt.refrigerated]
    no_battery = [v for v, vt in enumerate(vehicles) if vt.battery_kwh is None]
    for node in range(nd, n):
        idx = manager.NodeToIndex(node)
        lo, hi = m.windows[node]
        tdim.CumulVar(idx).SetRange(lo, hi)
        if node < fc:
            routing.AddDisjunction([idx], m.prize)
            if problem.stops[m.stops[node - nd]].refrigerated and ordinary:
                routing.VehicleVar(idx).RemoveValues(ordinary)
        else:
            routing.AddDisjunction([idx], 0)
            edim.CumulVar(idx).SetMin(m.level_wh[node - fc])  # never charge above full
            if no_battery:
                routing.VehicleVar(idx).RemoveValues(no_battery)
    for v, vt in enumerate(vehicles):
        depart_s, return_s = shift_bounds_s(problem, vt)
        # the departure is a range from the shift start: a span cost moves it later
        tdim.CumulVar(routing.Start(v)).SetRange(depart_s, _HORIZON_S)
        tdim.CumulVar(routing.End(v)).SetRange(0, return_s)
        span_cost = round(vt.cost_per_hour_cny * COST_PER_CNY / (60 * S_PER_MIN))
        if span_cost > 0:  # paid route time: departure to return, waiting included
            tdim.SetSpanCostCoefficientForVehicle(span_cost, v)

    deadline = t_start + time_s
    sp = pywrapcp.DefaultRoutingSearchParameters()
    sp.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    sp.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    # leave a zero-penalty charging node out unless inserting it costs nothing
    sp.global_cheapest_insertion_first_solution_parameters.add_unperformed_entries = (
        options.lean_first_solution
    )
    sp.solution_limit = 1  # the first solution only; seeding and GLS follow
    sp.time_limit.FromMilliseconds(max(50, int((deadline - time.perf_counter()) * 1000)))
    routing.CloseModelWithParameters(sp)
    # stops that need a charge even alone: lock them with their charging nodes onto
    # vehicles first, so the insertion heuristic builds the rest of the day around them
    needy = {nd + k for k, i in enumerate(stops) if i in tailored_for}
    locks: list[list[int]] = [[] for _ in vehicles]
    locked = 0
    if needy:
        locked = _seed_charging_routes(
            problem, m, vehicles, locks, time.perf_counter() + max(0.05, 0.1 * time_s), needy
        )
        if locked and not routing.ApplyLocksToAllVehicles(
            [[manager.NodeToIndex(k) for k in p] for p in locks], False
        ):
            locked = 0  # pragma: no cover - the seeded routes are valid chains
    first = routing.SolveWithParameters(sp)
    if first is None and locked:  # defensive: retry without the locked chains
        locked = 0
        routing.ApplyLocksToAllVehicles([[] for _ in vehicles], False)
        first = routing.SolveWithParameters(sp)
    if first is None:
        status = routing.status()
        if status in (routing.ROUTING_FAIL, routing.ROUTING_FAIL_TIMEOUT):
            return EnergySearch((), None, tuple(stops), 0, n - fc, time.perf_counter() - t_start)
        raise SolverError(f"OR-Tools energy model failed with status {status}")

    paths = _paths(routing, manager, first, len(vehicles))
    # insertion heuristics also insert zero-penalty charging nodes where they cost little:
    # take them out wherever the route stays feasible without them
    for v, vt in enumerate(vehicles):
        bare = [k for k in paths[v] if nd <= k < fc]
        if bare != paths[v]:
            depot = problem.index_of(vt.depot)
            if not bare or _model_cost(problem, m, vt, depot, bare) is not None:
                paths[v] = bare
    seeded = _seed_charging_routes(
        problem, m, vehicles, paths, time.perf_counter() + max(0.05, 0.1 * time_s)
    )
    sol = first
    remaining = deadline - time.perf_counter()
    if remaining > 0.05 and (solution_limit is None or solution_limit > 1):
        sp.solution_limit = solution_limit if solution_limit is not None else 2**62
        sp.time_limit.FromMilliseconds(max(50, int(remaining * 1000)))
        start = routing.ReadAssignmentFromRoutes(paths, True)
        if start is not None:
            improved = routing.SolveFromAssignmentWithParameters(start, sp)
            if improved is not None:
                sol = improved
    paths = _paths(routing, manager, sol, len(vehicles))
    out: list[SearchRoute] = []
    performed: set[int] = set()
    for v, path in enumerate(paths):
        seq: list[int] = []
        charges: list[PlannedCharge] = []
        for node in path:
            if node < nd:
                continue  # a depot without vehicles, passed through
            if node < fc:
                seq.append(m.stops[node - nd])
            else:
                site = problem.charging_sites[m.site_of[node - fc]]
                charges.append(
                    PlannedCharge(
                        site.id,
                        len(seq),
                        m.level_wh[node - fc] / WH_PER_KWH,
                        m.charge_s[node - fc] / S_PER_MIN,
                    )
                )
        if seq:
            performed.update(seq)
            out.append(SearchRoute(vehicles[v], tuple(seq), tuple(charges)))
    return EnergySearch(
        tuple(out),
        int(sol.ObjectiveValue()),
        tuple(i for i in stops if i not in performed),
        locked + seeded,
        n - fc,
        time.perf_counter() - t_start,
    )


def _paths(routing: object, manager: object, sol: object, n_vehicles: int) -> list[list[int]]:
    """Model nodes visited by each vehicle (its start and end depot left out)."""
    out: list[list[int]] = []
    for v in range(n_vehicles):
        path: list[int] = []
        idx = sol.Value(routing.NextVar(routing.Start(v)))  # type: ignore[attr-defined]
        while not routing.IsEnd(idx):  # type: ignore[attr-defined]
            path.append(manager.IndexToNode(idx))  # type: ignore[attr-defined]
            idx = sol.Value(routing.NextVar(idx))  # type: ignore[attr-defined]
        out.append(path)
    return out


def _tailored_levels(
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


def _seed_charging_routes(
    problem: FleetProblem,
    m: _Model,
    vehicles: list[VehicleType],
    paths: list[list[int]],
    deadline: float,
    only: set[int] | None = None,
) -> int:
    """Insert unperformed stops together with charging nodes (tightest window first).

    For each unperformed stop: on an unused battery vehicle (one per type) the patterns
    [c, s], [s, c] and [c1, s, c2]; into the 8 nearest routes, [c, s] and [s, c] at every
    position; c ranges over one free charging node per (site, level). Keeps the cheapest
    insertion feasible in the integer model. Changes ``paths`` in place; returns the number
    of stops inserted.
    """
    nd, fc, n = m.nd, m.first_charger, len(m.loc)
    if fc == n:
        return 0
    used_nodes = {node for p in paths for node in p}
    free_chargers = [c for c in range(fc, n) if c not in used_nodes]
    unperformed = [k for k in range(nd, fc) if k not in used_nodes and (only is None or k in only)]
    unperformed.sort(key=lambda k: (m.windows[k][1] - m.windows[k][0], -m.kg[k]))
    depot_of = [problem.index_of(vt.depot) for vt in vehicles]
    cost_now = [
        _model_cost(problem, m, vt, depot_of[v], p) if p else 0.0
        for v, (vt, p) in enumerate(zip(vehicles, paths, strict=True))
    ]
    added = 0
    for node in unperformed:
        if time.perf_counter() > deadline:
            break
        stop = problem.stops[m.stops[node - nd]]
        reps: dict[tuple[int, int], int] = {}
        for c in free_chargers:
            reps.setdefault((m.site_of[c - fc], m.level_wh[c - fc]), c)
        cands = list(reps.values())
        if not cands:
            break
        best: tuple[float, int, list[int]] | None = None

        def consider(v: int, new_path: list[int]) -> None:
            nonlocal best
            cost = _model_cost(problem, m, vehicles[v], depot_of[v], new_path)
            if cost is not None:
                delta = cost - (cost_now[v] or 0.0)
                if best is None or delta < best[0] - 1e-9:
                    best = (delta, v, new_path)

        empty_types: set[str] = set()
        used_v: list[int] = []
        for v, vt in enumerate(vehicles):
            if vt.battery_kwh is None or (stop.refrigerated and not vt.refrigerated):
                continue
            if paths[v]:
                used_v.append(v)
            elif vt.id not in empty_types:
                empty_types.add(vt.id)  # every unused vehicle of a type is the same
                for c in cands:
                    consider(v, [c, node])
                    consider(v, [node, c])
                for c1 in cands:
                    for c2 in free_chargers:
                        if c2 != c1 and (c2 in cands or reps.get(
                            (m.site_of[c2 - fc], m.level_wh[c2 - fc])) == c1):  # fmt: skip
                            consider(v, [c1, node, c2])
        used_v.sort(key=lambda v: min(int(m.dist_m[node, k]) for k in paths[v]))
        for v in used_v[:8]:
            p = paths[v]
            for pos in range(len(p) + 1):
                if (pos > 0 and p[pos - 1] >= fc) or (pos < len(p) and p[pos] >= fc):
                    continue  # keep one charger between two route points
                for c in cands:
                    consider(v, p[:pos] + [c, node] + p[pos:])
                    consider(v, p[:pos] + [node, c] + p[pos:])
        if best is None:
            continue
        _, v, new_path = best
        paths[v] = new_path
        cost_now[v] = _model_cost(problem, m, vehicles[v], depot_of[v], new_path)
        for c in new_path:
            if c >= fc and c in free_chargers:
                free_chargers.remove(c)
        added += 1
    return added


def _model_cost(
    problem: FleetProblem, m: _Model, vt: VehicleType, depot: int, path: list[int]
) -> float | None:
    """Cost (CNY, model distances) of ``path`` on ``vt`` if feasible in the integer model.

    Mirrors the routing model: kg/m3 capacity, windows with waiting, shift and depot hours,
    energy deficit in [0, usable] on every node and >= level on arrival at a charger."""
    fc = m.first_charger
    if sum(m.kg[k] for k in path) > math.floor(vt.capacity_kg * G_PER_KG + 1e-6):
        return None
    if sum(m.m3[k] for k in path) > math.floor(vt.capacity_m3 * L_PER_M3 + 1e-6):
        return None
    cap = _UNLIMITED if vt.battery_kwh is None else math.floor(vt.usable_kwh * WH_PER_KWH + 1e-6)
    e = m.energy_wh[vt.id]
    t0, end_by = shift_bounds_s(problem, vt)
    t = t0
    deficit = 0
    here = depot
    km_m = 0
    waited = 0  # waiting so far, and the forward slack of the departure (Savelsbergh)
    slack = _UNLIMITED
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
