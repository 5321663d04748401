"""Rail and road path lengths between the planner's node pairs, from the network's links.

Shortest paths (networkx Dijkstra on ``length_km``) over rail links (rail + sidings) and over
road links separately; links run both ways unless ``oneway``. Pairs with no path in a mode
are left out, and the planner falls back to haversine × detour for them.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from freight.network.model import Network


def _graph(network: Network, rail: bool) -> nx.DiGraph:
    g = nx.DiGraph()
    for link in network.links.values():
        if (link.mode.is_rail if rail else link.mode.is_road) is False:
            continue
        ends = [(link.source, link.target)]
        if not link.oneway:
            ends.append((link.target, link.source))
        for a, b in ends:
            old = g.get_edge_data(a, b)
            if old is None or old["length_km"] > link.length_km:
                g.add_edge(a, b, length_km=link.length_km)
    return g


def path_km(
    network: Network, pairs: Iterable[tuple[str, str]], *, rail: bool
) -> dict[tuple[str, str], float]:
    """Shortest rail (or road) km for each reachable pair; unreachable pairs are omitted."""
    g = _graph(network, rail)
    out: dict[tuple[str, str], float] = {}
    by_source: dict[str, set[str]] = {}
    for a, b in pairs:
        by_source.setdefault(a, set()).add(b)
    for a, targets in sorted(by_source.items()):
        if a not in g:
            continue
        lengths = nx.single_source_dijkstra_path_length(g, a, weight="length_km")
        for b in targets:
            if b in lengths and a != b:
                out[(a, b)] = float(lengths[b])
    return out
