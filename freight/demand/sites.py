"""Depots of the urban fleet and candidate charging sites (METHOD.md U6–U8)."""

from __future__ import annotations

from collections.abc import Iterable

from freight.demand import assumptions as A
from freight.demand.common import num, render, rng_for
from freight.demand.model import ChargingSiteCandidate, UrbanDepot
from freight.demand.urban import zone_centres
from freight.units import haversine_km

DEPOT_COLUMNS = ("id", "node_id", "lat", "lon", "open", "close", "district", "zones")
SITE_COLUMNS = (
    "id", "lat", "lon", "town", "district", "kind", "power_kw", "max_plugs", "node_id",
)  # fmt: skip
COVER_SLACK_KM = 1.5
COLD_CHAIN_DEPOT = "dep_west_coldchain"


def urban_depots() -> tuple[UrbanDepot, ...]:
    """Depots of the urban fleet and the zones each covers (assumption U6 in METHOD.md).

    A depot covers a zone of its town when it lies within ``COVER_SLACK_KM`` of the
    zone's nearest depot, so central zones have several candidate depots; the cold-chain
    hub covers every Kuytun zone (it serves the refrigerated deliveries of the city).
    """
    zones = zone_centres()
    served: dict[str, list[str]] = {d[0]: [] for d in A.DEPOTS}
    for zid, (town, lat, lon) in zones.items():
        dist = {d[0]: haversine_km(lat, lon, d[2], d[3]) for d in A.DEPOTS if d[7] == town}
        best = min(dist.values())
        for did, km in dist.items():
            if km <= best + COVER_SLACK_KM or did == COLD_CHAIN_DEPOT:
                served[did].append(zid)
    return tuple(
        UrbanDepot(did, node, lat, lon, op, cl, district, tuple(sorted(served[did])))
        for did, node, lat, lon, op, cl, district, _town in A.DEPOTS
    )


def depots_csv(depots: Iterable[UrbanDepot]) -> str:
    return render(
        DEPOT_COLUMNS,
        (
            (
                d.id,
                d.node_id,
                num(d.lat, 5),
                num(d.lon, 5),
                d.open,
                d.close,
                d.district,
                ";".join(d.zones),
            )  # fmt: skip
            for d in depots
        ),
    )


def charging_sites(seed: int = A.DEFAULT_SEED) -> tuple[ChargingSiteCandidate, ...]:
    """Candidate charging sites: one at each depot plus jittered sites around the anchors."""
    out: list[ChargingSiteCandidate] = []
    for did, node, lat, lon, _o, _c, district, town in A.DEPOTS:
        out.append(
            ChargingSiteCandidate(
                f"cs_{did}",
                lat,
                lon,
                town,
                district,
                "depot",
                A.DEPOT_CHARGER_KW,
                A.DEPOT_MAX_PLUGS,
                node,
            )  # fmt: skip
        )
    rng = rng_for(seed, "charging_sites")
    depot_nodes = [(d[1], d[2], d[3]) for d in A.DEPOTS]
    for district, town, lat0, lon0, n, kind, kw, plugs in A.SITE_ANCHORS:
        slug = district.lower().replace(" ", "_")
        for k in range(n):
            lat = round(lat0 + rng.uniform(-0.012, 0.012), 5)
            lon = round(lon0 + rng.uniform(-0.016, 0.016), 5)
            near = min(depot_nodes, key=lambda d: haversine_km(lat, lon, d[1], d[2]))
            node = near[0] if haversine_km(lat, lon, near[1], near[2]) <= 3.0 else ""
            out.append(
                ChargingSiteCandidate(
                    f"cs_{slug}_{kind}_{k + 1}", lat, lon, town, district, kind, kw, plugs, node
                )
            )
    return tuple(out)


def charging_sites_csv(sites: Iterable[ChargingSiteCandidate]) -> str:
    return render(
        SITE_COLUMNS,
        (
            (
                s.id,
                num(s.lat, 5),
                num(s.lon, 5),
                s.town,
                s.district,
                s.kind,
                num(s.power_kw, 1),
                str(s.max_plugs),
                s.node_id,
            )  # fmt: skip
            for s in sites
        ),
    )
