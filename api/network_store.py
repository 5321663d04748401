"""The network in the database: seeded from ``freight.network.loader.default_network()``.

At startup the GeoJSON of the shipped network is hashed; when the database holds no
snapshot, or one with another hash (the data files changed), nodes, links and a new
snapshot are written in one transaction. Reads are served from the database.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select

from api.db import Database, LinkRow, NetworkSnapshot, NodeRow

log = logging.getLogger("api.network")
NETWORK_NAME = "kuytun"


def node_record(node: Any) -> dict[str, Any]:
    """JSON-ready description of a ``freight.network.model.Node``."""
    h = node.handling
    return {
        "id": node.id,
        "name_en": node.name_en,
        "name_zh": node.name_zh,
        "kind": str(node.kind),
        "lat": node.lat,
        "lon": node.lon,
        "accepts_freight": node.accepts_freight,
        "rail_access": node.rail_access,
        "station_class": node.station_class,
        "role": node.role,
        "district": node.district,
        "handling": {
            "forms": sorted(str(f) for f in h.forms),
            "cost_cny_per_t": h.cost_cny_per_t,
            "cost_cny_per_teu": h.cost_cny_per_teu,
            "hours": h.hours,
            "capacity_t_per_day": h.capacity_t_per_day,
            "capacity_teu_per_day": h.capacity_teu_per_day,
        },
    }


def link_record(link: Any) -> dict[str, Any]:
    return {
        "id": link.id,
        "source": link.source,
        "target": link.target,
        "mode": str(link.mode),
        "length_km": link.length_km,
        "speed_kmh": link.speed_kmh,
        "capacity_per_day": link.capacity_per_day,
        "corridor": link.corridor,
        "hazmat": link.hazmat,
        "oneway": link.oneway,
        "truck_bans": [{"start_min": b.start_min, "end_min": b.end_min} for b in link.truck_bans],
    }


def seed_network(db: Database) -> bool:
    """Store the shipped network if the database lacks it or holds an older version."""
    from freight.network.geojson import to_geojson
    from freight.network.loader import default_network

    net = default_network()
    geojson = to_geojson(net)
    digest = hashlib.sha256(
        json.dumps(geojson, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()
    with db.write() as s:
        current = s.scalar(
            select(NetworkSnapshot)
            .where(NetworkSnapshot.name == NETWORK_NAME)
            .order_by(NetworkSnapshot.id.desc())
            .limit(1)
        )
        if current is not None and current.content_sha256 == digest:
            return False
        s.execute(delete(NodeRow).where(NodeRow.network == NETWORK_NAME))
        s.execute(delete(LinkRow).where(LinkRow.network == NETWORK_NAME))
        for node in net.nodes.values():
            rec = node_record(node)
            s.add(
                NodeRow(
                    network=NETWORK_NAME,
                    id=node.id,
                    kind=rec["kind"],
                    name_en=node.name_en,
                    name_zh=node.name_zh,
                    lat=node.lat,
                    lon=node.lon,
                    data=rec,
                )
            )
        for link in net.links.values():
            s.add(
                LinkRow(
                    network=NETWORK_NAME,
                    id=link.id,
                    source=link.source,
                    target=link.target,
                    mode=str(link.mode),
                    length_km=link.length_km,
                    hazmat=link.hazmat,
                    data=link_record(link),
                )
            )
        s.add(
            NetworkSnapshot(
                name=NETWORK_NAME,
                content_sha256=digest,
                node_count=len(net.nodes),
                link_count=len(net.links),
                geojson=geojson,
            )
        )
    log.info("network stored", extra={"nodes": len(net.nodes), "links": len(net.links)})
    return True


@dataclass(frozen=True)
class StoredNetwork:
    content_sha256: str
    node_count: int
    link_count: int
    geojson: dict[str, Any]
    body: bytes  # the serialised GeoJSON, ready to send


def load_snapshot(db: Database) -> StoredNetwork | None:
    with db.read() as s:
        snap = s.scalar(
            select(NetworkSnapshot)
            .where(NetworkSnapshot.name == NETWORK_NAME)
            .order_by(NetworkSnapshot.id.desc())
            .limit(1)
        )
        if snap is None:
            return None
        body = json.dumps(snap.geojson, ensure_ascii=False, separators=(",", ":")).encode()
        return StoredNetwork(
            snap.content_sha256, snap.node_count, snap.link_count, snap.geojson, body
        )


def get_node(db: Database, node_id: str) -> dict[str, Any] | None:
    """Node record plus the ids of the links that touch it, or None."""
    with db.read() as s:
        row = s.get(NodeRow, (NETWORK_NAME, node_id))
        if row is None:
            return None
        links = s.scalars(
            select(LinkRow.id)
            .where(LinkRow.network == NETWORK_NAME)
            .where(or_(LinkRow.source == node_id, LinkRow.target == node_id))
            .order_by(LinkRow.id)
        ).all()
        return {**row.data, "links": list(links)}
