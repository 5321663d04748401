"""Reading VROOM's JSON values, each problem found reported with its JSON path
(``$.jobs[3].skills[0]``); keys VROOM defines that this solver does not implement are
refused by name, never ignored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from freight.errors import FieldIssue
from freight.vrp.vroom.model import Matrices

__all__ = ["UNSUPPORTED", "Places", "Reader", "read_matrices", "read_skills"]

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


class Reader:
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


def _matrix(r: Reader, value: Any, loc: str) -> tuple[tuple[int, ...], ...] | None:
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


def read_matrices(r: Reader, payload: Mapping[str, Any]) -> dict[str, Matrices]:
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


class Places:
    """Matrix index of every place: given (``*_index``) or assigned to distinct coordinates."""

    def __init__(self, r: Reader, size: int | None) -> None:
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


def read_skills(r: Reader, value: Any, loc: str) -> frozenset[int]:
    out = set()
    for k, v in enumerate(r.arr(value, loc)):
        x = r.int_(v, f"{loc}[{k}]")
        if x is None and isinstance(v, int | str | float):
            r.issues[-1] = FieldIssue(f"{loc}[{k}]", f"a skill must be an integer >= 0, got {v!r}")
        if x is not None:
            out.add(x)
    return frozenset(out)
