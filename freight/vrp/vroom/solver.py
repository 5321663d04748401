"""Solve a ``VroomProblem`` with PyVRP (iterated local search; jobs, shipments, several
depots, heterogeneous vehicles, time windows, multi-dimensional capacities).

The objective is VROOM's: first the priority sum of assigned tasks, then how many are
assigned, then cost. Every task is optional with a prize that outweighs any route cost
(``prize = W * (priority * (N + 1) + 1)``, ``W`` above the costliest possible plan), so
dropping a task is only ever chosen when no plan can serve it. Modelling, each exact unless
said otherwise:

* vehicles that differ only in id share a PyVRP vehicle type; each (profile, costs,
  speed factor, skills) gets its own PyVRP profile whose arc cost (``distance``) is the VROOM
  leg cost x ``COST_SCALE``; arcs into a task the vehicle lacks skills for cost more than
  every prize together, and a plan that still uses one is not returned;
* several time windows of a job: one copy per window in a mutually exclusive group;
* setup: added to the travel time of every arc between different places (VROOM applies
  setup when the previous place differs). Its window then bounds the end of setup, so the
  window's start is moved later by the setup (conservative: plans stay feasible);
* ``max_tasks``: one more load dimension counting jobs; ``max_travel_time``: PyVRP's
  ``max_distance`` over the leg cost, which is proportional to travel time there
  (the parser refuses other cost kinds with it); open start/end: a place 0 s from all.
"""

from __future__ import annotations

import time
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pyvrp import (
    Client,
    ClientGroup,
    Depot,
    IteratedLocalSearchParams,
    Location,
    PenaltyParams,
    ProblemData,
    Shipment,
    SolveParams,
    VehicleType,
)
from pyvrp import solve as pyvrp_solve
from pyvrp.search import NeighbourhoodParams, PerturbationParams

from freight.errors import InputError
from freight.vrp.vroom.answer import RoutePlan, VrpAnswer
from freight.vrp.vroom.model import Task, VroomProblem, VroomVehicle

__all__ = ["COST_SCALE", "solve_vroom"]

#: Scale of leg costs handed to PyVRP (integers; VROOM's own costs are integers too).
COST_SCALE = 1
_INT_LIMIT = 2**62


@dataclass(frozen=True, slots=True)
class _Visit:
    """One PyVRP client or shipment: the VROOM task(s) it stands for and where it is."""

    tasks: tuple[Task, ...]  # (job,) or (pickup, delivery)
    skills: frozenset[int]
    priority: int


class _Builder:
    """Turns the problem into PyVRP ``ProblemData`` and keeps the index maps back."""

    def __init__(self, prob: VroomProblem) -> None:
        self.prob = prob
        self.loc_mi: list[int | None] = []  # matrix index of each PyVRP location (None = open)
        self.loc_setup: list[int] = []
        self.depot_of: dict[int | None, int] = {}
        for v in prob.vehicles:
            for mi in (v.start, v.end):
                if mi not in self.depot_of:
                    self.depot_of[mi] = len(self.loc_mi)
                    self.loc_mi.append(mi)
                    self.loc_setup.append(0)
        self.eligible = [[j.skills <= v.skills for v in prob.vehicles] for j in prob.jobs] + [
            [s.skills <= v.skills for v in prob.vehicles] for s in prob.shipments
        ]

    def place(self, task: Task) -> int:
        self.loc_mi.append(task.location)
        self.loc_setup.append(task.setup)
        return len(self.loc_mi) - 1

    def groups(self) -> list[tuple[tuple[int, ...], list[int]]]:
        """Vehicles that are interchangeable: (key, vehicle indexes)."""
        out: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for i, v in enumerate(self.prob.vehicles):
            elig = tuple(row[i] for row in self.eligible)
            out[
                (
                    self.profile_key(v, elig),
                    v.start,
                    v.end,
                    v.capacity,
                    v.tw_start,
                    v.tw_end,
                    v.costs.fixed,
                    v.max_tasks,
                    v.max_travel_time,
                )
            ].append(i)
        return [(tuple(range(len(k))), vs) for k, vs in out.items()]

    @staticmethod
    def profile_key(v: VroomVehicle, elig: tuple[bool, ...]) -> tuple[object, ...]:
        return (v.profile, v.costs.per_hour, v.costs.per_km, v.speed_factor, elig)


def _prizes(prob: VroomProblem, visits: Sequence[_Visit], max_arc: int) -> tuple[int, list[int]]:
    n_tasks = sum(len(v.tasks) for v in visits)
    fixed = sum(v.costs.fixed for v in prob.vehicles) * COST_SCALE
    w = (n_tasks + 2 * len(prob.vehicles) + 1) * max_arc + fixed + 1
    prizes = [w * len(v.tasks) * (v.priority * (n_tasks + 1) + 1) for v in visits]
    big = sum(prizes) + w
    if big * (n_tasks + 2) >= _INT_LIMIT:
        raise InputError(
            "problem too large for exact integer priorities; lower the costs or priorities"
        )
    return big, prizes


def _profile_matrices(
    b: _Builder, v: VroomVehicle, allowed: np.ndarray, big: int
) -> tuple[np.ndarray, np.ndarray]:
    """(cost x COST_SCALE, travel + setup) over PyVRP locations for vehicles like ``v``."""
    prob = b.prob
    m = prob.matrices[v.profile]
    mi = np.array([x if x is not None else 0 for x in b.loc_mi])
    open_ = np.array([x is None for x in b.loc_mi])
    dur = np.asarray(m.durations, dtype=np.float64)[np.ix_(mi, mi)]
    travel = np.rint(dur / v.speed_factor)
    if m.costs is not None:
        cost = np.asarray(m.costs, dtype=np.float64)[np.ix_(mi, mi)]
    else:
        cost = v.costs.per_hour * travel / 3600.0
        if v.costs.per_km and m.distances is not None:
            dist = np.asarray(m.distances, dtype=np.float64)[np.ix_(mi, mi)]
            cost = cost + v.costs.per_km * dist / 1000.0
    cost = np.rint(cost * COST_SCALE)
    moved = mi[:, None] != mi[None, :]
    setup = np.asarray(b.loc_setup, dtype=np.float64)[None, :] * (moved | open_[:, None])
    for arr in (travel, cost):
        arr[open_, :] = 0
        arr[:, open_] = 0
    travel = travel + setup
    cost[:, ~allowed] = big
    cost[~allowed, :] = big
    np.fill_diagonal(cost, 0)
    np.fill_diagonal(travel, 0)
    return cost.astype(np.int64), travel.astype(np.int64)


def _visits(prob: VroomProblem, b: _Builder) -> tuple[list[_Visit], list[Task], list[int]]:
    """Servable visits (kept in input order), tasks no vehicle may serve, visit -> row."""
    visits: list[_Visit] = []
    rows: list[int] = []
    dropped: list[Task] = []
    for k, j in enumerate(prob.jobs):
        if any(b.eligible[k]):
            visits.append(_Visit((j.task,), j.skills, j.priority))
            rows.append(k)
        else:
            dropped.append(j.task)
    for k, s in enumerate(prob.shipments, start=len(prob.jobs)):
        if any(b.eligible[k]):
            visits.append(_Visit((s.pickup, s.delivery), s.skills, s.priority))
            rows.append(k)
        else:
            dropped += [s.pickup, s.delivery]
    return visits, dropped, rows


def _windows(task: Task) -> list[tuple[int, int]]:
    """Windows for the end of setup (see the module note); [(0, max)] when unconstrained."""
    if not task.time_windows:
        return [(0, _INT_LIMIT)]
    return [(a + task.setup, b) for a, b in task.time_windows if a + task.setup <= b] or [
        (task.time_windows[-1][1], task.time_windows[-1][1])
    ]


class _Model:
    """PyVRP data for a problem, and the maps to read a PyVRP solution back."""

    def __init__(self, prob: VroomProblem, required: bool) -> None:
        b = _Builder(prob)
        self.prob, self.b = prob, b
        visits, self.dropped, rows = _visits(prob, b)
        dims = prob.dimensions
        counting = any(v.max_tasks is not None for v in prob.vehicles)
        clients: list[Client] = []
        groups: list[ClientGroup] = []
        ships: list[Shipment] = []
        self.client_task: list[Task] = []
        self.ship_tasks: list[tuple[Task, Task]] = []
        self.client_row: list[int] = []
        self.ship_row: list[int] = []
        shapes: list[tuple[_Visit, int]] = list(zip(visits, rows, strict=True))
        max_arc = self._max_arc()
        big, prizes = _prizes(prob, visits, max_arc)
        self.max_prize = max(prizes, default=0)
        if required:
            prizes = [0] * len(prizes)
        jobs = {j.task.id: j for j in prob.jobs}
        ship_of = {s.pickup.id: s for s in prob.shipments}
        for (visit, row), prize in zip(shapes, prizes, strict=True):
            if len(visit.tasks) == 1:
                t = visit.tasks[0]
                j = jobs[t.id]
                wins = _windows(t)
                group = len(groups) if len(wins) > 1 else None
                members = []
                for a, bb in wins:
                    members.append(len(clients))
                    clients.append(
                        Client(
                            location=b.place(t),
                            delivery=list(j.delivery) + [1] * counting,
                            pickup=list(j.pickup) + [0] * counting,
                            service_duration=t.service,
                            tw_early=a,
                            tw_late=bb,
                            prize=prize,
                            required=required and group is None,
                            group=group,
                        )
                    )
                    self.client_task.append(t)
                    self.client_row.append(row)
                if group is not None:
                    groups.append(ClientGroup(members, required=required))
            else:
                p, d = visit.tasks
                (pa, pb), (da, db) = _windows(p)[0], _windows(d)[0]
                ships.append(
                    Shipment(
                        pickup_location=b.place(p),
                        delivery_location=b.place(d),
                        pickup_tw_early=pa,
                        pickup_tw_late=pb,
                        pickup_service_duration=p.service,
                        delivery_tw_early=da,
                        delivery_tw_late=db,
                        delivery_service_duration=d.service,
                        amount=list(ship_of[p.id].amount) + [0] * counting,
                        prize=prize,
                        required=required,
                    )
                )
                self.ship_tasks.append((p, d))
                self.ship_row.append(row)
        self.data = self._data(clients, groups, ships, big, dims, counting)

    def _max_arc(self) -> int:
        worst = 1
        for v in self.prob.vehicles:
            m = self.prob.matrices[v.profile]
            src = m.costs if m.costs is not None else m.durations
            arc: float = max((max(r) for r in src), default=0)
            if m.costs is None:
                dist = max((max(r) for r in m.distances), default=0) if m.distances else 0
                arc = v.costs.per_hour * arc / v.speed_factor / 3600 + v.costs.per_km * dist / 1e3
            worst = max(worst, int(arc * COST_SCALE) + 1)
        return worst

    def _data(
        self,
        clients: list[Client],
        groups: list[ClientGroup],
        ships: list[Shipment],
        big: int,
        dims: int,
        counting: bool,
    ) -> ProblemData:
        b, prob = self.b, self.prob
        n_loc = len(b.loc_mi)
        row_of_loc = np.full(n_loc, -1)
        for c, row in zip(clients, self.client_row, strict=True):
            row_of_loc[c.location] = row
        for s, row in zip(ships, self.ship_row, strict=True):
            row_of_loc[s.pickup.location] = row
            row_of_loc[s.delivery.location] = row
        totals = [
            sum(j.delivery[k] + j.pickup[k] for j in prob.jobs)
            + sum(s.amount[k] for s in prob.shipments)
            + 1
            for k in range(dims)
        ]
        profiles: dict[tuple[object, ...], int] = {}
        dist_ms: list[np.ndarray] = []
        dur_ms: list[np.ndarray] = []
        vtypes: list[VehicleType] = []
        self.type_vehicles: list[list[int]] = []
        for _, members in b.groups():
            v = prob.vehicles[members[0]]
            elig = tuple(row[members[0]] for row in b.eligible)
            key = _Builder.profile_key(v, elig)
            if key not in profiles:
                allowed = np.array([r < 0 or elig[r] for r in row_of_loc])
                cm, tm = _profile_matrices(b, v, allowed, big)
                profiles[key] = len(dist_ms)
                dist_ms.append(cm)
                dur_ms.append(tm)
            cap = list(v.capacity) if v.capacity is not None else totals
            if counting:
                cap = cap + [v.max_tasks if v.max_tasks is not None else len(clients) + 1]
            max_d = _INT_LIMIT
            if v.max_travel_time is not None:
                max_d = v.max_travel_time * v.costs.per_hour * COST_SCALE // 3600
            vtypes.append(
                VehicleType(
                    num_available=len(members),
                    capacity=cap,
                    start_depot=b.depot_of[v.start],
                    end_depot=b.depot_of[v.end],
                    fixed_cost=v.costs.fixed * COST_SCALE,
                    tw_early=v.tw_start,
                    tw_late=v.tw_end if v.tw_end is not None else _INT_LIMIT,
                    max_distance=max_d,
                    unit_distance_cost=1,
                    unit_duration_cost=0,
                    profile=profiles[key],
                )
            )
            self.type_vehicles.append(members)
        depots = [Depot(location=loc) for loc in sorted(b.depot_of.values())]
        locations = [Location(0.0, 0.0) for _ in range(n_loc)]
        dist_list: list[Any] = dist_ms
        dur_list: list[Any] = dur_ms
        return ProblemData(locations, clients, depots, vtypes, dist_list, dur_list, groups, ships)


def _read_routes(model: _Model, best: object) -> tuple[list[RoutePlan], set[int]]:
    """Route plans of the PyVRP solution; rows (jobs then shipments) that they serve."""
    from pyvrp import ActivityType

    plans: list[RoutePlan] = []
    served: set[int] = set()
    free = [list(vs) for vs in model.type_vehicles]
    for route in best.routes():  # type: ignore[attr-defined]
        vehicle = free[route.vehicle_type()].pop(0)
        tasks: list[Task] = []
        rows: set[int] = set()
        for act in route.schedule():
            if act.type == ActivityType.CLIENT:
                tasks.append(model.client_task[act.idx])
                rows.add(model.client_row[act.idx])
            elif act.type in (ActivityType.PICKUP, ActivityType.DELIVERY):
                pick, drop = model.ship_tasks[act.idx]
                tasks.append(pick if act.type == ActivityType.PICKUP else drop)
                rows.add(model.ship_row[act.idx])
        ok = route.is_feasible() and all(model.b.eligible[r][vehicle] for r in rows)
        if tasks and ok:
            plans.append(RoutePlan(vehicle, tuple(tasks), int(route.start_time())))
            served |= rows
    plans.sort(key=lambda p: p.vehicle)
    return plans, served


#: Problems with at most this many tasks stop after ``SMALL_STALL_ITERS`` iterations without
#: improvement (their search converges in milliseconds; the time limit is then a bound only).
SMALL_TASKS = 20
SMALL_STALL_ITERS = 3000


class _Phase:
    """Stop at the deadline, early once ``give_up_s`` passed without a feasible plan, or
    (small problems) after ``stall`` iterations without improvement."""

    def __init__(self, deadline: float, give_up_s: float | None, stall: int | None) -> None:
        self.deadline, self.t0, self.give_up_s = deadline, time.perf_counter(), give_up_s
        self.stall, self.best, self.since = stall, float("inf"), 0

    def __call__(self, best_cost: float) -> bool:
        now = time.perf_counter()
        if now >= self.deadline:
            return True
        self.since = 0 if best_cost < self.best else self.since + 1
        self.best = min(self.best, best_cost)
        if self.stall is not None and self.since >= self.stall:
            return True
        infeasible = best_cost >= _INFEASIBLE_COST
        return self.give_up_s is not None and infeasible and now - self.t0 >= self.give_up_s


#: PyVRP reports this (or more) as the cost of an infeasible best solution.
_INFEASIBLE_COST = 2**62


#: Granular neighbourhood: each client's nearest this many (PyVRP's default is 50). Fewer
#: candidate moves per client make each local search quicker, which pays at 10 s and on a
#: busy machine (measured with ``bench/vroom_bench.py``; see bench/results/vroom.md).
NUM_NEIGHBOURS = 30


def _params(model: _Model) -> SolveParams:
    """PyVRP's defaults, except: a smaller granular neighbourhood (``NUM_NEIGHBOURS``);
    with shipments, gentler perturbation and a shorter acceptance history (better at 10 s on
    the benchmark's pickup-and-delivery instances, worse on Solomon VRPTW, so used with
    shipments only); with prizes, penalties that can outweigh a prize (else infeasible plans
    keeping every task beat feasible ones)."""
    kw: dict[str, Any] = {"neighbourhood": NeighbourhoodParams(num_neighbours=NUM_NEIGHBOURS)}
    if model.ship_tasks:
        kw["perturbation"] = PerturbationParams(1, 10)
        kw["ils"] = IteratedLocalSearchParams(history_length=100)
    if model.max_prize:
        cap = max(1e5, min(4.0 * model.max_prize, 2.0**62 / 1e6))
        kw["penalty"] = PenaltyParams(max_penalty=cap)
    return SolveParams(**kw)


def _run(model: _Model, stop: _Phase, seed: int) -> object:
    params = _params(model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # penalty-saturation warnings; result is checked
        res = pyvrp_solve(
            model.data, stop, seed=seed, display=False, collect_stats=False, params=params
        )
    return res.best if res.is_feasible() else None


def solve_vroom(prob: VroomProblem, time_limit_s: float = 1.0, seed: int = 0) -> VrpAnswer:
    """Solve ``prob`` within ``time_limit_s`` (PyVRP, ``seed``); an answer in VROOM terms.

    First every task is required (the usual case: all can be served, and PyVRP searches
    best that way); if no feasible plan appears within 30 % of the time, the rest of the
    time goes to the prize-collecting model (tasks optional, priorities as prizes). The
    search is bounded by wall time: the same seed gives the same sequence of moves, but a
    busier machine stops it sooner, so the plan can differ between runs.
    """
    if not time_limit_s > 0:
        raise InputError(f"time_limit_s must be positive, got {time_limit_s}")
    t0 = time.perf_counter()
    deadline = t0 + time_limit_s
    strict = _Model(prob, required=True)  # the prize model is built only when needed
    dropped = strict.dropped  # tasks no vehicle may serve (the same in either model)
    t1 = time.perf_counter()
    plans: list[RoutePlan] = []
    served: set[int] = set()
    notes: list[str] = []
    n_tasks = len(prob.jobs) + 2 * len(prob.shipments)
    stall = SMALL_STALL_ITERS if n_tasks <= SMALL_TASKS else None
    if strict.client_task or strict.ship_tasks:
        best = None
        if not dropped:
            best = _run(strict, _Phase(deadline, 0.3 * time_limit_s, stall), seed)
            if best is not None:
                plans, served = _read_routes(strict, best)
        if best is None or len(served) < len(prob.jobs) + len(prob.shipments):
            notes.append("not every task can be served: tasks were made optional")
            model = _Model(prob, required=False)
            best = _run(model, _Phase(max(deadline, time.perf_counter() + 0.05), None, stall), seed)
            plans, served = _read_routes(model, best) if best is not None else ([], set())
    t2 = time.perf_counter()
    unassigned = list(dropped)
    for row, j in enumerate(prob.jobs):
        if row not in served and j.task not in dropped:
            unassigned.append(j.task)
    for row, s in enumerate(prob.shipments, start=len(prob.jobs)):
        if row not in served and s.pickup not in dropped:
            unassigned += [s.pickup, s.delivery]
    order = {
        id(t): k
        for k, t in enumerate(
            [j.task for j in prob.jobs]
            + [t for s in prob.shipments for t in (s.pickup, s.delivery)]
        )
    }
    unassigned.sort(key=lambda t: order[id(t)])
    return VrpAnswer(
        problem=prob,
        routes=tuple(plans),
        unassigned=tuple(unassigned),
        loading_ms=round((t1 - t0) * 1000),
        solving_ms=round((t2 - t1) * 1000),
        notes=tuple(notes),
    )
