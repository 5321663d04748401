"""Travel matrices between ``[lon, lat]`` points over a network's roads.

Each point is snapped to the nearest node that has a road link; between two points the time
and distance are the shortest road path (by time) between their nodes plus an access leg at
each end: the straight-line distance x ``DETOUR`` driven at ``ACCESS_KMH`` (stated
assumptions: a local road is about 1.3x the crow-fly distance, and runs slower than the
modelled national roads). Two points with the same coordinates are 0 apart.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence

from freight.network.model import Network
from freight.units import haversine_km
from freight.vrp.vroom.model import Matrices

__all__ = ["ACCESS_KMH", "DETOUR", "road_router"]

#: Crow-fly to road distance factor of the access leg (assumption, see module note).
DETOUR = 1.3
#: Speed of the access leg, km/h (assumption: local roads, urban speed).
ACCESS_KMH = 30.0


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return haversine_km(a[1], a[0], b[1], b[0])


def _paths(
    adj: dict[str, list[tuple[str, float, float]]], src: str
) -> dict[str, tuple[float, float]]:
    """Fastest road path from ``src``: node -> (hours, km)."""
    best: dict[str, tuple[float, float]] = {src: (0.0, 0.0)}
    heap = [(0.0, 0.0, src)]
    while heap:
        h, km, u = heapq.heappop(heap)
        if best[u][0] < h:
            continue
        for v, dh, dkm in adj[u]:
            if v not in best or h + dh < best[v][0]:
                best[v] = (h + dh, km + dkm)
                heapq.heappush(heap, (h + dh, km + dkm, v))
    return best


def road_router(net: Network):  # type: ignore[no-untyped-def]
    """A ``router(points) -> Matrices`` (seconds, metres) over ``net``'s road links."""
    adj: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for link in net.links.values():
        if link.mode.is_road:
            adj[link.source].append((link.target, link.hours, link.length_km))
            if not link.oneway:
                adj[link.target].append((link.source, link.hours, link.length_km))
    road_nodes = [n for n in net.nodes.values() if n.id in adj]

    def route(points: Sequence[tuple[float, float]]) -> Matrices:
        snap = []
        for p in points:
            node = min(road_nodes, key=lambda n: _km(p, (n.lon, n.lat)))
            snap.append((node.id, _km(p, (node.lon, node.lat)) * DETOUR))
        cache = {nid: _paths(adj, nid) for nid in {s for s, _ in snap}}
        n = len(points)
        dur = [[0] * n for _ in range(n)]
        dist = [[0] * n for _ in range(n)]
        for i, (a, ka) in enumerate(snap):
            for j, (b, kb) in enumerate(snap):
                if i == j or points[i] == points[j]:
                    continue
                hours, km = cache[a].get(b, (math.inf, math.inf))
                km, hours = km + ka + kb, hours + (ka + kb) / ACCESS_KMH
                if math.isinf(hours):  # not connected by road: access roads all the way
                    km = _km(points[i], points[j]) * DETOUR
                    hours = km / ACCESS_KMH
                dur[i][j] = round(hours * 3600)
                dist[i][j] = round(km * 1000)
        return Matrices(tuple(map(tuple, dur)), tuple(map(tuple, dist)))

    return route
