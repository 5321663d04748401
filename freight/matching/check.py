"""Independent checker of a matching round's plan.

It shares no code with the solvers beyond the domain objects and the handling minutes:
it reads the network's links itself, applies the dangerous-goods corridor rule itself,
and times every drive with its own time-dependent Dijkstra (waiting out daily entry bans,
departing at any instant, so it is a lower bound of the solvers' mark-based timing). A
plan passes when every load is carried by a compatible truck within capacity, every pickup
and delivery lies in its window and is not earlier than the network allows, loaded hazmat
legs have a route on dangerous-goods links, km are not below the shortest road km, bev
trucks stay within range, loads and trucks are used at most once, no declined pair is
proposed, and the totals add up.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from freight.matching.instance import LOAD_MIN, UNLOAD_MIN
from freight.matching.model import (
    HAZMAT_PERMIT,
    Assignment,
    Load,
    MatchingResult,
    Powertrain,
    Vehicle,
    VehicleKind,
)
from freight.network.model import CargoForm, LinkMode, Network, NodeKind
from freight.routing.model import Unit

_OK_KINDS = {
    CargoForm.CONTAINER: {VehicleKind.CONTAINER_TRUCK},
    CargoForm.BULK: {VehicleKind.BULK_TRUCK},
    CargoForm.GENERAL: {VehicleKind.FLATBED, VehicleKind.VAN},
    CargoForm.HAZMAT: {VehicleKind.TANKER},
    CargoForm.REEFER: {VehicleKind.REEFER},
}
_OUTSIDE = {
    NodeKind.CITY,
    NodeKind.BORDER_PORT,
    NodeKind.RAIL_GATEWAY,
    NodeKind.FOREIGN_DESTINATION,
}
_TOL_MIN = 1e-3
_TOL_KM = 1e-3

Adj = dict[str, list[tuple[str, float, float, tuple[tuple[int, int], ...]]]]


class RoadGraph:
    """Road adjacency (all roads, and those open to dangerous goods) of a network."""

    def __init__(self, network: Network) -> None:
        self.all: Adj = {}
        self.hazmat: Adj = {}
        for link in network.links.values():
            if not link.mode.is_road:
                continue
            a, b = network.nodes[link.source], network.nodes[link.target]
            urban = link.mode is LinkMode.ROAD_URBAN or (
                a.kind not in _OUTSIDE and b.kind not in _OUTSIDE
            )
            bans = tuple((x.start_min, x.end_min) for x in link.truck_bans)
            ends = [(a.id, b.id)] + ([] if link.oneway else [(b.id, a.id)])
            for u, v in ends:
                arc = (v, link.length_km, link.length_km / link.speed_kmh * 60.0, bans)
                self.all.setdefault(u, []).append(arc)
                if link.hazmat or not urban:
                    self.hazmat.setdefault(u, []).append(arc)
        self._km: dict[tuple[bool, str], dict[str, float]] = {}

    def earliest(self, hazmat: bool, a: str, b: str, t: datetime) -> datetime | None:
        """Earliest arrival at ``b`` leaving ``a`` at ``t``, waiting out bans (None: no road)."""
        if a == b:
            return t
        adj = self.hazmat if hazmat else self.all
        local = t.astimezone(_BEIJING)
        base = local.replace(hour=0, minute=0, second=0, microsecond=0)
        t0 = (local - base).total_seconds() / 60.0
        best = {a: t0}
        heap = [(t0, a)]
        while heap:
            m, u = heapq.heappop(heap)
            if u == b:
                return base + timedelta(minutes=m)
            if m > best[u]:
                continue
            for v, _, minutes, bans in adj.get(u, ()):
                go = m + _wait(m, bans)
                arr = go + minutes
                if arr < best.get(v, math.inf):
                    best[v] = arr
                    heapq.heappush(heap, (arr, v))
        return None

    def shortest_km(self, hazmat: bool, a: str, b: str) -> float:
        key = (hazmat, a)
        dist = self._km.get(key)
        if dist is None:
            adj = self.hazmat if hazmat else self.all
            dist = {a: 0.0}
            heap = [(0.0, a)]
            while heap:
                d, u = heapq.heappop(heap)
                if d > dist[u]:
                    continue
                for v, km, _, _ in adj.get(u, ()):
                    if d + km < dist.get(v, math.inf):
                        dist[v] = d + km
                        heapq.heappush(heap, (d + km, v))
            self._km[key] = dist
        return dist.get(b, math.inf)


_BEIJING = timezone(timedelta(hours=8))


def _wait(m: float, bans: tuple[tuple[int, int], ...]) -> float:
    w = 0.0
    for _ in range(3):
        x = (m + w) % 1440.0
        moved = False
        for s, e in bans:
            if (s <= x < e) if s <= e else (x >= s or x < e):
                w += (e - x) % 1440.0
                moved = True
        if not moved:
            break
    return w


def _tonnes(network: Network, load: Load) -> float:
    c = load.cargo
    return c.quantity * network.costs.teu_to_t(c.commodity) if c.unit is Unit.TEU else c.quantity


def _carry_issue(network: Network, v: Vehicle, load: Load) -> str | None:
    form = load.cargo.form
    if v.kind not in _OK_KINDS[form]:
        return f"a {v.kind} may not carry {form} cargo"
    if form is CargoForm.HAZMAT and HAZMAT_PERMIT not in v.permits:
        return "hazmat without a hazmat permit"
    if _tonnes(network, load) > v.capacity_t + 1e-9:
        return f"{_tonnes(network, load):g} t over capacity {v.capacity_t:g} t"
    if load.cargo.unit is Unit.TEU:
        slots = v.capacity_teu if v.capacity_teu is not None else 2
        if load.cargo.quantity > slots:
            return f"{load.cargo.quantity:g} TEU over {slots} TEU"
    return None


def check_result(
    network: Network,
    vehicles: Sequence[Vehicle],
    loads: Sequence[Load],
    result: MatchingResult,
    declined: frozenset[tuple[str, str]] = frozenset(),
    graph: RoadGraph | None = None,
) -> list[str]:
    """Every violation of the plan, as readable lines (empty: the plan is feasible)."""
    g = graph or RoadGraph(network)
    vs = {v.id: v for v in vehicles}
    ls = {x.id: x for x in loads}
    errors: list[str] = []
    seen_v: set[str] = set()
    seen_l: set[str] = set()
    for a in result.assignments:
        v = vs.get(a.vehicle)
        if v is None:
            errors.append(f"{a.id}: unknown vehicle {a.vehicle}")
            continue
        if a.vehicle in seen_v:
            errors.append(f"{a.id}: vehicle {a.vehicle} used twice")
        seen_v.add(a.vehicle)
        if tuple(p.load for p in a.plan) != tuple(a.loads):
            errors.append(f"{a.id}: plan order differs from loads")
        errors += _check_chain(network, g, v, ls, a, declined, seen_l)
    unmatched = {u.load for u in result.unmatched}
    if unmatched & seen_l:
        errors.append(f"loads both matched and unmatched: {sorted(unmatched & seen_l)[:5]}")
    if (unmatched | seen_l) != set(ls):
        errors.append("matched plus unmatched loads differ from the round's loads")
    k = result.kpis
    if k.matched != len(seen_l) or k.loads != len(ls):
        errors.append(f"kpis count {k.matched}/{k.loads}, plan has {len(seen_l)}/{len(ls)}")
    if abs(k.empty_km - sum(a.empty_km for a in result.assignments)) > 0.01 * max(
        1, len(result.assignments)
    ):
        errors.append("kpis empty_km is not the sum over assignments")
    return errors


def _check_chain(
    network: Network,
    g: RoadGraph,
    v: Vehicle,
    ls: dict[str, Load],
    a: Assignment,
    declined: frozenset[tuple[str, str]],
    seen_l: set[str],
) -> list[str]:
    errors: list[str] = []
    where, free, km_used = v.location, v.available_from, 0.0
    tot_e = tot_l = 0.0
    for p in a.plan:
        tag = f"{a.id}/{p.load}"
        load = ls.get(p.load)
        if load is None:
            errors.append(f"{tag}: unknown load")
            continue
        if p.load in seen_l:
            errors.append(f"{tag}: load carried twice")
        seen_l.add(p.load)
        if (v.id, load.id) in declined:
            errors.append(f"{tag}: pair was declined")
        why = _carry_issue(network, v, load)
        if why:
            errors.append(f"{tag}: {why}")
        reach = g.earliest(False, where, load.origin, free)
        if reach is None or p.pickup_at < reach - timedelta(minutes=_TOL_MIN):
            errors.append(f"{tag}: pickup {p.pickup_at} before the truck can be there ({reach})")
        if not load.pickup_from <= p.pickup_at <= load.pickup_until:
            errors.append(f"{tag}: pickup {p.pickup_at} outside the pickup window")
        haz = load.cargo.form is CargoForm.HAZMAT
        arrive = g.earliest(
            haz, load.origin, load.destination, p.pickup_at + timedelta(minutes=LOAD_MIN)
        )
        if arrive is None:
            errors.append(f"{tag}: no {'dangerous-goods ' if haz else ''}road route")
        elif p.deliver_at < arrive - timedelta(minutes=_TOL_MIN):
            errors.append(
                f"{tag}: delivery {p.deliver_at} faster than the network allows ({arrive})"
            )
        if p.deliver_at > load.deliver_by or p.deliver_at > v.available_until:
            errors.append(f"{tag}: delivery {p.deliver_at} after deliver_by or truck availability")
        if p.empty_km < g.shortest_km(False, where, load.origin) - _TOL_KM:
            errors.append(f"{tag}: empty_km {p.empty_km} below the shortest road km")
        if p.loaded_km < g.shortest_km(haz, load.origin, load.destination) - _TOL_KM:
            errors.append(f"{tag}: loaded_km {p.loaded_km} below the shortest road km")
        km_used += p.empty_km + p.loaded_km
        tot_e += p.empty_km
        tot_l += p.loaded_km
        where, free = load.destination, p.deliver_at + timedelta(minutes=UNLOAD_MIN)
    if v.powertrain is Powertrain.BEV and v.range_km is not None and km_used > v.range_km + _TOL_KM:
        errors.append(f"{a.id}: {km_used:.1f} km beyond the bev range {v.range_km:g} km")
    if abs(tot_e - a.empty_km) > 0.01 or abs(tot_l - a.loaded_km) > 0.01:
        errors.append(f"{a.id}: totals do not add up")
    return errors
