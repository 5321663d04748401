"""The year's heavy-truck lanes of the Kuytun–Dushanzi–Wusu–Huyanghe region and to Karamay.

Method (``freight/trucks/METHOD.md`` has the reasoning):

1. The year's shipments are assigned to capacitated rail–road routes (``freight.assign``).
   Every route's road links are grouped into road legs (connected chains of links) and each
   leg is put in driving order from the end nearer the shipment's origin.
2. The bulk-to-container plan (``freight.conversion``, 2025 flows) adds a drayage leg from a
   converted flow's origin to its conversion terminal, over the shortest road path; its
   tonnes grow with the year's shipments of the same origin, destination and commodity.
3. A leg is a heavy-truck lane if every node of its path lies in the region: within
   ``REGION_RADIUS_KM`` of Kuytun station, or Karamay (and its airport). Legs that leave the
   region (long haul to Urumqi, the border, Beitun) are counted as excluded.
4. Lanes are keyed by (origin, destination) in the loaded direction; trucks return empty.
   A lane's path is the one that carries most of its tonnes.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from freight.errors import FieldIssue, InputError
from freight.network.model import Network
from freight.units import haversine_km

REGION_CENTRE = "kuytun"
REGION_RADIUS_KM = 40.0
REGION_EXTRA = frozenset({"karamay", "airport_karamay"})
WINTER_MONTHS = frozenset({1, 2, 3, 11, 12})
OPERATING_DAYS_PER_MONTH = 25.0  # 300 operating days a year (SOURCES-fleet A1) / 12


@dataclass(frozen=True, slots=True)
class Lane:
    """Loaded tonnes driven by heavy trucks from ``origin`` to ``destination`` in a year."""

    id: str
    origin: str
    destination: str
    path: tuple[str, ...]  # node ids in driving order, origin .. destination
    hop_km: tuple[float, ...]  # length of each hop of ``path``
    tonnes_by_commodity: tuple[tuple[str, float], ...]
    tonnes_by_month: tuple[float, ...]  # 12 values, January first
    sources: tuple[str, ...]  # assignment | conversion

    def __post_init__(self) -> None:
        if len(self.path) < 2 or len(self.hop_km) != len(self.path) - 1:
            raise InputError(f"lane {self.id}: path needs >= 2 nodes and one length per hop")
        if any(not km > 0 for km in self.hop_km):
            raise InputError(
                f"lane {self.id}: hop lengths must be > 0",
                issues=[FieldIssue(f"lanes[{self.id}].hop_km", "<= 0")],
            )
        if len(self.tonnes_by_month) != 12 or any(t < 0 for t in self.tonnes_by_month):
            raise InputError(f"lane {self.id}: tonnes_by_month needs 12 values >= 0")

    @property
    def distance_km(self) -> float:
        return sum(self.hop_km)

    @property
    def tonnes_year(self) -> float:
        return sum(self.tonnes_by_month)

    @property
    def tonnes_winter(self) -> float:
        return sum(t for m, t in enumerate(self.tonnes_by_month, 1) if m in WINTER_MONTHS)

    @property
    def tonnes_summer(self) -> float:
        return self.tonnes_year - self.tonnes_winter

    @property
    def design_tonnes_day(self) -> float:
        """Tonnes of an operating day of the peak month (what trucks and stations are sized on)."""
        return max(self.tonnes_by_month) / OPERATING_DAYS_PER_MONTH

    def trips_day(self, payload_t: float) -> float:
        """Loaded trips on a design day with trucks of ``payload_t``."""
        return self.design_tonnes_day / payload_t

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "origin": self.origin,
            "destination": self.destination,
            "path": list(self.path),
            "distance_km": round(self.distance_km, 2),
            "tonnes_year": round(self.tonnes_year, 1),
            "tonnes_winter": round(self.tonnes_winter, 1),
            "tonnes_summer": round(self.tonnes_summer, 1),
            "tonnes_by_commodity": {c: round(t, 1) for c, t in self.tonnes_by_commodity},
            "design_tonnes_day": round(self.design_tonnes_day, 1),
            "sources": list(self.sources),
        }


@dataclass(frozen=True, slots=True)
class LaneSet:
    """The lanes of one year and what was left out (tonnes of road legs outside the region)."""

    kind: str
    year: int
    lanes: tuple[Lane, ...]
    excluded_tonnes: float
    excluded_legs: int
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "year": self.year,
            "lanes": [lane.to_dict() for lane in self.lanes],
            "excluded_tonnes": round(self.excluded_tonnes, 1),
            "excluded_legs": self.excluded_legs,
            "notes": list(self.notes),
        }


def region_nodes(net: Network) -> frozenset[str]:
    """Nodes of the heavy-truck region: near Kuytun station, plus Karamay."""
    c = net.nodes[REGION_CENTRE]
    near = {
        n.id
        for n in net.nodes.values()
        if haversine_km(c.lat, c.lon, n.lat, n.lon) <= REGION_RADIUS_KM
    }
    return frozenset(near | (REGION_EXTRA & net.nodes.keys()))


def road_legs(net: Network, link_ids: Iterable[str], origin: str) -> list[tuple[str, ...]]:
    """Split a route's road links into legs (node paths), each oriented from ``origin``'s side.

    A set of links that is not a union of simple paths (never produced by the router) raises.
    """
    adj: dict[str, list[str]] = defaultdict(list)
    for lid in link_ids:
        lk = net.links[lid]
        adj[lk.source].append(lk.target)
        adj[lk.target].append(lk.source)
    seen: set[str] = set()
    legs: list[tuple[str, ...]] = []
    o = net.nodes[origin]
    for start in sorted(adj):
        if start in seen or len(adj[start]) != 1:
            continue
        path = [start]
        seen.add(start)
        prev, cur = None, start
        while True:
            nxt = [n for n in adj[cur] if n != prev]
            if not nxt:
                break
            if len(nxt) > 1:
                raise InputError(f"road links of a route from {origin} branch at {cur}")
            prev, cur = cur, nxt[0]
            path.append(cur)
            seen.add(cur)
        a, b = net.nodes[path[0]], net.nodes[path[-1]]
        if path[-1] == origin or (
            path[0] != origin
            and haversine_km(o.lat, o.lon, b.lat, b.lon) < haversine_km(o.lat, o.lon, a.lat, a.lon)
        ):
            path.reverse()
        legs.append(tuple(path))
    if len(seen) != len(adj):
        raise InputError(f"road links of a route from {origin} form a cycle")
    return legs


def _hop_km(net: Network, path: Sequence[str]) -> tuple[float, ...]:
    g = _road_graph(net)
    return tuple(g[a][b]["length_km"] for a, b in zip(path, path[1:], strict=False))


_GRAPHS: dict[int, tuple[Network, nx.Graph]] = {}


def _road_graph(net: Network) -> nx.Graph:
    """The undirected road graph (shortest parallel link kept), cached per network object."""
    hit = _GRAPHS.get(id(net))
    if hit is not None and hit[0] is net:
        return hit[1]
    g = nx.Graph()
    for lk in net.links.values():
        if not lk.mode.is_road:
            continue
        if (
            g.has_edge(lk.source, lk.target)
            and g[lk.source][lk.target]["length_km"] <= lk.length_km
        ):
            continue
        g.add_edge(lk.source, lk.target, length_km=lk.length_km)
    _GRAPHS[id(net)] = (net, g)
    return g


def road_path(net: Network, origin: str, destination: str) -> tuple[str, ...]:
    """Shortest road path (km) between two nodes; raises if they are not road-connected."""
    try:
        return tuple(nx.shortest_path(_road_graph(net), origin, destination, weight="length_km"))
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        raise InputError(
            f"no road path from {origin} to {destination}",
            issues=[FieldIssue("destination", f"not reachable by road from {origin}")],
        ) from None


@dataclass
class _Acc:
    """Mutable accumulator of one lane while the legs are read."""

    by_commodity: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    by_month: list[float] = field(default_factory=lambda: [0.0] * 12)
    by_path: dict[tuple[str, ...], float] = field(default_factory=lambda: defaultdict(float))
    sources: set[str] = field(default_factory=set)

    def add(self, path: tuple[str, ...], commodity: str, month: int, t: float, src: str) -> None:
        self.by_commodity[commodity] += t
        self.by_month[month - 1] += t
        self.by_path[path] += t
        self.sources.add(src)


def lanes_from_legs(
    net: Network,
    year: int,
    legs: Iterable[tuple[tuple[str, ...], str, int, float, str]],
) -> LaneSet:
    """Aggregate road legs ``(path, commodity, month, tonnes, source)`` into regional lanes."""
    region = region_nodes(net)
    acc: dict[tuple[str, str], _Acc] = {}
    excluded_t = 0.0
    excluded_n = 0
    for path, commodity, month, tonnes, src in legs:
        if tonnes <= 0 or len(path) < 2:
            continue
        if not set(path) <= region:
            excluded_t += tonnes
            excluded_n += 1
            continue
        acc.setdefault((path[0], path[-1]), _Acc()).add(path, commodity, month, tonnes, src)
    lanes = []
    for (o, d), a in sorted(acc.items()):
        path = max(sorted(a.by_path), key=lambda p: a.by_path[p])
        lanes.append(
            Lane(
                id=f"{o}>{d}",
                origin=o,
                destination=d,
                path=path,
                hop_km=_hop_km(net, path),
                tonnes_by_commodity=tuple(
                    sorted((c, round(t, 3)) for c, t in a.by_commodity.items())
                ),
                tonnes_by_month=tuple(round(t, 3) for t in a.by_month),
                sources=tuple(sorted(a.sources)),
            )
        )
    notes = (
        f"region: nodes within {REGION_RADIUS_KM:.0f} km of {REGION_CENTRE} station and Karamay",
        "lanes are loaded one way; trucks return empty",
    )
    return LaneSet("heavy-truck-lanes", year, tuple(lanes), excluded_t, excluded_n, notes)


def _month(period: str) -> int:
    return int(period.split("-")[1])


def assignment_legs(
    net: Network, year: int, shipments: Sequence[Any] | None = None
) -> list[tuple[tuple[str, ...], str, int, float, str]]:
    """Road legs of the year's assigned shipments (``freight.assign``)."""
    from freight.assign import assign
    from freight.demand import load_shipments

    ships = list(load_shipments(year)) if shipments is None else list(shipments)
    res = assign(net, ships, year=year)
    out = []
    for f in res.flows:
        if not f.road_links:
            continue
        for path in road_legs(net, f.road_links, f.origin):
            out.append((path, f.commodity, _month(f.period), f.tonnes, "assignment"))
    return out


def conversion_legs(
    net: Network, year: int, shipments: Sequence[Any] | None = None
) -> list[tuple[tuple[str, ...], str, int, float, str]]:
    """Drayage legs origin -> conversion terminal of the bulk-to-container plan."""
    from freight.conversion import load_scenario, plan_conversion
    from freight.conversion.model import Mode
    from freight.demand import load_shipments

    scenario = load_scenario()
    plan = plan_conversion(scenario, time_limit_s=20)
    flows = {f.id: f for f in scenario.flows}
    growth = _od_growth(load_shipments(2025), shipments or load_shipments(year))
    out = []
    for fp in plan.flows:
        flow = flows[fp.id]
        if fp.mode is not Mode.CONTAINER_RAIL or not fp.terminal or fp.terminal == flow.origin:
            continue
        path = road_path(net, flow.origin, fp.terminal)
        g = growth.get((flow.origin, flow.destination, flow.commodity), 1.0)
        for m, share in enumerate(flow.monthly_share, 1):
            out.append((path, flow.commodity, m, fp.tonnes * share * g, "conversion"))
    return out


def _od_growth(base: Iterable[Any], year: Iterable[Any]) -> dict[tuple[str, str, str], float]:
    t0: dict[tuple[str, str, str], float] = defaultdict(float)
    t1: dict[tuple[str, str, str], float] = defaultdict(float)
    for s in base:
        t0[(s.origin, s.destination, s.commodity)] += s.tonnes
    for s in year:
        t1[(s.origin, s.destination, s.commodity)] += s.tonnes
    return {k: t1.get(k, 0.0) / v for k, v in t0.items() if v > 0}


def build_lanes(year: int, net: Network | None = None) -> LaneSet:
    """The year's heavy-truck lanes from the assignment and the conversion plan."""
    from freight.demand import load_shipments
    from freight.network.loader import default_network

    if not 2025 <= year <= 2035:
        raise InputError("year must be within 2025..2035", issues=[FieldIssue("year", str(year))])
    net = net or default_network()
    ships = load_shipments(year)
    legs = assignment_legs(net, year, ships) + conversion_legs(net, year, ships)
    return lanes_from_legs(net, year, legs)


def days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]
