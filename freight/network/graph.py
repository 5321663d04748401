"""The network as a ``networkx.MultiDiGraph`` for path searches and analysis."""

from __future__ import annotations

import networkx as nx

from freight.network.model import Network


def build_graph(network: Network) -> nx.MultiDiGraph:
    """Nodes carry ``node=Node``; each link is an edge (key = link id) in both directions
    unless ``oneway``, with attrs ``link``, ``mode``, ``length_km`` and ``hours``."""
    g = nx.MultiDiGraph(name=network.name)
    for node in network.nodes.values():
        g.add_node(node.id, node=node)
    for link in network.links.values():
        attrs = {
            "link": link,
            "mode": link.mode,
            "length_km": link.length_km,
            "hours": link.hours,
        }
        g.add_edge(link.source, link.target, key=link.id, **attrs)
        if not link.oneway:
            g.add_edge(link.target, link.source, key=link.id, **attrs)
    return g
