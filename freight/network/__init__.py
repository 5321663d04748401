"""The multimodal network: model, loader/validation, graph, GeoJSON and summary."""

from __future__ import annotations

from collections import Counter
from typing import Any

from freight.network.model import Network


def summary(network: Network) -> dict[str, Any]:
    """Counts by node kind, link mode and service kind, plus total lengths (km)."""
    km_by_mode: dict[str, float] = {}
    for link in network.links.values():
        km_by_mode[str(link.mode)] = km_by_mode.get(str(link.mode), 0.0) + link.length_km
    return {
        "name": network.name,
        "nodes": len(network.nodes),
        "links": len(network.links),
        "services": len(network.services),
        "nodes_by_kind": dict(sorted(Counter(str(n.kind) for n in network.nodes.values()).items())),
        "links_by_mode": dict(
            sorted(Counter(str(lk.mode) for lk in network.links.values()).items())
        ),
        "services_by_kind": dict(
            sorted(Counter(s.kind for s in network.services.values()).items())
        ),
        "length_km_by_mode": {k: round(v, 1) for k, v in sorted(km_by_mode.items())},
        "total_length_km": round(sum(km_by_mode.values()), 1),
        "hazmat_links": sum(1 for lk in network.links.values() if lk.hazmat),
        "weekly_train_departures": sum(len(s.weekdays) for s in network.services.values()),
    }
