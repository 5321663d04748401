"""Cross-checks on random small networks: networkx shortest paths and exhaustive search."""

from __future__ import annotations

import math
from datetime import datetime

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freight.errors import InputError
from freight.network.model import CargoForm, NodeKind
from freight.routing import Cargo, Objective, RouteRequest, Unit, find_routes
from freight.routing.verify import check_alternative
from tests.freight.routing.helpers import network, node, rail, road, service

MONDAY_08 = datetime(2025, 3, 3, 8, 0)
Q_T = 50.0  # tonnes
ROAD_KM, ROAD_FIX, ROAD_G = 0.40 * Q_T, 5.0 * Q_T, 60.0 * Q_T / 1000
RAIL_KM, RAIL_FIX, RAIL_G = 0.15 * Q_T, 20.0 * Q_T, 10.0 * Q_T / 1000
XFER_CNY, XFER_H = 10.0 * Q_T, 2.0


@st.composite
def random_net(draw):
    n = draw(st.integers(4, 7))
    is_station = [draw(st.booleans()) for _ in range(n)]
    nodes = [
        node(f"n{i}", NodeKind.FREIGHT_STATION if is_station[i] else NodeKind.INDUSTRIAL_PARK,
             rail=is_station[i])
        for i in range(n)
    ]  # fmt: skip
    links = []
    for i in range(n):
        for j in range(i + 1, n):
            if draw(st.integers(0, 2)) == 0:
                links.append(road(f"r{i}_{j}", f"n{i}", f"n{j}", draw(st.integers(5, 300))))
    stations = [f"n{i}" for i in range(n) if is_station[i]]
    services = []
    if len(stations) >= 2:
        for k in range(draw(st.integers(0, 2))):
            stops = draw(st.permutations(stations))[: draw(st.integers(2, len(stations)))]
            offs = [0.0]
            for a, b in zip(stops, stops[1:], strict=False):
                km = draw(st.integers(20, 400))
                lid = f"l{k}_{a}_{b}"
                links.append(rail(lid, a, b, km))
                offs.append(offs[-1] + km / 60.0)
            days = draw(st.sets(st.integers(0, 6), min_size=1))
            dep = f"{draw(st.integers(0, 23)):02d}:00"
            services.append(service(f"s{k}", tuple(stops), tuple(offs), depart=dep, weekdays=days))
    return network(nodes, links, services), n


def _pareto(points):
    pts = sorted(set(points))
    out = []
    for p in pts:
        if not any(
            q != p and q[0] <= p[0] + 1e-6 and q[1] <= p[1] + 1e-6 and q[2] <= p[2] + 1e-6
            for q in pts
        ):
            out.append(p)
    return out


def _brute(net, origin, dest):
    """Enumerate every simple path of (node, state) and return the (cost, hours, co2) front."""
    results = []
    road_adj: dict[str, list] = {}
    for lk in net.links.values():
        if lk.mode.is_road:
            road_adj.setdefault(lk.source, []).append((lk.target, lk.length_km))
            road_adj.setdefault(lk.target, []).append((lk.source, lk.length_km))
    # rail km between stops: the only rail links are the per-service ones (shortest if dup)
    g = nx.Graph()
    for lk in net.links.values():
        if lk.mode.is_rail:
            if g.has_edge(lk.source, lk.target):
                g[lk.source][lk.target]["w"] = min(g[lk.source][lk.target]["w"], lk.length_km)
            else:
                g.add_edge(lk.source, lk.target, w=lk.length_km)
    t0 = 8 * 60.0

    def next_dep(svc, i, t):
        base = svc.depart_min + svc.offsets_h[i] * 60
        for day in range(0, 40):
            dep = day * 1440 + base
            if dep >= t - 1e-9 and day % 7 in svc.weekdays:
                return dep
        return math.inf

    def dfs(u, where, t, cost, co2, seen):
        if u == dest and (where == "road" or net.nodes[u].rail_access):
            results.append((round(cost, 4), round((t - t0) / 60, 4), round(co2, 4)))
            return
        if where == "road":
            for v, km in road_adj.get(u, ()):
                if (v, "road") not in seen:
                    dfs(v, "road", t + km, cost + ROAD_KM * km, co2 + ROAD_G * km,
                        seen | {(v, "road")})  # fmt: skip
            if net.nodes[u].rail_access and u != origin and (u, "yard") not in seen:
                dfs(u, "yard", t + XFER_H * 60, cost + XFER_CNY, co2, seen | {(u, "yard")})
            return
        if where == "wagon":
            if (u, "road") not in seen:
                dfs(u, "road", t + XFER_H * 60, cost + XFER_CNY + ROAD_FIX, co2,
                    seen | {(u, "road")})  # fmt: skip
            if (u, "yard") not in seen:
                dfs(u, "yard", t + XFER_H * 60, cost + XFER_CNY, co2, seen | {(u, "yard")})
            return
        for svc in net.services.values():
            if u not in svc.route[:-1]:
                continue
            i = svc.route.index(u)
            dep = next_dep(svc, i, t)
            km = 0.0
            for j in range(i + 1, len(svc.route)):
                a, b = svc.route[j - 1], svc.route[j]
                km += nx.shortest_path_length(g, a, b, weight="w")
                v = svc.route[j]
                if (v, "wagon") in seen:
                    continue
                arr = dep - svc.offsets_h[i] * 60 + svc.offsets_h[j] * 60
                dfs(v, "wagon", arr, cost + RAIL_FIX + RAIL_KM * km, co2 + RAIL_G * km,
                    seen | {(v, "wagon")})  # fmt: skip

    dfs(origin, "road", t0, ROAD_FIX, 0.0, {(origin, "road")})
    if net.nodes[origin].rail_access:
        dfs(origin, "yard", t0, 0.0, 0.0, {(origin, "yard")})
    return _pareto(results)


def _req(origin, dest, **kw):
    return RouteRequest(
        origin, dest, Cargo("general", CargoForm.GENERAL, Q_T, Unit.T), MONDAY_08, **kw
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_net())
def test_pareto_front_matches_exhaustive_search(case) -> None:
    net, n = case
    origin, dest = "n0", f"n{n - 1}"
    want = _brute(net, origin, dest)
    try:
        res = find_routes(net, _req(origin, dest, alternatives=10))
    except InputError as exc:  # no route: brute force must agree
        assert not want, exc
        return
    for alt in res.alternatives:
        assert check_alternative(net, res.request, alt) == []
    got = sorted((round(a.cost_cny, 4), round(a.hours, 4), round(a.co2_kg, 4))
                 for a in res.alternatives)  # fmt: skip
    assert res.pareto_size == len(want)
    if len(want) <= 10:
        assert len(got) == len(want)
        for g, w in zip(got, sorted(want), strict=True):
            assert all(
                math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-3) for x, y in zip(g, w, strict=True)
            )


@settings(max_examples=60, deadline=None)
@given(random_net())
def test_road_only_cost_equals_networkx_dijkstra(case) -> None:
    net, n = case
    g = nx.Graph()
    for lk in net.links.values():
        if lk.mode.is_road:
            g.add_edge(lk.source, lk.target, w=lk.length_km)
    origin, dest = "n0", f"n{n - 1}"
    try:
        km = nx.shortest_path_length(g, origin, dest, weight="w")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        km = None
    req = _req(origin, dest, avoid_modes=frozenset({"rail"}), objective=Objective.COST)
    if km is None:
        try:
            find_routes(net, req)
        except InputError:
            return
        raise AssertionError("router found a road route networkx did not")
    best = find_routes(net, req).alternatives[0]
    assert math.isclose(best.cost_cny, ROAD_FIX + ROAD_KM * km, rel_tol=1e-9)
    assert math.isclose(best.distance_km, km, rel_tol=1e-9)
