"""The road links of a network as a graph: snapping ``[lon, lat]`` points to road nodes and
fastest road paths between nodes.

Road links are the expressway, national and urban modes, driven both ways unless one-way.
Truck bans are not applied: the graph serves light delivery vans (fleet routing, VROOM
matrices), and the network data states its bans for trucks only. :func:`road_graph` builds
one graph per network and keeps it while the network lives; snapping is a vectorised
great-circle search over the road nodes, and each source node's shortest-path tree is
computed once and cached.
"""

from __future__ import annotations

import heapq
import threading
import weakref
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from freight.network.model import Network
from freight.units import EARTH_RADIUS_KM

__all__ = ["RoadGraph", "road_graph"]


class RoadGraph:
    """Road adjacency of one network with cached snapping and shortest-path trees."""

    def __init__(self, net: Network) -> None:
        adj: dict[str, list[tuple[str, float, float, str]]] = defaultdict(list)
        for link in net.links.values():
            if link.mode.is_road:
                adj[link.source].append((link.target, link.hours, link.length_km, link.id))
                if not link.oneway:
                    adj[link.target].append((link.source, link.hours, link.length_km, link.id))
        self.adj = dict(adj)
        nodes = [n for n in net.nodes.values() if n.id in adj]
        self.node_ids: tuple[str, ...] = tuple(n.id for n in nodes)
        self._lat_rad = np.radians(np.array([n.lat for n in nodes], dtype=float))
        self._lon_rad = np.radians(np.array([n.lon for n in nodes], dtype=float))
        self._cos_lat = np.cos(self._lat_rad)
        self._trees: dict[str, dict[str, tuple[float, float, str | None, str | None]]] = {}
        self._lock = threading.Lock()

    def snap(self, lon: float, lat: float) -> tuple[str, float]:
        """The nearest road node to ``(lon, lat)`` and its great-circle distance, km."""
        ids, kms = self.snap_many([(lon, lat)])
        return ids[0], kms[0]

    def snap_many(self, points: Sequence[tuple[float, float]]) -> tuple[list[str], list[float]]:
        """Nearest road node and its distance (km) of every ``(lon, lat)`` in ``points``."""
        if not points:
            return [], []
        p = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
        lon, lat = p[:, :1], p[:, 1:]
        a = (np.sin((self._lat_rad - lat) / 2) ** 2
             + np.cos(lat) * self._cos_lat * np.sin((self._lon_rad - lon) / 2) ** 2)  # fmt: skip
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))
        best = km.argmin(axis=1)
        near = km[np.arange(len(best)), best]
        return [self.node_ids[i] for i in best], [float(x) for x in near]

    def tree(self, src: str) -> dict[str, tuple[float, float, str | None, str | None]]:
        """Fastest road paths from ``src``: node -> (hours, km, previous node, link id)."""
        with self._lock:
            cached = self._trees.get(src)
        if cached is not None:
            return cached
        best: dict[str, tuple[float, float, str | None, str | None]] = {src: (0.0, 0.0, None, None)}
        heap = [(0.0, 0.0, src)]
        while heap:
            h, km, u = heapq.heappop(heap)
            if best[u][0] < h:
                continue
            for v, dh, dkm, lid in self.adj.get(u, ()):
                if v not in best or h + dh < best[v][0]:
                    best[v] = (h + dh, km + dkm, u, lid)
                    heapq.heappush(heap, (h + dh, km + dkm, v))
        with self._lock:
            self._trees[src] = best
        return best

    def path_links(self, src: str, dst: str) -> tuple[str, ...] | None:
        """Link ids of the fastest road path ``src`` -> ``dst`` (``None``: not connected)."""
        tree = self.tree(src)
        if dst not in tree:
            return None
        links: list[str] = []
        at: str | None = dst
        while at is not None and at != src:
            _, _, prev, lid = tree[at]
            assert lid is not None
            links.append(lid)
            at = prev
        return tuple(reversed(links))


_graphs: dict[int, tuple[weakref.ref[Network], RoadGraph]] = {}
_graphs_lock = threading.Lock()


def road_graph(net: Network) -> RoadGraph:
    """The :class:`RoadGraph` of ``net``, built once while ``net`` lives."""
    key = id(net)
    with _graphs_lock:
        held = _graphs.get(key)
        if held is not None and held[0]() is net:
            return held[1]
    graph = RoadGraph(net)
    with _graphs_lock:
        _graphs[key] = (weakref.ref(net, lambda _r: _graphs.pop(key, None)), graph)
    return graph
