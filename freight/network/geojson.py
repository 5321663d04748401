"""GeoJSON export (RFC 7946): Point features for nodes, LineString features for links."""

from __future__ import annotations

from typing import Any

from freight.network.model import CargoForm, Network
from freight.units import format_hhmm


def to_geojson(network: Network) -> dict[str, Any]:
    """FeatureCollection of the network; coordinates are ``[lon, lat]``."""
    features: list[dict[str, Any]] = []
    for node in network.nodes.values():
        h = node.handling
        features.append(
            {
                "type": "Feature",
                "id": node.id,
                "geometry": {"type": "Point", "coordinates": [node.lon, node.lat]},
                "properties": {
                    "id": node.id,
                    "feature": "node",
                    "kind": str(node.kind),
                    "name_en": node.name_en,
                    "name_zh": node.name_zh,
                    "region": node.region,
                    "accepts_freight": node.accepts_freight,
                    "rail_access": node.rail_access,
                    "station_class": node.station_class,
                    "role": node.role,
                    "district": node.district,
                    "hazmat": h.handles(CargoForm.HAZMAT),
                    "handling_forms": sorted(str(f) for f in h.forms),
                    "handling_cost_cny_per_t": h.cost_cny_per_t,
                    "handling_cost_cny_per_teu": h.cost_cny_per_teu,
                    "handling_hours": h.hours,
                    "capacity_t_per_day": h.capacity_t_per_day,
                    "capacity_teu_per_day": h.capacity_teu_per_day,
                },
            }
        )
    for link in network.links.values():
        a, b = network.nodes[link.source], network.nodes[link.target]
        coords = [list(p) for p in link.geometry] or [[a.lon, a.lat], [b.lon, b.lat]]
        features.append(
            {
                "type": "Feature",
                "id": link.id,
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "id": link.id,
                    "feature": "link",
                    "source": link.source,
                    "target": link.target,
                    "mode": str(link.mode),
                    "name_en": f"{a.name_en} – {b.name_en}",
                    "name_zh": f"{a.name_zh}–{b.name_zh}",
                    "corridor": link.corridor,
                    "hazmat": link.hazmat,
                    "oneway": link.oneway,
                    "length_km": link.length_km,
                    "speed_kmh": link.speed_kmh,
                    "capacity_per_day": link.capacity_per_day,
                    "truck_bans": [
                        f"{format_hhmm(b.start_min)}-{format_hhmm(b.end_min)}"
                        for b in link.truck_bans
                    ],
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "name": network.name,
        "features": features,
    }
