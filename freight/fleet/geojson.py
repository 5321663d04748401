"""A day's fleet routing as GeoJSON (RFC 7946): one LineString Feature per route.

Each line runs depot -> every visit (stop, or charging site) -> depot in visiting order.
The fleet router travels a road-factor x great-circle (or a given matrix) distance between
places, not network links, so the segments are straight lines between the places.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from freight.fleet.problem import FleetProblem

__all__ = ["fleet_solution_geojson"]


def fleet_solution_geojson(problem: FleetProblem, result: Mapping[str, Any]) -> dict[str, Any]:
    """FeatureCollection of ``result`` (``FleetResult.to_dict()``) for ``problem``."""
    where: dict[str, list[float]] = {d.id: [d.lon, d.lat] for d in problem.depots}
    where |= {c.id: [c.lon, c.lat] for c in problem.charging_sites}
    where |= {s.id: [s.lon, s.lat] for s in problem.stops}
    depot_of = {vt.id: vt.depot for vt in problem.vehicle_types}
    features: list[dict[str, Any]] = []
    for n, r in enumerate(result["routes"], start=1):
        depot = where[depot_of[r["vehicle_type"]]]
        line = [depot] + [where[v.get("id", v.get("charge_at"))] for v in r["visits"]] + [depot]
        props = {key: r[key] for key in ("vehicle_type", "start", "end", "duration_min",
                                          "distance_km", "energy_kwh", "cost_cny")}  # fmt: skip
        props |= {
            "route": n, "depot": depot_of[r["vehicle_type"]],
            "stops": [v["id"] for v in r["visits"] if "id" in v],
            "charging_at": [v["charge_at"] for v in r["visits"] if "charge_at" in v],
        }  # fmt: skip
        features.append({"type": "Feature", "id": f"route-{n}",
                         "geometry": {"type": "LineString", "coordinates": line},
                         "properties": props})  # fmt: skip
    for u in result["unserved"]:
        features.append({"type": "Feature", "id": f"unserved-{u['id']}",
                         "geometry": {"type": "Point", "coordinates": where[u["id"]]},
                         "properties": {"unserved": u["id"], "reason": u["reason"]}})  # fmt: skip
    return {"type": "FeatureCollection", "name": "fleet routes", "features": features}
