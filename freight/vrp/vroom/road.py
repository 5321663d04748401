"""Travel matrices between ``[lon, lat]`` points over a network's roads.

Each point is snapped to the nearest node that has a road link; between two points the time
and distance are the shortest road path (by time) between their nodes plus an access leg at
each end: the straight-line distance x ``DETOUR`` driven at ``ACCESS_KMH`` (stated
assumptions: a local road is about 1.3x the crow-fly distance, and runs slower than the
modelled national roads). Two points with the same coordinates are 0 apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from freight.network.model import Network
from freight.network.roads import road_graph
from freight.units import haversine_km
from freight.vrp.vroom.model import Matrices

__all__ = ["ACCESS_KMH", "DETOUR", "road_router"]

#: Crow-fly to road distance factor of the access leg (assumption, see module note).
DETOUR = 1.3
#: Speed of the access leg, km/h (assumption: local roads, urban speed).
ACCESS_KMH = 30.0


def road_router(net: Network):  # type: ignore[no-untyped-def]
    """A ``router(points) -> Matrices`` (seconds, metres) over ``net``'s road links."""
    graph = road_graph(net)

    def route(points: Sequence[tuple[float, float]]) -> Matrices:
        nodes, kms = graph.snap_many(points)
        snap = [(nid, km * DETOUR) for nid, km in zip(nodes, kms, strict=True)]
        cache = {nid: graph.tree(nid) for nid in set(nodes)}
        n = len(points)
        dur = [[0] * n for _ in range(n)]
        dist = [[0] * n for _ in range(n)]
        for i, (a, ka) in enumerate(snap):
            for j, (b, kb) in enumerate(snap):
                if i == j or points[i] == points[j]:
                    continue
                hours, km = cache[a].get(b, (math.inf, math.inf, None, None))[:2]
                km, hours = km + ka + kb, hours + (ka + kb) / ACCESS_KMH
                if math.isinf(hours):  # not connected by road: access roads all the way
                    km = (
                        haversine_km(points[i][1], points[i][0], points[j][1], points[j][0])
                        * DETOUR
                    )
                    hours = km / ACCESS_KMH
                dur[i][j] = round(hours * 3600)
                dist[i][j] = round(km * 1000)
        return Matrices(tuple(map(tuple, dur)), tuple(map(tuple, dist)))

    return route
