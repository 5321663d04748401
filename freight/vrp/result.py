"""Typed result of a benchmark VRP solve, and best-known values from the shared data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from freight.vrp.instances import VrpKind

__all__ = ["BestKnown", "VrpSolution", "load_bks"]


@dataclass(frozen=True, slots=True)
class BestKnown:
    """A best-known solution value (vehicles and distance) from a ``bks*.csv`` table."""

    vehicles: int
    distance: float
    source: str


@dataclass(frozen=True, slots=True)
class VrpSolution:
    """One solved benchmark instance.

    ``routes`` leave the depot out: customer numbers (VRPTW, CVRP) or StringIDs with
    station visits (E-VRPTW). ``distance`` is recomputed from coordinates in the
    instance's own convention, never the solver's scaled integers. ``optimal`` is True
    only when an exact method proved it (E-VRPTW small instances).
    """

    instance: str
    kind: VrpKind
    method: str
    distance: float
    vehicles: int
    routes: tuple[tuple[int | str, ...], ...]
    wall_s: float
    feasible: bool
    optimal: bool = False
    bks: BestKnown | None = None

    @property
    def gap_pct(self) -> float | None:
        """``100 * (distance / bks - 1)``; None without a best-known value."""
        if self.bks is None or self.bks.distance <= 0:
            return None
        return 100.0 * (self.distance / self.bks.distance - 1.0)

    def to_dict(self) -> dict[str, Any]:
        gap = self.gap_pct
        return {
            "instance": self.instance,
            "kind": self.kind.value,
            "method": self.method,
            "distance": round(self.distance, 4),
            "vehicles": self.vehicles,
            "routes": [list(r) for r in self.routes],
            "wall_s": round(self.wall_s, 3),
            "feasible": self.feasible,
            "optimal": self.optimal,
            "bks": None
            if self.bks is None
            else {"vehicles": self.bks.vehicles, "distance": self.bks.distance},
            "gap_pct": None if gap is None else round(gap, 3),
        }


def load_bks(instance_path: str | Path, table: str = "bks.csv") -> BestKnown | None:
    """Best-known value for an instance from ``table`` in the instance's folder, if any."""
    p = Path(instance_path)
    csv_path = p.parent / table
    if not csv_path.is_file():
        return None
    with csv_path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row.get("instance") == p.stem:
                return BestKnown(int(row["vehicles"]), float(row["distance"]), row["source"])
    return None
