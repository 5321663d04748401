"""A solved VROOM problem: the plan (task order per vehicle) timed, loaded and costed
exactly as VROOM defines it, and written in VROOM's output format.

Cost of a route: the vehicle's ``fixed`` cost plus, per leg, the profile's ``costs`` matrix
entry or ``per_hour`` x travel hours + ``per_km`` x km. Travel times are the profile's
durations divided by the vehicle's ``speed_factor`` (rounded). Setup applies when the
previous place differs; a time window bounds the start of setup + service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from freight.vrp.vroom.model import Task, VroomProblem, VroomVehicle

__all__ = ["Leg", "RoutePlan", "TimedStep", "VrpAnswer", "leg_cost", "time_route"]


@dataclass(frozen=True, slots=True)
class TimedStep:
    type: str  # start | job | pickup | delivery | end
    task: Task | None
    location: int
    arrival: int
    duration: int  # cumulated travel time on arrival
    distance: int | None
    setup: int
    service: int
    waiting_time: int
    load: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """Tasks in visiting order for one vehicle, with its start time (seconds)."""

    vehicle: int  # index into problem.vehicles
    tasks: tuple[Task, ...]
    start_time: int


@dataclass(frozen=True, slots=True)
class Leg:
    travel_s: int
    distance_m: int | None
    cost: float


@dataclass(frozen=True, slots=True)
class VrpAnswer:
    """The answer to one problem: VROOM's output (``to_dict``) plus solver facts."""

    kind = "vroom_solution"
    problem: VroomProblem
    routes: tuple[RoutePlan, ...]
    unassigned: tuple[Task, ...]
    loading_ms: int
    solving_ms: int
    solver: str = "pyvrp"
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        return format_answer(self)


def leg_cost(prob: VroomProblem, v: VroomVehicle, a: int, b: int) -> Leg:
    """Travel time, distance and cost of ``v`` going from matrix index ``a`` to ``b``."""
    m = prob.matrices[v.profile]
    travel = round(m.durations[a][b] / v.speed_factor)
    dist = m.distances[a][b] if m.distances is not None else None
    if m.costs is not None:
        cost = float(m.costs[a][b])
    else:
        cost = v.costs.per_hour * travel / 3600 + v.costs.per_km * (dist or 0) / 1000
    return Leg(travel, dist, cost)


def _tw_start(task: Task, t: int) -> int:
    """Earliest start at or after ``t`` within the task's windows (``t`` if none fits: late)."""
    for a, b in task.time_windows:
        if t <= b:
            return max(t, a)
    return t


def _start_load(prob: VroomProblem, tasks: Sequence[Task]) -> list[int]:
    by_id = {j.task.id: j for j in prob.jobs}
    load = [0] * prob.dimensions
    for t in tasks:
        if t.kind == "job":
            load = [x + d for x, d in zip(load, by_id[t.id].delivery, strict=True)]
    return load


def time_route(prob: VroomProblem, plan: RoutePlan) -> tuple[list[TimedStep], float]:
    """The route's steps (VROOM semantics) and its cost."""
    v = prob.vehicles[plan.vehicle]
    jobs = {j.task.id: j for j in prob.jobs}
    amount = {(s.pickup.id, "pickup"): s.amount for s in prob.shipments}
    amount |= {(s.delivery.id, "delivery"): s.amount for s in prob.shipments}
    load = _start_load(prob, plan.tasks)
    steps: list[TimedStep] = []
    t, travel, cost = plan.start_time, 0, float(v.costs.fixed)
    dist: int | None = 0 if prob.matrices[v.profile].distances is not None else None
    prev = v.start
    if v.start is not None:
        steps.append(TimedStep("start", None, v.start, t, 0, dist, 0, 0, 0, tuple(load)))
    for task in plan.tasks:
        if prev is not None:
            leg = leg_cost(prob, v, prev, task.location)
            t, travel, cost = t + leg.travel_s, travel + leg.travel_s, cost + leg.cost
            dist = None if dist is None or leg.distance_m is None else dist + leg.distance_m
        start = _tw_start(task, t)
        setup = task.setup if prev != task.location else 0
        if task.kind == "job":
            j = jobs[task.id]
            load = [x - d + p for x, d, p in zip(load, j.delivery, j.pickup, strict=True)]
        else:
            sign = 1 if task.kind == "pickup" else -1
            load = [x + sign * a for x, a in zip(load, amount[(task.id, task.kind)], strict=True)]
        steps.append(
            TimedStep(
                task.kind,
                task,
                task.location,
                t,
                travel,
                dist,
                setup,
                task.service,
                start - t,
                tuple(load),
            )
        )
        t = start + setup + task.service
        prev = task.location
    if v.end is not None:
        if prev is not None:
            leg = leg_cost(prob, v, prev, v.end)
            t, travel, cost = t + leg.travel_s, travel + leg.travel_s, cost + leg.cost
            dist = None if dist is None or leg.distance_m is None else dist + leg.distance_m
        steps.append(TimedStep("end", None, v.end, t, travel, dist, 0, 0, 0, tuple(load)))
    return steps, cost


def _priority(prob: VroomProblem, task: Task) -> int:
    if task.kind == "job":
        return next(j.priority for j in prob.jobs if j.task.id == task.id)
    return next(s.priority for s in prob.shipments if getattr(s, task.kind).id == task.id)


def _step_dict(prob: VroomProblem, s: TimedStep) -> dict[str, object]:
    out: dict[str, object] = {"type": s.type}
    if s.task is not None:
        out["id"] = s.task.id
        if s.task.description is not None:
            out["description"] = s.task.description
    coord = prob.locations[s.location] if s.location < len(prob.locations) else None
    if coord is not None:
        out["location"] = list(coord)
    out |= {
        "location_index": s.location,
        "setup": s.setup,
        "service": s.service,
        "waiting_time": s.waiting_time,
        "arrival": s.arrival,
        "duration": s.duration,
        "violations": [],
    }
    if prob.dimensions:
        out["load"] = list(s.load)
    if s.distance is not None:
        out["distance"] = s.distance
    return out


def format_answer(ans: VrpAnswer) -> dict[str, object]:
    """VROOM's output format (``code``, ``summary``, ``unassigned``, ``routes``)."""
    prob = ans.problem
    routes: list[dict[str, object]] = []
    totals = {"cost": 0, "setup": 0, "service": 0, "duration": 0, "waiting_time": 0, "priority": 0}
    dist_total: int | None = 0
    delivery = [0] * prob.dimensions
    pickup = [0] * prob.dimensions
    for plan in ans.routes:
        steps, cost = time_route(prob, plan)
        v = prob.vehicles[plan.vehicle]
        tasks = [s for s in steps if s.task is not None]
        r: dict[str, object] = {
            "vehicle": v.id,
            "cost": round(cost),
            "setup": sum(s.setup for s in tasks),
            "service": sum(s.service for s in tasks),
            "duration": steps[-1].duration,
            "waiting_time": sum(s.waiting_time for s in tasks),
            "priority": sum(_priority(prob, s.task) for s in tasks if s.task),
        }
        dl, pk = _amounts(prob, plan.tasks)
        if prob.dimensions:
            r |= {"delivery": dl, "pickup": pk}
        delivery = [a + b for a, b in zip(delivery, dl, strict=True)]
        pickup = [a + b for a, b in zip(pickup, pk, strict=True)]
        if v.description is not None:
            r["description"] = v.description
        if steps[-1].distance is not None:
            r["distance"] = steps[-1].distance
        dist_total = (
            None
            if dist_total is None or "distance" not in r
            else dist_total + int(steps[-1].distance or 0)
        )
        for k in totals:
            totals[k] += int(r[k])  # type: ignore[call-overload]
        routes.append(r | {"steps": [_step_dict(prob, s) for s in steps], "violations": []})
    summary: dict[str, object] = {
        **totals,
        "routes": len(routes),
        "unassigned": len(ans.unassigned),
        "computing_times": {"loading": ans.loading_ms, "solving": ans.solving_ms, "routing": 0},
        "violations": [],
    }
    if prob.dimensions:
        summary |= {"delivery": delivery, "pickup": pickup, "amount": delivery}
    if dist_total is not None and routes:
        summary["distance"] = dist_total
    unassigned = []
    for t in ans.unassigned:
        u: dict[str, object] = {"id": t.id, "type": t.kind, "location_index": t.location}
        if t.location < len(prob.locations) and prob.locations[t.location] is not None:
            u["location"] = list(prob.locations[t.location] or ())
        unassigned.append(u)
    return {"code": 0, "summary": summary, "unassigned": unassigned, "routes": routes}


def _amounts(prob: VroomProblem, tasks: Sequence[Task]) -> tuple[list[int], list[int]]:
    """A route's total delivery and pickup (jobs' amounts and shipments' amounts)."""
    dl, pk = [0] * prob.dimensions, [0] * prob.dimensions
    jobs = {j.task.id: j for j in prob.jobs}
    ships = {s.pickup.id: s for s in prob.shipments}
    for t in tasks:
        if t.kind == "job":
            dl = [a + b for a, b in zip(dl, jobs[t.id].delivery, strict=True)]
            pk = [a + b for a, b in zip(pk, jobs[t.id].pickup, strict=True)]
        elif t.kind == "pickup":
            pk = [a + b for a, b in zip(pk, ships[t.id].amount, strict=True)]
            dl = [a + b for a, b in zip(dl, ships[t.id].amount, strict=True)]
    return dl, pk
