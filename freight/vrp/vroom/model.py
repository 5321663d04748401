"""VROOM's input format (its ``docs/API.md``) read into frozen dataclasses, validated once.

Every problem found is reported with the JSON path of the bad value (``$.jobs[3].skills[0]``).
Keys VROOM defines that this solver does not implement are refused by name, never ignored.
Times are seconds, distances metres, amounts non-negative integers, as in VROOM.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from freight.errors import FieldIssue, InputError

__all__ = [
    "UNSUPPORTED",
    "Costs",
    "Matrices",
    "ShipmentStep",
    "Task",
    "VroomJob",
    "VroomProblem",
    "VroomShipment",
    "VroomVehicle",
    "parse_vroom",
]

#: VROOM keys this solver refuses (a 422 names them) instead of silently ignoring them.
UNSUPPORTED: dict[str, frozenset[str]] = {
    "$": frozenset({"options"}),
    "vehicle": frozenset({"breaks", "steps", "max_distance", "type", "return_to_depot"}),
    "costs": frozenset({"per_task_hour"}),
    "job": frozenset({"amount", "service_per_type", "setup_per_type", "type"}),
    "shipment_step": frozenset({"setup_per_type", "service_per_type"}),
}
_KNOWN: dict[str, frozenset[str]] = {
    "$": frozenset({"vehicles", "jobs", "shipments", "matrices", "matrix"}),
    "vehicle": frozenset(
        {
            "id",
            "profile",
            "description",
            "start",
            "start_index",
            "end",
            "end_index",
            "capacity",
            "skills",
            "time_window",
            "costs",
            "max_tasks",
            "max_travel_time",
            "speed_factor",
        }
    ),
    "costs": frozenset({"fixed", "per_hour", "per_km"}),
    "job": frozenset(
        {
            "id",
            "description",
            "location",
            "location_index",
            "setup",
            "service",
            "delivery",
            "pickup",
            "skills",
            "priority",
            "time_windows",
        }
    ),
    "shipment": frozenset({"pickup", "delivery", "amount", "skills", "priority"}),
    "shipment_step": frozenset(
        {"id", "description", "location", "location_index", "setup", "service", "time_windows"}
    ),
    "matrix": frozenset({"durations", "distances", "costs"}),
}
MAX_PRIORITY = 100


@dataclass(frozen=True, slots=True)
class Costs:
    """A vehicle's costs: ``fixed`` once if used, ``per_hour`` of travel, ``per_km``."""

    fixed: int = 0
    per_hour: int = 3600
    per_km: int = 0


@dataclass(frozen=True, slots=True)
class VroomVehicle:
    id: int
    profile: str
    start: int | None  # matrix index (after resolving coordinates), None = open start
    end: int | None
    capacity: tuple[int, ...] | None
    skills: frozenset[int]
    tw_start: int
    tw_end: int | None
    costs: Costs
    max_tasks: int | None
    max_travel_time: int | None
    speed_factor: float
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Task:
    """One place to serve: a job, or one step of a shipment."""

    kind: str  # job | pickup | delivery
    id: int
    location: int  # matrix index
    setup: int
    service: int
    time_windows: tuple[tuple[int, int], ...]  # empty = any time
    description: str | None = None


@dataclass(frozen=True, slots=True)
class VroomJob:
    task: Task
    delivery: tuple[int, ...]
    pickup: tuple[int, ...]
    skills: frozenset[int]
    priority: int


@dataclass(frozen=True, slots=True)
class ShipmentStep:
    task: Task


@dataclass(frozen=True, slots=True)
class VroomShipment:
    pickup: Task
    delivery: Task
    amount: tuple[int, ...]
    skills: frozenset[int]
    priority: int


@dataclass(frozen=True, slots=True)
class Matrices:
    """One profile's square matrices (``None`` when not given)."""

    durations: tuple[tuple[int, ...], ...]
    distances: tuple[tuple[int, ...], ...] | None = None
    costs: tuple[tuple[int, ...], ...] | None = None


@dataclass(frozen=True, slots=True)
class VroomProblem:
    """A validated VROOM problem; ``locations`` holds ``[lon, lat]`` per matrix index if known."""

    vehicles: tuple[VroomVehicle, ...]
    jobs: tuple[VroomJob, ...]
    shipments: tuple[VroomShipment, ...]
    matrices: Mapping[str, Matrices]
    locations: tuple[tuple[float, float] | None, ...]
    dimensions: int

    @property
    def size(self) -> int:
        return len(self.locations)


class _Reader:
    """Collects issues while reading one payload; every value is read through here."""

    def __init__(self) -> None:
        self.issues: list[FieldIssue] = []

    def bad(self, loc: str, msg: str) -> None:
        self.issues.append(FieldIssue(loc, msg))

    def keys(self, obj: Mapping[str, Any], kind: str, loc: str) -> None:
        for key in obj:
            if key in UNSUPPORTED.get(kind, frozenset()):
                self.bad(f"{loc}.{key}", f"VROOM field {key!r} is not supported by this solver")
            elif key not in _KNOWN[kind]:
                self.bad(f"{loc}.{key}", f"unknown field {key!r}")

    def obj(self, value: Any, loc: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.bad(loc, "must be an object")
            return {}
        return value

    def arr(self, value: Any, loc: str) -> list[Any]:
        if not isinstance(value, list):
            self.bad(loc, "must be an array")
            return []
        return value

    def int_(self, value: Any, loc: str, lo: int = 0, hi: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(loc, f"must be an integer, got {type(value).__name__} {value!r}")
            return None
        if value < lo or (hi is not None and value > hi):
            rng = f">= {lo}" if hi is None else f"within {lo}..{hi}"
            self.bad(loc, f"must be {rng}, got {value}")
            return None
        return value

    def ints(self, value: Any, loc: str, what: str = "amount") -> tuple[int, ...]:
        out = []
        for k, v in enumerate(self.arr(value, loc)):
            x = self.int_(v, f"{loc}[{k}]")
            if x is None and isinstance(v, int) and not isinstance(v, bool):
                self.issues[-1] = FieldIssue(f"{loc}[{k}]", f"an {what} must be >= 0, got {v}")
            out.append(x or 0)
        return tuple(out)

    def window(self, value: Any, loc: str) -> tuple[int, int] | None:
        pair = self.arr(value, loc)
        if len(pair) != 2:
            if isinstance(value, list):
                self.bad(loc, "a time window is [start, end]")
            return None
        a, b = self.int_(pair[0], f"{loc}[0]"), self.int_(pair[1], f"{loc}[1]")
        if a is None or b is None:
            return None
        if a > b:
            self.bad(loc, f"start {a} is after end {b}")
            return None
        return (a, b)

    def coord(self, value: Any, loc: str) -> tuple[float, float] | None:
        pair = self.arr(value, loc)
        ok = len(pair) == 2 and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in pair
        )
        if not ok or not (-180 <= pair[0] <= 180 and -90 <= pair[1] <= 90):
            self.bad(loc, "must be [lon, lat] in degrees (WGS84)")
            return None
        return (float(pair[0]), float(pair[1]))

    def text(self, value: Any, loc: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.bad(loc, "must be a string")
            return None
        return value


#: ``router(points)`` -> travel matrices between ``[lon, lat]`` points (no matrices given).
Router = Any


def _matrix(r: _Reader, value: Any, loc: str) -> tuple[tuple[int, ...], ...] | None:
    rows = r.arr(value, loc)
    n = len(rows)
    out: list[tuple[int, ...]] = []
    for i, row in enumerate(rows):
        cells = r.arr(row, f"{loc}[{i}]")
        if isinstance(row, list) and len(cells) != n:
            r.bad(f"{loc}[{i}]", f"matrix is not square: row has {len(cells)} values, expected {n}")
            return None
        vals = []
        for j, v in enumerate(cells):
            x = r.int_(v, f"{loc}[{i}][{j}]")
            if x is None:
                return None
            vals.append(x)
        out.append(tuple(vals))
    return tuple(out) if isinstance(value, list) else None


def _matrices(r: _Reader, payload: Mapping[str, Any]) -> dict[str, Matrices]:
    found: dict[str, Matrices] = {}
    if "matrix" in payload:
        m = _matrix(r, payload["matrix"], "$.matrix")
        if m is not None:
            found["car"] = Matrices(m)
    for prof, spec in r.obj(payload.get("matrices", {}), "$.matrices").items():
        loc = f"$.matrices.{prof}"
        spec = r.obj(spec, loc)
        r.keys(spec, "matrix", loc)
        parts = {
            k: _matrix(r, spec[k], f"{loc}.{k}")
            for k in ("durations", "distances", "costs")
            if k in spec
        }
        if parts.get("durations") is None:
            if "durations" not in spec:
                r.bad(f"{loc}.durations", "required")
            continue
        durations = parts["durations"]
        if durations is not None:
            found[prof] = Matrices(durations, parts.get("distances"), parts.get("costs"))
    sizes = {len(m.durations) for m in found.values()}
    sizes |= {len(x) for m in found.values() for x in (m.distances, m.costs) if x is not None}
    if len(sizes) > 1:
        r.bad("$.matrices", f"every matrix must have the same size, got sizes {sorted(sizes)}")
    return found


class _Places:
    """Matrix index of every place: given (``*_index``) or assigned to distinct coordinates."""

    def __init__(self, r: _Reader, size: int | None) -> None:
        self.r, self.size = r, size
        self.coords: dict[int, tuple[float, float]] = {}
        self.by_coord: dict[tuple[float, float], int] = {}

    def index(self, obj: Mapping[str, Any], key: str, loc: str, required: bool) -> int | None:
        ikey = "location_index" if key == "location" else f"{key}_index"
        coord = self.r.coord(obj[key], f"{loc}.{key}") if key in obj else None
        if self.size is not None:
            if ikey not in obj:
                if required or key in obj:
                    self.r.bad(f"{loc}.{ikey}", "required when matrices are given")
                return None
            idx = self.r.int_(obj[ikey], f"{loc}.{ikey}")
            if idx is not None and idx >= self.size:
                self.r.bad(
                    f"{loc}.{ikey}",
                    f"index {idx} is out of range: matrices are {self.size} x {self.size}",
                )
                return None
            if idx is not None and coord is not None:
                self.coords[idx] = coord
            return idx
        if ikey in obj and key not in obj:
            self.r.bad(f"{loc}.{ikey}", f"needs matrices; without them give {key} [lon, lat]")
            return None
        if coord is None:
            if required and key not in obj:
                self.r.bad(f"{loc}.{key}", "required: [lon, lat] (no matrices given)")
            return None
        if coord not in self.by_coord:
            self.by_coord[coord] = len(self.by_coord)
            self.coords[self.by_coord[coord]] = coord
        return self.by_coord[coord]


def _skills(r: _Reader, value: Any, loc: str) -> frozenset[int]:
    out = set()
    for k, v in enumerate(r.arr(value, loc)):
        x = r.int_(v, f"{loc}[{k}]")
        if x is None and isinstance(v, int | str | float):
            r.issues[-1] = FieldIssue(f"{loc}[{k}]", f"a skill must be an integer >= 0, got {v!r}")
        if x is not None:
            out.add(x)
    return frozenset(out)


def _vehicle(r: _Reader, p: _Places, raw: Any, loc: str) -> VroomVehicle | None:
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
        skills=_skills(r, v.get("skills", []), f"{loc}.skills"),
        tw_start=tw[0] if tw else 0,
        tw_end=tw[1] if tw else None,
        costs=costs,
        max_tasks=mt,
        max_travel_time=mtt,
        speed_factor=float(speed),
        description=r.text(v.get("description"), f"{loc}.description"),
    )


def _task(r: _Reader, p: _Places, v: Mapping[str, Any], kind: str, loc: str) -> Task | None:
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


def _priority(r: _Reader, v: Mapping[str, Any], loc: str) -> int:
    return r.int_(v.get("priority", 0), f"{loc}.priority", 0, MAX_PRIORITY) or 0


def _job(r: _Reader, p: _Places, raw: Any, loc: str) -> VroomJob | None:
    v = r.obj(raw, loc)
    r.keys(v, "job", loc)
    task = _task(r, p, v, "job", loc)
    delivery = r.ints(v.get("delivery", []), f"{loc}.delivery")
    pickup = r.ints(v.get("pickup", []), f"{loc}.pickup")
    skills = _skills(r, v.get("skills", []), f"{loc}.skills")
    prio = _priority(r, v, loc)
    return VroomJob(task, delivery, pickup, skills, prio) if task else None


def _shipment(r: _Reader, p: _Places, raw: Any, loc: str) -> VroomShipment | None:
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
    skills = _skills(r, v.get("skills", []), f"{loc}.skills")
    prio = _priority(r, v, loc)
    if steps[0] is None or steps[1] is None:
        return None
    return VroomShipment(steps[0], steps[1], amount, skills, prio)


def _unique(r: _Reader, ids: Sequence[tuple[int, str]], what: str) -> None:
    seen: set[int] = set()
    for tid, loc in ids:
        if tid in seen:
            r.bad(f"{loc}.id", f"duplicate {what} id {tid}")
        seen.add(tid)


def _dimensions(r: _Reader, payload: Mapping[str, Any]) -> int:
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


def _semantics(r: _Reader, prob: VroomProblem, given: bool) -> None:
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
    r = _Reader()
    root = r.obj(payload, "$")
    r.keys(root, "$", "$")
    matrices = _matrices(r, root)
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
    places = _Places(r, size)
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
    from dataclasses import replace

    return replace(v, capacity=cap)
