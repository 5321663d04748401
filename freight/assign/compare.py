"""Compare two networks of a year under the same demand: what a scenario changes.

``compare(base, other, shipments, year)`` runs the capacitated assignment on both and
reports tonnes by mode, rail share, unassigned tonnes, bottlenecks, cost and CO2, with
the difference (other − base).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from freight.assign.solve import AssignOptions, ShipmentLike, assign
from freight.network.model import Network


@dataclass(frozen=True, slots=True)
class Side:
    """The headline figures of one assignment."""

    label: str
    tonnes_total: float
    rail_tonnes: float
    road_tonnes: float
    unassigned_tonnes: float
    rail_share: float
    cost_cny: float
    co2_t: float
    bottlenecks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    kind: str
    year: int
    base: Side
    other: Side

    def to_dict(self) -> dict[str, Any]:
        def side(s: Side) -> dict[str, Any]:
            return {
                "label": s.label,
                "tonnes_total": round(s.tonnes_total, 1),
                "tonnes_by_mode": {
                    "rail": round(s.rail_tonnes, 1),
                    "road": round(s.road_tonnes, 1),
                },
                "unassigned_tonnes": round(s.unassigned_tonnes, 1),
                "rail_share": round(s.rail_share, 4),
                "cost_cny": round(s.cost_cny, 2),
                "co2_t": round(s.co2_t, 2),
                "bottlenecks": list(s.bottlenecks),
            }

        b, o = side(self.base), side(self.other)
        delta = {
            k: round(o[k] - b[k], 4)
            for k in ("unassigned_tonnes", "rail_share", "cost_cny", "co2_t")
        }
        delta["rail_tonnes"] = round(self.other.rail_tonnes - self.base.rail_tonnes, 1)
        delta["road_tonnes"] = round(self.other.road_tonnes - self.base.road_tonnes, 1)
        return {"kind": self.kind, "year": self.year, "base": b, "other": o, "delta": delta}


def _side(
    label: str, net: Network, shipments: Sequence[ShipmentLike], year: int, limit_s: float
) -> Side:
    r = assign(net, shipments, AssignOptions(time_limit_s=limit_s), year=year)
    assigned = r.tonnes_assigned
    necks = tuple(dict.fromkeys(str(b.get("id", "")) for b in r.bottlenecks))[:5]
    return Side(
        label=label,
        tonnes_total=r.tonnes_total,
        rail_tonnes=r.rail_tonnes,
        road_tonnes=assigned - r.rail_tonnes,
        unassigned_tonnes=r.tonnes_unassigned,
        rail_share=r.rail_tonnes / assigned if assigned else 0.0,
        cost_cny=r.objective_cny,
        co2_t=r.co2_kg / 1000.0,
        bottlenecks=necks,
    )


def compare(
    base: tuple[str, Network],
    other: tuple[str, Network],
    shipments: Sequence[ShipmentLike],
    year: int,
    time_limit_s: float = 60.0,
) -> Comparison:
    """Assign ``shipments`` of ``year`` on both (label, network) pairs."""
    return Comparison(
        kind="scenario-comparison",
        year=year,
        base=_side(base[0], base[1], shipments, year, time_limit_s),
        other=_side(other[0], other[1], shipments, year, time_limit_s),
    )
