"""Independent checker of a VROOM-format answer against its VROOM-format problem.

It reads the raw JSON of both (sharing no code with the parser or the solver), walks every
route and lists each broken rule: time windows (vehicle and task), capacities at every step,
skills, pickups before their deliveries on the same vehicle, every task exactly once or
listed unassigned, ``max_tasks``, ``max_travel_time``; it recomputes arrivals, loads,
travel and cost and compares them with what the answer states. Works on VROOM's own
answers too (the benchmark checks both solvers with it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["VroomCheck", "check_vroom_answer"]


@dataclass(frozen=True, slots=True)
class VroomCheck:
    feasible: bool
    cost: float  # recomputed, unrounded
    assigned: int  # tasks served (a shipment counts twice)
    priority: int
    violations: tuple[str, ...]


def _matrices(problem: Mapping[str, Any], profile: str) -> Mapping[str, Any]:
    if "matrices" in problem and profile in problem["matrices"]:
        got: Mapping[str, Any] = problem["matrices"][profile]
        return got
    return {"durations": problem["matrix"]}


def _tasks(problem: Mapping[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    """(type, id) -> the task's fields, amounts signed as the load changes."""
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for j in problem.get("jobs", []):
        out[("job", j["id"])] = {
            **j,
            "skills": set(j.get("skills", [])),
            "prio": j.get("priority", 0),
        }
    for s in problem.get("shipments", []):
        for kind in ("pickup", "delivery"):
            step = s[kind]
            out[(kind, step["id"])] = {
                **step,
                "skills": set(s.get("skills", [])),
                "prio": s.get("priority", 0),
                "amount": s.get("amount", []),
                "partner": s["delivery"]["id"] if kind == "pickup" else s["pickup"]["id"],
            }
    return out


class _Walk:
    def __init__(self, problem: Mapping[str, Any], tasks: dict[tuple[str, int], dict[str, Any]]):
        self.problem, self.tasks = problem, tasks
        self.errors: list[str] = []

    def route(self, veh: Mapping[str, Any], route: Mapping[str, Any]) -> tuple[float, int, int]:
        """Check one route; (recomputed cost, tasks served, priority sum)."""
        name = f"vehicle {veh['id']}"
        m = _matrices(self.problem, veh.get("profile", "car"))
        costs = veh.get("costs", {})
        speed = veh.get("speed_factor", 1.0)
        steps = route["steps"]
        kinds = [s["type"] for s in steps]
        if ("start_index" in veh) != (kinds[:1] == ["start"]):
            self.errors.append(f"{name}: start step does not match the vehicle's start")
        if ("end_index" in veh) != (kinds[-1:] == ["end"]):
            self.errors.append(f"{name}: end step does not match the vehicle's end")
        task_steps = [s for s in steps if s["type"] in ("job", "pickup", "delivery")]
        dims = len(veh.get("capacity", []))
        load = [0] * dims
        for s in task_steps:
            if s["type"] == "job":
                load = [
                    a + b
                    for a, b in zip(
                        load, self.tasks[("job", s["id"])].get("delivery", [0] * dims), strict=False
                    )
                ]
        t = steps[0]["arrival"]
        tw = veh.get("time_window", [0, 2**63])
        if t < tw[0]:
            self.errors.append(f"{name}: starts at {t} before its window {tw}")
        prev, travel, cost, served, prio = None, 0, float(costs.get("fixed", 0)), 0, 0
        picked: set[int] = set()
        for s in steps:
            task = (
                self.tasks.get((s["type"], s.get("id", -1)))
                if s["type"] in ("job", "pickup", "delivery")
                else None
            )
            here = (
                veh.get("start_index")
                if s["type"] == "start"
                else veh.get("end_index")
                if s["type"] == "end"
                else task["location_index"]
                if task
                else None
            )
            if s["type"] not in ("start", "end") and task is None:
                self.errors.append(f"{name}: unknown {s['type']} {s.get('id')}")
                continue
            if s.get("location_index", here) != here:
                self.errors.append(f"{name}: step {s['type']} {s.get('id')} at the wrong place")
            if prev is not None and here is not None:
                leg = round(m["durations"][prev][here] / speed)
                t += leg
                travel += leg
                if "costs" in m:
                    cost += m["costs"][prev][here]
                else:
                    km = m["distances"][prev][here] / 1000 if "distances" in m else 0.0
                    cost += costs.get("per_hour", 3600) * leg / 3600 + costs.get("per_km", 0) * km
            if s["arrival"] != t:
                self.errors.append(
                    f"{name}: {s['type']} {s.get('id')} arrival {s['arrival']} != recomputed {t}"
                )
            if task is not None:
                served += 1
                prio += task["prio"]
                self._task(name, veh, s, task, t, prev, here, picked)
                start = t + s.get("waiting_time", 0)
                setup = task.get("setup", 0) if prev != here else 0
                t = start + setup + task.get("service", 0)
                load = self._load(s, task, load, dims)
            if any(x > c for x, c in zip(load, veh.get("capacity", load), strict=False)):
                self.errors.append(f"{name}: load {load} over capacity at {s['type']}")
            if "load" in s and dims and list(s["load"]) != load:
                self.errors.append(f"{name}: stated load {s['load']} != recomputed {load}")
            prev = here if here is not None else prev
        if steps[-1]["arrival"] > tw[1] if len(steps) else False:
            self.errors.append(f"{name}: ends at {steps[-1]['arrival']} after its window {tw}")
        if picked:
            self.errors.append(f"{name}: pickups {sorted(picked)} never delivered")
        if "max_tasks" in veh and served > veh["max_tasks"]:
            self.errors.append(f"{name}: {served} tasks > max_tasks {veh['max_tasks']}")
        if "max_travel_time" in veh and travel > veh["max_travel_time"]:
            self.errors.append(f"{name}: travel {travel} > max_travel_time")
        if abs(route.get("cost", cost) - cost) > 1.0:
            self.errors.append(f"{name}: stated cost {route['cost']} != recomputed {cost:.1f}")
        return cost, served, prio

    def _task(
        self,
        name: str,
        veh: Mapping[str, Any],
        s: Mapping[str, Any],
        task: Mapping[str, Any],
        t: int,
        prev: Any,
        here: Any,
        picked: set[int],
    ) -> None:
        if not task["skills"] <= set(veh.get("skills", [])):
            self.errors.append(
                f"{name}: lacks skills {sorted(task['skills'])} of {s['type']} {s['id']}"
            )
        start = t + s.get("waiting_time", 0)
        wins = task.get("time_windows") or [[0, 2**63]]
        if s.get("waiting_time", 0) < 0 or not any(a <= start <= b for a, b in wins):
            self.errors.append(f"{name}: {s['type']} {s['id']} starts at {start}, outside {wins}")
        if s["type"] == "pickup":
            picked.add(s["id"])
        elif s["type"] == "delivery":
            if task["partner"] not in picked:
                self.errors.append(f"{name}: delivery {s['id']} before (or without) its pickup")
            picked.discard(task["partner"])

    @staticmethod
    def _load(
        s: Mapping[str, Any], task: Mapping[str, Any], load: list[int], dims: int
    ) -> list[int]:
        if s["type"] == "job":
            d, p = task.get("delivery", [0] * dims), task.get("pickup", [0] * dims)
            return [x - a + b for x, a, b in zip(load, d, p, strict=False)]
        sign = 1 if s["type"] == "pickup" else -1
        return [x + sign * a for x, a in zip(load, task.get("amount", [0] * dims), strict=False)]


def check_vroom_answer(problem: Mapping[str, Any], answer: Mapping[str, Any]) -> VroomCheck:
    """Every violated rule of ``answer`` (VROOM output) for ``problem`` (VROOM input)."""
    tasks = _tasks(problem)
    walk = _Walk(problem, tasks)
    vehicles = {v["id"]: v for v in problem["vehicles"]}
    seen: dict[tuple[str, int], int] = {}
    cost, assigned, prio = 0.0, 0, 0
    for route in answer.get("routes", []):
        veh = vehicles.get(route["vehicle"])
        if veh is None:
            walk.errors.append(f"route of unknown vehicle {route['vehicle']}")
            continue
        c, n, p = walk.route(veh, route)
        cost, assigned, prio = cost + c, assigned + n, prio + p
        for s in route["steps"]:
            if s["type"] in ("job", "pickup", "delivery"):
                key = (s["type"], s["id"])
                seen[key] = seen.get(key, 0) + 1
    used = [r["vehicle"] for r in answer.get("routes", [])]
    if len(used) != len(set(used)):
        walk.errors.append("a vehicle has more than one route")
    for u in answer.get("unassigned", []):
        key = (u.get("type", "job"), u["id"])
        seen[key] = seen.get(key, 0) + 1
    for key in tasks:
        if seen.get(key, 0) != 1:
            walk.errors.append(f"{key[0]} {key[1]} appears {seen.get(key, 0)} times")
    summary = answer.get("summary", {})
    if abs(summary.get("cost", cost) - cost) > len(used) + 1:
        walk.errors.append(f"summary cost {summary.get('cost')} != recomputed {cost:.1f}")
    if summary.get("unassigned", 0) != len(answer.get("unassigned", [])):
        walk.errors.append("summary.unassigned does not count the unassigned tasks")
    return VroomCheck(not walk.errors, cost, assigned, prio, tuple(walk.errors))
