"""A day's fleet routing as GeoJSON (RFC 7946): one LineString Feature per route.

Each line runs depot -> every visit (stop, or charging site) -> depot in visiting order.
The fleet router travels a road-factor x great-circle (or a given matrix) distance between
places, not network links, so the segments are straight lines between the places.
:func:`route_features` is the one renderer; a fleet plan's routes use it day by day
(:func:`freight.fleet.plan.plan_routes.routes_geojson`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from freight.fleet.problem import FleetProblem

__all__ = ["fleet_solution_geojson", "route_features"]


def fleet_solution_geojson(problem: FleetProblem, result: Mapping[str, Any]) -> dict[str, Any]:
    """FeatureCollection of ``result`` (``FleetResult.to_dict()``) for ``problem``."""
    where: dict[str, list[float]] = {d.id: [d.lon, d.lat] for d in problem.depots}
    where |= {c.id: [c.lon, c.lat] for c in problem.charging_sites}
    where |= {s.id: [s.lon, s.lat] for s in problem.stops}
    depot_of = {vt.id: vt.depot for vt in problem.vehicle_types}
    features = route_features(where, depot_of, result)
    return {"type": "FeatureCollection", "name": "fleet routes", "features": features}


def route_features(
    where: Mapping[str, list[float]],
    depot_of: Mapping[str, str],
    result: Mapping[str, Any],
    *,
    id_prefix: str = "",
    extra: Sequence[Mapping[str, Any]] | None = None,
    unserved_extra: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The Features of one routed day: a LineString per route, a Point per unserved stop.

    ``where``: ``[lon, lat]`` of every depot, charging site and stop by id; ``depot_of``:
    the depot of each vehicle type. ``extra[k]`` is merged into route k's properties (and
    ``unserved_extra`` into each Point's); ``id_prefix`` makes feature ids unique when
    several days share a collection.
    """
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
        props |= extra[n - 1] if extra is not None else {}
        features.append({"type": "Feature", "id": f"{id_prefix}route-{n}",
                         "geometry": {"type": "LineString", "coordinates": line},
                         "properties": props})  # fmt: skip
    for u in result["unserved"]:
        props = {"unserved": u["id"], "reason": u["reason"], **(unserved_extra or {})}
        features.append({"type": "Feature", "id": f"{id_prefix}unserved-{u['id']}",
                         "geometry": {"type": "Point", "coordinates": where[u["id"]]},
                         "properties": props})  # fmt: skip
    return features
