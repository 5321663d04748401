"""Public VRP benchmark instances: Solomon VRPTW, VRPLIB CVRP, Schneider et al. E-VRPTW.

One frozen dataclass per format, validated once at construction; ``read_instance`` detects
the format from the file's text. Index 0 is always the depot. Distances are computed from
coordinates in each format's own convention (Solomon and E-VRPTW: unrounded Euclidean;
CVRP: TSPLIB ``nint``), so solvers and the checker agree on one definition.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from freight.errors import DataError, InputError

__all__ = [
    "CvrpInstance",
    "EvrptwInstance",
    "VrpKind",
    "VrptwInstance",
    "euclidean_matrix",
    "read_instance",
]


class VrpKind(StrEnum):
    """Which benchmark problem an instance belongs to."""

    VRPTW = "vrptw"
    CVRP = "cvrp"
    EVRPTW = "evrptw"


def euclidean_matrix(x: tuple[float, ...], y: tuple[float, ...]) -> np.ndarray:
    """Unrounded Euclidean distance matrix of the points ``(x[i], y[i])``."""
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    out: np.ndarray = np.hypot(xs[:, None] - xs[None, :], ys[:, None] - ys[None, :])
    return out


def _check_common(
    name: str, n: int, columns: dict[str, tuple[float, ...]], capacity: float
) -> None:
    for col, values in columns.items():
        if len(values) != n:
            raise DataError(f"{name}: column {col!r} has {len(values)} values, expected {n}")
        for i, v in enumerate(values):
            if not math.isfinite(v):
                raise DataError(f"{name}: node {i} field {col!r} is not a finite number")
    if capacity <= 0:
        raise DataError(f"{name}: vehicle capacity must be positive, got {capacity}")


@dataclass(frozen=True, slots=True)
class VrptwInstance:
    """Solomon VRPTW: node 0 is the depot, nodes 1..n are the file's customer numbers."""

    name: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    demand: tuple[float, ...]
    ready: tuple[float, ...]
    due: tuple[float, ...]
    service: tuple[float, ...]
    capacity: float
    num_vehicles: int

    kind = VrpKind.VRPTW

    def __post_init__(self) -> None:
        n = len(self.x)
        if n < 2:
            raise DataError(f"{self.name}: needs a depot and at least one customer")
        cols = {
            "y": self.y,
            "demand": self.demand,
            "ready": self.ready,
            "due": self.due,
            "service": self.service,
        }
        _check_common(self.name, n, cols, self.capacity)
        if self.num_vehicles < 1:
            raise DataError(f"{self.name}: vehicle NUMBER must be >= 1, got {self.num_vehicles}")
        for i in range(n):
            if self.ready[i] > self.due[i]:
                raise DataError(
                    f"{self.name}: customer {i}: READY TIME {self.ready[i]} "
                    f"after DUE DATE {self.due[i]}"
                )
            if self.demand[i] < 0 or self.service[i] < 0:
                raise DataError(f"{self.name}: customer {i}: negative demand or service time")
            if self.demand[i] > self.capacity:
                raise DataError(
                    f"{self.name}: customer {i}: demand {self.demand[i]} exceeds "
                    f"capacity {self.capacity}"
                )

    @property
    def num_customers(self) -> int:
        return len(self.x) - 1

    def distance_matrix(self) -> np.ndarray:
        return euclidean_matrix(self.x, self.y)


@dataclass(frozen=True, slots=True)
class CvrpInstance:
    """VRPLIB CVRP (EUC_2D, ``nint`` distances): node 0 depot, customers 1..n as in ``.sol``."""

    name: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    demand: tuple[float, ...]
    capacity: float

    kind = VrpKind.CVRP

    def __post_init__(self) -> None:
        n = len(self.x)
        if n < 2:
            raise DataError(f"{self.name}: needs a depot and at least one customer")
        _check_common(self.name, n, {"y": self.y, "demand": self.demand}, self.capacity)
        for i, q in enumerate(self.demand):
            if q < 0 or q > self.capacity:
                raise DataError(f"{self.name}: node {i}: demand {q} outside [0, {self.capacity}]")

    @property
    def num_customers(self) -> int:
        return len(self.x) - 1

    def distance_matrix(self) -> np.ndarray:
        """TSPLIB EUC_2D: Euclidean distance rounded to the nearest integer (``nint``)."""
        return np.floor(euclidean_matrix(self.x, self.y) + 0.5)


@dataclass(frozen=True, slots=True)
class EvrptwInstance:
    """Schneider, Stenger & Goeke (2014) E-VRPTW with full recharge.

    Node 0 is the depot; ``node_type`` is ``"d"``, ``"f"`` (recharging station) or ``"c"``.
    Energy on a leg = ``consumption_rate`` x distance, travel time = distance / ``velocity``,
    recharging always fills the battery and takes ``recharge_rate`` x missing energy.
    """

    name: str
    ids: tuple[str, ...]
    node_type: tuple[str, ...]
    x: tuple[float, ...]
    y: tuple[float, ...]
    demand: tuple[float, ...]
    ready: tuple[float, ...]
    due: tuple[float, ...]
    service: tuple[float, ...]
    battery: float
    capacity: float
    consumption_rate: float
    recharge_rate: float
    velocity: float

    kind = VrpKind.EVRPTW

    def __post_init__(self) -> None:
        n = len(self.ids)
        cols = {
            "x": self.x,
            "y": self.y,
            "demand": self.demand,
            "ReadyTime": self.ready,
            "DueDate": self.due,
            "ServiceTime": self.service,
        }
        _check_common(self.name, n, cols, self.capacity)
        if len(self.node_type) != n:
            raise DataError(f"{self.name}: Type column length differs from StringID")
        if n < 2 or self.node_type[0] != "d" or "d" in self.node_type[1:]:
            raise DataError(f"{self.name}: the first row must be the only depot (Type d)")
        if len(set(self.ids)) != n:
            raise DataError(f"{self.name}: StringIDs are not unique")
        for label, v in (
            ("Q (battery)", self.battery),
            ("r (consumption rate)", self.consumption_rate),
            ("v (velocity)", self.velocity),
        ):
            if not v > 0:
                raise DataError(f"{self.name}: parameter {label} must be positive, got {v}")
        if self.recharge_rate < 0:
            raise DataError(f"{self.name}: parameter g must be >= 0, got {self.recharge_rate}")
        for i in range(n):
            if self.node_type[i] not in ("d", "f", "c"):
                raise DataError(f"{self.name}: {self.ids[i]}: unknown Type {self.node_type[i]!r}")
            if self.ready[i] > self.due[i]:
                raise DataError(f"{self.name}: {self.ids[i]}: ReadyTime after DueDate")
            if self.demand[i] < 0 or self.demand[i] > self.capacity:
                raise DataError(f"{self.name}: {self.ids[i]}: demand outside [0, capacity]")

    @property
    def customers(self) -> tuple[int, ...]:
        return tuple(i for i, t in enumerate(self.node_type) if t == "c")

    @property
    def stations(self) -> tuple[int, ...]:
        return tuple(i for i, t in enumerate(self.node_type) if t == "f")

    @property
    def num_customers(self) -> int:
        return len(self.customers)

    def distance_matrix(self) -> np.ndarray:
        return euclidean_matrix(self.x, self.y)


AnyInstance = VrptwInstance | CvrpInstance | EvrptwInstance


def _num(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{where}: expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise DataError(f"{where}: expected a finite number, got {text!r}")
    return value


def _read_solomon(path: Path, lines: list[str]) -> VrptwInstance:
    name = lines[0].strip() or path.stem
    fleet: tuple[int, float] | None = None
    rows: list[list[float]] = []
    section = ""
    for lineno, raw in enumerate(lines, start=1):
        line = raw.strip()
        upper = line.upper()
        if not line:
            continue
        if upper.startswith("VEHICLE"):
            section = "vehicle"
            continue
        if upper.startswith("CUSTOMER"):
            section = "customer"
            continue
        if upper.startswith("NUMBER") or upper.startswith("CUST"):
            continue
        where = f"{path.name} line {lineno}"
        parts = line.split()
        if section == "vehicle" and fleet is None:
            if len(parts) != 2:
                raise DataError(f"{where}: expected 'NUMBER CAPACITY', got {line!r}")
            fleet = (int(_num(parts[0], where + " NUMBER")), _num(parts[1], where + " CAPACITY"))
        elif section == "customer":
            if len(parts) != 7:
                raise DataError(f"{where}: expected 7 columns, got {len(parts)}")
            fields = ("CUST NO.", "XCOORD.", "YCOORD.", "DEMAND", "READY", "DUE", "SERVICE")
            rows.append([_num(p, f"{where} field {f}") for p, f in zip(parts, fields, strict=True)])
    if fleet is None:
        raise DataError(f"{path.name}: no VEHICLE block with NUMBER and CAPACITY")
    if not rows:
        raise DataError(f"{path.name}: no CUSTOMER rows")
    for k, row in enumerate(rows):
        if int(row[0]) != k:
            raise DataError(
                f"{path.name}: customer row {k} has CUST NO. {int(row[0])}; expected {k} "
                "(rows must be numbered 0..n with the depot first)"
            )
    cols = list(zip(*rows, strict=True))
    return VrptwInstance(
        name=name,
        x=tuple(cols[1]),
        y=tuple(cols[2]),
        demand=tuple(cols[3]),
        ready=tuple(cols[4]),
        due=tuple(cols[5]),
        service=tuple(cols[6]),
        capacity=fleet[1],
        num_vehicles=fleet[0],
    )


_PARAM = re.compile(r"^\s*(\w+)\b.*/\s*([^/]*)\s*/\s*$")


def _read_evrptw(path: Path, lines: list[str]) -> EvrptwInstance:
    rows: list[tuple[str, str, list[float]]] = []
    params: dict[str, float] = {}
    fields = ("x", "y", "demand", "ReadyTime", "DueDate", "ServiceTime")
    for lineno, raw in enumerate(lines[1:], start=2):
        line = raw.strip()
        if not line:
            continue
        where = f"{path.name} line {lineno}"
        m = _PARAM.match(line)
        if m:
            params[m.group(1)] = _num(m.group(2), f"{where} parameter {m.group(1)}")
            continue
        parts = line.split()
        if len(parts) != 8:
            raise DataError(f"{where}: expected 8 columns (StringID Type x y ...), got {line!r}")
        values = [_num(p, f"{where} field {f}") for p, f in zip(parts[2:], fields, strict=True)]
        rows.append((parts[0], parts[1], values))
    missing = [k for k in ("Q", "C", "r", "g", "v") if k not in params]
    if missing:
        raise DataError(f"{path.name}: missing parameter line(s) {', '.join(missing)}")
    if not rows:
        raise DataError(f"{path.name}: no node rows")
    cols = list(zip(*(r[2] for r in rows), strict=True))
    return EvrptwInstance(
        name=path.stem,
        ids=tuple(r[0] for r in rows),
        node_type=tuple(r[1] for r in rows),
        x=tuple(cols[0]),
        y=tuple(cols[1]),
        demand=tuple(cols[2]),
        ready=tuple(cols[3]),
        due=tuple(cols[4]),
        service=tuple(cols[5]),
        battery=params["Q"],
        capacity=params["C"],
        consumption_rate=params["r"],
        recharge_rate=params["g"],
        velocity=params["v"],
    )


def _read_cvrp(path: Path) -> CvrpInstance:
    import vrplib

    try:
        raw = vrplib.read_instance(str(path))
    except Exception as exc:  # vrplib raises bare RuntimeError/ValueError on bad files
        raise DataError(f"{path.name}: not a readable VRPLIB file ({exc})") from None
    for key in ("node_coord", "demand", "capacity"):
        if key not in raw:
            raise DataError(f"{path.name}: VRPLIB section/field {key.upper()} is missing")
    ewt = str(raw.get("edge_weight_type", "EUC_2D")).upper()
    if ewt != "EUC_2D":
        raise DataError(f"{path.name}: EDGE_WEIGHT_TYPE {ewt} not supported (only EUC_2D)")
    depots = [int(d) for d in np.atleast_1d(raw.get("depot", [0]))]
    if depots != [0]:
        raise DataError(f"{path.name}: DEPOT_SECTION must name node 1 as the single depot")
    coords = np.asarray(raw["node_coord"], dtype=float)
    return CvrpInstance(
        name=str(raw.get("name", path.stem)),
        x=tuple(coords[:, 0].tolist()),
        y=tuple(coords[:, 1].tolist()),
        demand=tuple(float(d) for d in raw["demand"]),
        capacity=float(raw["capacity"]),
    )


def read_instance(path: str | Path) -> AnyInstance:
    """Read a benchmark file, detecting its format (Solomon, E-VRPTW table, or VRPLIB).

    Raises ``InputError`` if the file does not exist and ``DataError`` (naming file, line
    and field) if it is malformed.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such instance file")
    try:
        text = p.read_text(encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise DataError(f"{p.name}: not a UTF-8/ASCII text file") from None
    lines = text.splitlines()
    nonblank = [ln.strip() for ln in lines if ln.strip()]
    if not nonblank:
        raise DataError(f"{p.name}: empty file")
    upper = [ln.upper() for ln in nonblank[:12]]
    if upper[0].startswith("STRINGID"):
        return _read_evrptw(p, lines)
    if any(ln.startswith("VEHICLE") for ln in upper) and any(
        ln.startswith("CUSTOMER") for ln in upper
    ):
        return _read_solomon(p, lines)
    if any(":" in ln for ln in upper):
        return _read_cvrp(p)
    raise DataError(f"{p.name}: unknown format (expected Solomon, E-VRPTW table or VRPLIB)")
