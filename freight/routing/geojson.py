"""A route answer as GeoJSON (RFC 7946): one LineString Feature per leg of every alternative.

The line follows the leg's links in travel order (each link's own geometry, reversed when
the leg runs it target -> source); properties carry the leg's mode, ends, service, times
(ISO 8601 with offset), distance, cost and CO2, and the alternative's rank and totals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from freight.network.model import Network

__all__ = ["leg_line", "route_answer_geojson"]


def leg_line(net: Network, start: str, links: Sequence[str]) -> list[list[float]]:
    """``[lon, lat]`` positions of a leg that starts at node ``start`` and runs ``links``."""
    at = start
    line: list[list[float]] = []
    for lid in links:
        link = net.links[lid]
        a, b = net.nodes[link.source], net.nodes[link.target]
        pts = [list(p) for p in link.geometry] or [[a.lon, a.lat], [b.lon, b.lat]]
        if link.source != at:
            pts.reverse()
        at = link.target if link.source == at else link.source
        line += pts[1:] if line and line[-1] == pts[0] else pts
    if len(line) < 2:  # a leg without links (same node): a degenerate two-point line
        node = net.nodes[start]
        line = [[node.lon, node.lat], [node.lon, node.lat]]
    return line


def route_answer_geojson(net: Network, answer: Mapping[str, Any]) -> dict[str, Any]:
    """FeatureCollection of a ``POST /v1/routes`` answer (the JSON shape, offers included)."""
    features: list[dict[str, Any]] = []
    for alt in answer["alternatives"]:
        for k, leg in enumerate(alt["legs"]):
            props = {key: leg[key] for key in ("mode", "service", "depart", "arrive",
                                               "distance_km", "cost_cny", "co2_kg")}  # fmt: skip
            props |= {
                "rank": alt["rank"], "leg": k, "from": leg["from"], "to": leg["to"],
                "links": list(leg["links"]), "total_cost_cny": alt["total"]["cost_cny"],
                "total_hours": alt["total"]["hours"], "total_co2_kg": alt["total"]["co2_kg"],
            }  # fmt: skip
            if alt.get("offer_id"):
                props["offer_id"] = alt["offer_id"]
            features.append({
                "type": "Feature",
                "id": f"{alt['rank']}-{k}",
                "geometry": {"type": "LineString",
                             "coordinates": leg_line(net, leg["from"], leg["links"])},
                "properties": props,
            })  # fmt: skip
    return {
        "type": "FeatureCollection",
        "name": f"routes {answer['origin']} -> {answer['destination']}",
        "features": features,
    }
