"""A day's fleet routing as GeoJSON (RFC 7946): one LineString Feature per route.

Each line runs depot -> every visit (stop, or charging site) -> depot in visiting order and
passes through every place's own ``[lon, lat]``. Between two consecutive places it follows
the network's road links (expressway, national and urban; truck bans are not applied to the
fleet's light vans): each place is snapped to its nearest road node, the line runs
place -> node -> the fastest road path's links (each link drawn as the network GeoJSON draws
it) -> node -> next place. When either place is farther than ``SNAP_MAX_KM`` from every road
node, or the two nodes are not connected by road, that segment is a straight line; each
route's properties say so (``geometry_source``, ``straight_segments``).

The fleet router itself travels a road-factor x great-circle (or a given matrix) distance,
so ``distance_km`` and the times are the router's, not the drawn line's length.
:func:`route_features` is the one renderer; a fleet plan's routes use it day by day
(:func:`freight.fleet.plan.plan_routes.routes_geojson`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from freight.fleet.problem import FleetProblem
from freight.network.model import Network
from freight.network.roads import RoadGraph, road_graph
from freight.routing.geojson import leg_line

__all__ = ["SNAP_MAX_KM", "RoadDrawer", "fleet_solution_geojson", "route_features"]

#: Farthest a place may lie from a road node for its segments to follow the links, km.
#: Assumption: the shipped network's urban road nodes are 1-3 km apart in Kuytun, so a
#: place within 5 km of one is reached by unmodelled local streets; a place farther out
#: (an outlying site beyond the modelled roads) gets a straight segment rather than a
#: misleading access stub.
SNAP_MAX_KM = 5.0


class RoadDrawer:
    """Draws segments between places along ``net``'s road links, with caches.

    Snapped places are cached by coordinates and link paths by (node, node); the network's
    snapping index and shortest-path trees are shared per network (:func:`road_graph`).
    """

    def __init__(self, net: Network, snap_max_km: float = SNAP_MAX_KM) -> None:
        self.net = net
        self.graph: RoadGraph = road_graph(net)
        self.snap_max_km = snap_max_km
        self._snaps: dict[tuple[float, float], str | None] = {}
        self._lines: dict[tuple[str, str], tuple[tuple[str, ...], list[list[float]]] | None] = {}

    def prepare(self, points: Sequence[Sequence[float]]) -> None:
        """Snap every ``[lon, lat]`` of ``points`` not yet snapped (one vectorised pass)."""
        keys = {(float(p[0]), float(p[1])) for p in points}
        new = [k for k in keys if k not in self._snaps]
        nodes, kms = self.graph.snap_many(new)
        for p, nid, km in zip(new, nodes, kms, strict=True):
            self._snaps[p] = nid if km <= self.snap_max_km else None

    def node_of(self, point: Sequence[float]) -> str | None:
        """The road node ``point`` snaps to, or ``None`` beyond ``snap_max_km``."""
        key = (float(point[0]), float(point[1]))
        if key not in self._snaps:
            self.prepare([point])
        return self._snaps[key]

    def _between(self, a: str, b: str) -> tuple[tuple[str, ...], list[list[float]]] | None:
        if (a, b) not in self._lines:
            links = self.graph.path_links(a, b)
            self._lines[a, b] = None if links is None else (links, leg_line(self.net, a, links))
        return self._lines[a, b]

    def segment(
        self, p: list[float], q: list[float]
    ) -> tuple[list[list[float]], tuple[str, ...] | None]:
        """Positions from ``p`` to ``q`` (both included) and the road links run
        (``None``: a straight segment)."""
        a, b = self.node_of(p), self.node_of(q)
        found = None if a is None or b is None else self._between(a, b)
        if found is None:
            return [p, q], None
        links, middle = found
        line = [p] + (middle if links else middle[:1]) + [q]
        return [pt for k, pt in enumerate(line) if k == 0 or pt != line[k - 1]], links

    def line(self, places: Sequence[list[float]]) -> tuple[list[list[float]], list[str], int]:
        """A line through ``places`` in order: positions, road links run, straight segments."""
        self.prepare(places)
        out: list[list[float]] = [places[0]]
        links: list[str] = []
        straight = 0
        for p, q in zip(places, places[1:], strict=False):
            seg, run = self.segment(p, q)
            out += seg[1:]
            if run is None:
                straight += 1
            else:
                links += run
        if len(out) < 2:  # RFC 7946: a LineString has two or more positions
            out.append(out[0])
        return out, links, straight


def fleet_solution_geojson(
    problem: FleetProblem, result: Mapping[str, Any], net: Network | None = None
) -> dict[str, Any]:
    """FeatureCollection of ``result`` (``FleetResult.to_dict()``) for ``problem``, drawn on
    ``net``'s roads (default: the shipped network)."""
    where: dict[str, list[float]] = {d.id: [d.lon, d.lat] for d in problem.depots}
    where |= {c.id: [c.lon, c.lat] for c in problem.charging_sites}
    where |= {s.id: [s.lon, s.lat] for s in problem.stops}
    depot_of = {vt.id: vt.depot for vt in problem.vehicle_types}
    if net is None:
        from freight.network.loader import default_network

        net = default_network()
    features = route_features(where, depot_of, result, drawer=RoadDrawer(net))
    return {"type": "FeatureCollection", "name": "fleet routes", "features": features}


def route_features(
    where: Mapping[str, list[float]],
    depot_of: Mapping[str, str],
    result: Mapping[str, Any],
    *,
    drawer: RoadDrawer,
    id_prefix: str = "",
    extra: Sequence[Mapping[str, Any]] | None = None,
    unserved_extra: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The Features of one routed day: a LineString per route, a Point per unserved stop.

    ``where``: ``[lon, lat]`` of every depot, charging site and stop by id; ``depot_of``:
    the depot of each vehicle type; ``drawer`` draws the lines on a network's roads.
    ``extra[k]`` is merged into route k's properties (and ``unserved_extra`` into each
    Point's); ``id_prefix`` makes feature ids unique when several days share a collection.
    """
    drawer.prepare(list(where.values()))
    features: list[dict[str, Any]] = []
    for n, r in enumerate(result["routes"], start=1):
        depot = where[depot_of[r["vehicle_type"]]]
        places = [depot] + [where[v.get("id", v.get("charge_at"))] for v in r["visits"]] + [depot]
        line, links, straight = drawer.line(places)
        segments = len(places) - 1
        props = {key: r[key] for key in ("vehicle_type", "start", "end", "duration_min",
                                          "distance_km", "energy_kwh", "cost_cny")}  # fmt: skip
        props |= {
            "route": n, "depot": depot_of[r["vehicle_type"]],
            "stops": [v["id"] for v in r["visits"] if "id" in v],
            "charging_at": [v["charge_at"] for v in r["visits"] if "charge_at" in v],
            "geometry_source": "straight" if straight == segments else (
                "links" if straight == 0 else "mixed"),
            "segments": segments, "straight_segments": straight, "links": links,
            "snap_max_km": drawer.snap_max_km,
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
