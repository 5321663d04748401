"""``parse_vroom``: VROOM's input format (its ``docs/API.md``) read into the frozen
dataclasses of ``model``, validated once.

Every problem found is reported with the JSON path of the bad value (``$.jobs[3].skills[0]``).
Keys VROOM defines that this solver does not implement are refused by name, never ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from freight.errors import FieldIssue, InputError
from freight.vrp.vroom.model import (
    MAX_PRIORITY,
    Costs,
    Task,
    VroomJob,
    VroomProblem,
    VroomShipment,
    VroomVehicle,
)
from freight.vrp.vroom.reader import Places, Reader, read_matrices, read_skills

__all__ = ["Router", "parse_vroom"]

#: ``router(points)`` -> travel matrices between ``[lon, lat]`` points (no matrices given).
Router = Any


def _vehicle(r: Reader, p: Places, raw: Any, loc: str) -> VroomVehicle | None:
    v = r.obj(raw, loc)
    r.keys(v, "vehicle", loc)
    vid = r.int_(v.get("id"), f"{loc}.id")
    start = p.index(v, "start", loc, required=False)
    end = p.index(v, "end", loc, required=False)
    if not any(k in v for k in ("start", "start_index", "end", "end_index")):
        r.bad(loc, "a vehicle needs a start or an end")
    tw = r.window(v["time_window"], f"{loc}.time_window") if "time_window" in v else None
    c = r.obj(v.get("costs", {}), f"{loc}.costs")
    r.keys(c, "costs", f"{loc}.costs")
    costs = Costs(
        *(
            r.int_(c.get(k, d), f"{loc}.costs.{k}") or 0
            for k, d in (("fixed", 0), ("per_hour", 3600), ("per_km", 0))
        )
    )
    speed = v.get("speed_factor", 1.0)
    if isinstance(speed, bool) or not isinstance(speed, int | float) or not 0 < speed <= 5:
        r.bad(f"{loc}.speed_factor", f"must be a number in (0, 5], got {speed!r}")
        speed = 1.0
    mt = r.int_(v["max_tasks"], f"{loc}.max_tasks") if "max_tasks" in v else None
    mtt = r.int_(v["max_travel_time"], f"{loc}.max_travel_time") if "max_travel_time" in v else None
    prof = r.text(v.get("profile", "car"), f"{loc}.profile") or "car"
    if vid is None:
        return None
    return VroomVehicle(
        id=vid,
        profile=prof,
        start=start,
        end=end,
        capacity=r.ints(v["capacity"], f"{loc}.capacity") if "capacity" in v else None,
        skills=read_skills(r, v.get("skills", []), f"{loc}.skills"),
        tw_start=tw[0] if tw else 0,
        tw_end=tw[1] if tw else None,
        costs=costs,
        max_tasks=mt,
        max_travel_time=mtt,
        speed_factor=float(speed),
        description=r.text(v.get("description"), f"{loc}.description"),
    )


def _task(r: Reader, p: Places, v: Mapping[str, Any], kind: str, loc: str) -> Task | None:
    tid = r.int_(v.get("id"), f"{loc}.id")
    place = p.index(v, "location", loc, required=True)
    tws = tuple(
        w
        for k, raw in enumerate(r.arr(v.get("time_windows", []), f"{loc}.time_windows"))
        if (w := r.window(raw, f"{loc}.time_windows[{k}]")) is not None
    )
    if "time_windows" in v and isinstance(v["time_windows"], list) and not v["time_windows"]:
        r.bad(f"{loc}.time_windows", "must not be empty (omit it for no time constraint)")
    if any(a[1] >= b[0] for a, b in zip(tws, tws[1:], strict=False)):
        r.bad(f"{loc}.time_windows", "time windows must be sorted and disjoint")
    setup = r.int_(v.get("setup", 0), f"{loc}.setup")
    service = r.int_(v.get("service", 0), f"{loc}.service")
    if tid is None or place is None:
        return None
    return Task(
        kind,
        tid,
        place,
        setup or 0,
        service or 0,
        tws,
        r.text(v.get("description"), f"{loc}.description"),
    )


def _priority(r: Reader, v: Mapping[str, Any], loc: str) -> int:
    return r.int_(v.get("priority", 0), f"{loc}.priority", 0, MAX_PRIORITY) or 0


def _job(r: Reader, p: Places, raw: Any, loc: str) -> VroomJob | None:
    v = r.obj(raw, loc)
    r.keys(v, "job", loc)
    task = _task(r, p, v, "job", loc)
    delivery = r.ints(v.get("delivery", []), f"{loc}.delivery")
    pickup = r.ints(v.get("pickup", []), f"{loc}.pickup")
    skills = read_skills(r, v.get("skills", []), f"{loc}.skills")
    prio = _priority(r, v, loc)
    return VroomJob(task, delivery, pickup, skills, prio) if task else None


def _shipment(r: Reader, p: Places, raw: Any, loc: str) -> VroomShipment | None:
    v = r.obj(raw, loc)
    r.keys(v, "shipment", loc)
    steps: list[Task | None] = []
    for kind in ("pickup", "delivery"):
        if kind not in v:
            r.bad(f"{loc}.{kind}", f"a shipment needs a {kind}")
            steps.append(None)
            continue
        s = r.obj(v[kind], f"{loc}.{kind}")
        r.keys(s, "shipment_step", f"{loc}.{kind}")
        steps.append(_task(r, p, s, kind, f"{loc}.{kind}"))
    amount = r.ints(v.get("amount", []), f"{loc}.amount")
    skills = read_skills(r, v.get("skills", []), f"{loc}.skills")
    prio = _priority(r, v, loc)
    if steps[0] is None or steps[1] is None:
        return None
    return VroomShipment(steps[0], steps[1], amount, skills, prio)


def _unique(r: Reader, ids: Sequence[tuple[int, str]], what: str) -> None:
    seen: set[int] = set()
    for tid, loc in ids:
        if tid in seen:
            r.bad(f"{loc}.id", f"duplicate {what} id {tid}")
        seen.add(tid)


def _dimensions(r: Reader, payload: Mapping[str, Any]) -> int:
    """The one length of every amount array (capacity, delivery, pickup, amount)."""
    found: list[tuple[int, str]] = []
    for i, v in enumerate(payload.get("vehicles") or []):
        if isinstance(v, Mapping) and isinstance(v.get("capacity"), list):
            found.append((len(v["capacity"]), f"$.vehicles[{i}].capacity"))
    for i, j in enumerate(payload.get("jobs") or []):
        for key in ("delivery", "pickup"):
            if isinstance(j, Mapping) and isinstance(j.get(key), list):
                found.append((len(j[key]), f"$.jobs[{i}].{key}"))
    for i, s in enumerate(payload.get("shipments") or []):
        if isinstance(s, Mapping) and isinstance(s.get("amount"), list):
            found.append((len(s["amount"]), f"$.shipments[{i}].amount"))
    if not found:
        return 0
    dims = found[0][0]
    for n, loc in found:
        if n != dims:
            r.bad(loc, f"has {n} amount dimensions, {found[0][1]} has {dims}")
            break
    return dims


def _pad(x: tuple[int, ...], dims: int) -> tuple[int, ...]:
    return x + (0,) * (dims - len(x))


def _semantics(r: Reader, prob: VroomProblem, given: bool) -> None:
    shipments = bool(prob.shipments)
    for i, v in enumerate(prob.vehicles):
        loc = f"$.vehicles[{i}]"
        m = prob.matrices.get(v.profile)
        if given and m is None:
            r.bad(f"{loc}.profile", f"no matrices for profile {v.profile!r}")
            continue
        if m is not None and m.costs is not None and v.costs != Costs(v.costs.fixed):
            r.bad(f"{loc}.costs", "per_hour/per_km cannot be combined with a costs matrix")
        if m is not None and v.costs.per_km and m.distances is None:
            r.bad(f"{loc}.costs.per_km", f"needs distances for profile {v.profile!r}")
        if v.max_tasks is not None and shipments:
            r.bad(f"{loc}.max_tasks", "not supported together with shipments by this solver")
        costly = v.costs.per_km or (m is not None and m.costs is not None)
        if v.max_travel_time is not None and costly:
            r.bad(
                f"{loc}.max_travel_time",
                "supported only when cost is per hour of travel (no per_km, no costs matrix)",
            )
    for i, s in enumerate(prob.shipments):
        for kind, t in (("pickup", s.pickup), ("delivery", s.delivery)):
            if len(t.time_windows) > 1:
                r.bad(
                    f"$.shipments[{i}].{kind}.time_windows",
                    "a shipment step with several time windows is not supported by this "
                    "solver (give one)",
                )


def parse_vroom(payload: Any, *, router: Router | None = None) -> VroomProblem:
    """Read and validate a VROOM problem; ``router(points)`` gives matrices when none are."""
    r = Reader()
    root = r.obj(payload, "$")
    r.keys(root, "$", "$")
    matrices = read_matrices(r, root)
    given = bool(matrices) or "matrix" in root or "matrices" in root
    size = len(next(iter(matrices.values())).durations) if matrices else None
    if size is None and given:  # a bad matrix: size from its rows, so indexes are still checked
        raw = root.get("matrix") or next(
            (
                m.get("durations")
                for m in (root.get("matrices") or {}).values()
                if isinstance(m, Mapping)
            ),
            None,
        )
        size = len(raw) if isinstance(raw, list) else 0
    places = Places(r, size)
    dims = _dimensions(r, root)
    raw_v = r.arr(root.get("vehicles"), "$.vehicles")
    if isinstance(root.get("vehicles"), list) and not raw_v:
        r.bad("$.vehicles", "at least one vehicle is needed")
    vehicles = [_vehicle(r, places, v, f"$.vehicles[{i}]") for i, v in enumerate(raw_v)]
    jobs = [
        _job(r, places, j, f"$.jobs[{i}]")
        for i, j in enumerate(r.arr(root.get("jobs", []), "$.jobs"))
    ]
    ships = [
        _shipment(r, places, s, f"$.shipments[{i}]")
        for i, s in enumerate(r.arr(root.get("shipments", []), "$.shipments"))
    ]
    _unique(r, [(v.id, f"$.vehicles[{i}]") for i, v in enumerate(vehicles) if v], "vehicle")
    _unique(r, [(j.task.id, f"$.jobs[{i}]") for i, j in enumerate(jobs) if j], "job")
    for kind in ("pickup", "delivery"):
        _unique(
            r,
            [(getattr(s, kind).id, f"$.shipments[{i}].{kind}") for i, s in enumerate(ships) if s],
            kind,
        )
    if r.issues:
        raise InputError("invalid VROOM problem", issues=r.issues)
    if not given:
        points = [places.coords[k] for k in range(len(places.coords))]
        if router is None:
            raise InputError(
                "no matrices given and no road network to route [lon, lat] on",
                issues=[FieldIssue("$.matrices", "required here")],
            )
        routed = router(points)
        matrices = {v.profile: routed for v in vehicles if v} or {"car": routed}
    n = len(next(iter(matrices.values())).durations)
    prob = VroomProblem(
        vehicles=tuple(
            v if v.capacity is None else _replace_cap(v, _pad(v.capacity, dims))
            for v in vehicles
            if v
        ),
        jobs=tuple(
            VroomJob(j.task, _pad(j.delivery, dims), _pad(j.pickup, dims), j.skills, j.priority)
            for j in jobs
            if j
        ),
        shipments=tuple(
            VroomShipment(s.pickup, s.delivery, _pad(s.amount, dims), s.skills, s.priority)
            for s in ships
            if s
        ),
        matrices=matrices,
        locations=tuple(places.coords.get(k) for k in range(n)),
        dimensions=dims,
    )
    _semantics(r, prob, given)
    if r.issues:
        raise InputError("invalid VROOM problem", issues=r.issues)
    return prob


def _replace_cap(v: VroomVehicle, cap: tuple[int, ...]) -> VroomVehicle:
    return replace(v, capacity=cap)
