"""Piggyback (驮背) and drop-and-hook (甩挂) in route queries, on hand-checkable networks."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freight.errors import InputError
from freight.network.model import (
    DROP_AND_HOOK,
    PIGGYBACK_RAMP,
    CargoForm,
    Network,
    NodeKind,
    RailService,
    TerminalOption,
)
from freight.network.years import default_network_for_year
from freight.routing import Cargo, RouteRequest, RoutingIndex, Unit, find_routes
from freight.routing.index import RULE_HAZMAT_RAIL, RULE_PIGGYBACK
from freight.routing.model import PIGGYBACK_MODE, Alternative
from freight.routing.verify import check_alternative
from tests.freight.routing.helpers import (
    ALL_FORMS,
    TRAILER,
    costs,
    network,
    node,
    piggyback_corridor,
    rail,
    ramp,
    road,
)

MONDAY_8 = datetime(2026, 3, 2, 8, 0)


def query(form: str = "general", commodity: str = "general", **kw) -> RouteRequest:
    kw.setdefault("alternatives", 10)
    return RouteRequest("p", "d", Cargo(commodity, CargoForm(form), 60, Unit.T), MONDAY_8, **kw)


def by_hand_cheapest(net: Network, tonnes: float) -> tuple[float, str]:
    """The three itineraries of ``piggyback_corridor``'s docstring, priced from the data."""
    road_mc, rail_mc = (
        net.costs.mode_cost("road", CargoForm.GENERAL),
        costs().modes[("rail", CargoForm.GENERAL)],
    )
    h = net.nodes["a"].handling.cost_cny_per_t
    trailers = -(-tonnes // TRAILER.trailer_payload_t)

    def by_road(km: float) -> float:
        return tonnes * (road_mc.fixed_cny_per_t + road_mc.cost_cny_per_tkm * km)

    options = {
        "road": by_road(520),
        "rail": by_road(20) + 2 * h * tonnes
        + tonnes * (rail_mc.fixed_cny_per_t + rail_mc.cost_cny_per_tkm * 500) + by_road(30),
        "piggyback": by_road(20) + 2 * 150 * trailers
        + trailers * (TRAILER.fixed_cny_per_trailer + TRAILER.cost_cny_per_trailer_km * 500)
        + by_road(30),
    }  # fmt: skip
    best = min(options, key=lambda k: options[k])
    return options[best], best


def _modes(alt: Alternative) -> list[str]:
    return [leg.mode for leg in alt.legs]


def test_piggyback_wins_and_equals_the_hand_computed_cheapest():
    net = piggyback_corridor()
    req = query()
    res = find_routes(net, req)
    best = res.alternatives[0]
    assert not check_alternative(net, req, best)
    cost, kind = by_hand_cheapest(net, 60)
    assert kind == "piggyback" and cost == pytest.approx(7000.0)
    assert best.cost_cny == pytest.approx(cost)
    assert _modes(best) == ["road", PIGGYBACK_MODE, "road"]
    assert best.multimodal_forms == ("piggyback",)
    assert [t.kind for t in best.transfers] == ["road->piggyback", "piggyback->road"]
    assert best.hours == pytest.approx(13.5)
    leg = best.legs[1]
    assert leg.trailers == 2 and leg.cost_cny == pytest.approx(2 * 300 + 2 * 4 * 500)
    assert leg.co2_kg == pytest.approx(2 * 300 * 500 / 1000)
    # the piggyback route dominates the wagon route (cheaper, faster, same CO2)
    assert not any("rail" in _modes(a) for a in res.alternatives)
    d = best.to_dict()
    assert d["multimodal_forms"] == ["piggyback"] and d["legs"][1]["trailers"] == 2
    assert d["transfers"][0]["kind"] == "road->piggyback"


def test_avoiding_piggyback_leaves_the_wagon_route_at_its_hand_computed_cost():
    net = piggyback_corridor()
    req = query(avoid_modes=frozenset({PIGGYBACK_MODE}))
    best = find_routes(net, req).alternatives[0]
    assert _modes(best) == ["road", "rail", "road"]
    assert best.cost_cny == pytest.approx(8700.0)
    assert best.hours == pytest.approx(38.5)
    # avoiding rail avoids every train, piggyback included
    only_road = find_routes(net, query(avoid_modes=frozenset({"rail"})))
    assert all(_modes(a) == ["road"] for a in only_road.alternatives)


def test_a_full_piggyback_train_is_skipped_for_the_next_run():
    from freight.routing.index import CapacityLedger

    net = piggyback_corridor()
    ledger = CapacityLedger()
    run = MONDAY_8.date()
    ledger.book(net.services["pb1"], run, 1170.0, 0.0, trailers=39.0)  # one slot left
    best = find_routes(net, query(), ledger).alternatives[0]
    assert PIGGYBACK_MODE in _modes(best)
    assert best.legs[1].depart.date() > run  # 2 trailers do not fit Monday's run


def test_bulk_never_rides_piggyback():
    net = piggyback_corridor()
    res = find_routes(net, query("bulk", "coal"))
    assert res.alternatives
    assert all(PIGGYBACK_MODE not in _modes(a) for a in res.alternatives)
    assert res.pruned.get(RULE_PIGGYBACK, 0) >= 1
    assert RULE_PIGGYBACK in res.rules_applied


def test_dangerous_goods_roll_on_only_where_the_rules_load_them_to_rail():
    # A is an ordinary city station: hazmat may not be loaded to rail there, ramp or not
    net = piggyback_corridor()
    res = find_routes(net, query("hazmat", "tdi"))
    assert all(PIGGYBACK_MODE not in _modes(a) for a in res.alternatives)
    assert res.pruned.get(RULE_HAZMAT_RAIL, 0) >= 1
    # from the dangerous-goods station to a terminal outside the city: the rules allow it
    net = piggyback_corridor("kuytun_hazmat", NodeKind.HAZMAT_STATION, b_kind=NodeKind.CITY)
    best = find_routes(net, query("hazmat", "tdi")).alternatives[0]
    assert PIGGYBACK_MODE in _modes(best)
    # ... unless the ramp does not list dangerous goods
    net = replace(net, options=(ramp("kuytun_hazmat", {CargoForm.GENERAL}), ramp("b")))
    res = find_routes(net, query("hazmat", "tdi"))
    assert all(PIGGYBACK_MODE not in _modes(a) for a in res.alternatives)


def test_avoiding_rail_avoids_piggyback_too():
    net = piggyback_corridor()
    net = replace(net, links={k: v for k, v in net.links.items() if k != "r_pd"})
    req = query(avoid_modes=frozenset({PIGGYBACK_MODE, "road_expressway"}))
    assert find_routes(net, req).alternatives  # wagons still go
    with pytest.raises(InputError):
        find_routes(net, query(avoid_modes=frozenset({"rail"})))


@pytest.mark.parametrize("saved_h", [0.5, 1.25])
def test_drop_and_hook_shortens_the_transfer_by_exactly_the_configured_hours(saved_h):
    dnh = TerminalOption("b", DROP_AND_HOOK, saved_h, 20.0, 100.0, frozenset(ALL_FORMS))
    plain = piggyback_corridor()
    swap = piggyback_corridor(options=(dnh,))
    req = query(objective="time", avoid_modes=frozenset({PIGGYBACK_MODE}))
    before = find_routes(plain, req).alternatives[0]
    after = find_routes(swap, req).alternatives[0]
    assert not check_alternative(swap, req, after)
    (x0,) = [t for t in before.transfers if t.terminal == "b"]
    (x1,) = [t for t in after.transfers if t.terminal == "b"]
    assert not x0.drop_and_hook and x1.drop_and_hook
    assert x0.hours - x1.hours == pytest.approx(saved_h)
    assert (before.arrive - after.arrive).total_seconds() / 3600 == pytest.approx(saved_h)
    # cost: swap fee per trailer, less half the road leg's fixed charge (tractor time)
    assert x1.tractor_saved_cny == pytest.approx(0.5 * 5 * 60)
    assert x1.cost_cny == pytest.approx(x0.cost_cny + 20.0 * 2 - 0.5 * 5 * 60)
    assert after.multimodal_forms == ("drop_and_hook",)


def test_drop_and_hook_is_an_option_a_small_consignment_may_decline():
    """3 t in one trailer, swap fee 200 CNY at B: the swap saves 0.5 * 5 * 3 = 7.5 CNY of
    tractor time and 1 h. Wagon route without the swap 435 CNY (39 + 30 + 285 + 30 + 51),
    with it 627.5 CNY and 1 h earlier; all-road 639 CNY: three Pareto routes."""
    dnh = TerminalOption("b", DROP_AND_HOOK, 1.0, 200.0, 100.0, frozenset(ALL_FORMS))
    net = piggyback_corridor(options=(dnh,))
    cargo = Cargo("general", CargoForm.GENERAL, 3, Unit.T)
    req = RouteRequest(
        "p", "d", cargo, MONDAY_8, alternatives=10, avoid_modes=frozenset({PIGGYBACK_MODE})
    )
    res = find_routes(net, req)
    cheapest = res.alternatives[0]
    assert cheapest.cost_cny == pytest.approx(435.0)
    assert not any(t.drop_and_hook for t in cheapest.transfers)
    swapped = [a for a in res.alternatives if a.multimodal_forms == ("drop_and_hook",)]
    assert len(swapped) == 1
    assert swapped[0].cost_cny - cheapest.cost_cny == pytest.approx(200.0 - 7.5)
    assert (cheapest.arrive - swapped[0].arrive).total_seconds() == pytest.approx(3600.0)
    assert res.pareto_size == 3


def test_piggyback_exists_only_from_the_year_its_ramps_and_trains_do():
    req = RouteRequest(
        "hub_west_coldchain", "urumqi", Cargo("cold_food", CargoForm.REEFER, 30, Unit.T),
        datetime(2030, 3, 4, 8, 0), alternatives=10,
    )  # fmt: skip
    before = default_network_for_year(2029)
    after = default_network_for_year(2030)
    assert not [o for o in before.options if o.option == PIGGYBACK_RAMP]
    res_before = find_routes(RoutingIndex(before), req)
    assert all(PIGGYBACK_MODE not in _modes(a) for a in res_before.alternatives)
    res_after = find_routes(RoutingIndex(after), req)
    pb = [a for a in res_after.alternatives if PIGGYBACK_MODE in _modes(a)]
    assert pb, [(_modes(a), a.cost_cny) for a in res_after.alternatives]
    assert not check_alternative(after, req, pb[0])


# --- exhaustive cross-check on random small networks ------------------------------------

Q_T = 50.0  # tonnes: 2 trailers of 30 t
N_TR = 2
ROAD_KM, ROAD_FIX, ROAD_G = 0.40 * Q_T, 5.0 * Q_T, 60.0 * Q_T / 1000
RAIL_KM, RAIL_FIX, RAIL_G = 0.15 * Q_T, 20.0 * Q_T, 10.0 * Q_T / 1000
PB_KM, PB_FIX, PB_G = 4.0 * N_TR, 300.0 * N_TR, 300.0 * N_TR / 1000
XFER_CNY, XFER_H = 10.0 * Q_T, 2.0
RAMP_CNY, RAMP_H = 150.0 * N_TR, 1.0
SWAP_FEE, TRACTOR_SAVED = 20.0 * N_TR, 0.5 * ROAD_FIX


@st.composite
def random_trailer_net(draw):
    """4–6 nodes, random roads, 1–2 services (each maybe piggyback), random ramps and
    drop-and-hook terminals among the stations."""
    n = draw(st.integers(4, 6))
    station = [draw(st.booleans()) for _ in range(n)]
    nodes = [
        node(f"n{i}", NodeKind.FREIGHT_STATION if station[i] else NodeKind.INDUSTRIAL_PARK,
             rail=station[i])
        for i in range(n)
    ]  # fmt: skip
    links = [
        road(f"r{i}_{j}", f"n{i}", f"n{j}", draw(st.integers(5, 300)))
        for i in range(n)
        for j in range(i + 1, n)
        if draw(st.integers(0, 2)) == 0
    ]
    stations = [f"n{i}" for i in range(n) if station[i]]
    services = []
    options: list[TerminalOption] = []
    if len(stations) >= 2:
        for k in range(draw(st.integers(1, 2))):
            stops = draw(st.permutations(stations))[: draw(st.integers(2, len(stations)))]
            offs = [0.0]
            for a, b in zip(stops, stops[1:], strict=False):
                km = draw(st.integers(20, 400))
                links.append(rail(f"l{k}_{a}_{b}", a, b, km))
                offs.append(offs[-1] + km / 60.0)
            days = frozenset(draw(st.sets(st.integers(0, 6), min_size=1)))
            dep = draw(st.integers(0, 23)) * 60
            pb = draw(st.booleans())
            services.append(
                RailService(
                    f"s{k}", f"s{k}", tuple(stops), days, dep, tuple(offs), 100.0, 3000.0,
                    ALL_FORMS, kind="piggyback" if pb else "regional",
                    capacity_trailers=40.0 if pb else 0.0,
                )
            )  # fmt: skip
        for s in stations:
            if draw(st.booleans()):
                options.append(ramp(s))
            if draw(st.booleans()):
                saved = draw(st.sampled_from([0.5, 1.0, 2.0]))
                options.append(
                    TerminalOption(s, DROP_AND_HOOK, saved, 20.0, 100.0, frozenset(ALL_FORMS))
                )
    net = network(nodes, links, services)
    return replace(net, costs=replace(net.costs, trailer=TRAILER), options=tuple(options)), n


def _pareto(points):
    pts = sorted(set(points))
    return [
        p for p in pts
        if not any(q != p and all(q[k] <= p[k] + 1e-6 for k in range(3)) for q in pts)
    ]  # fmt: skip


def _brute_trailers(net: Network, origin: str, dest: str) -> list[tuple[float, float, float]]:
    """Every simple path over (node, state), trailer states included: the Pareto front."""
    import networkx as nx

    road_adj: dict[str, list[tuple[str, float]]] = {}
    for lk in net.links.values():
        if lk.mode.is_road:
            road_adj.setdefault(lk.source, []).append((lk.target, lk.length_km))
            road_adj.setdefault(lk.target, []).append((lk.source, lk.length_km))
    g = nx.Graph()
    for lk in net.links.values():
        if lk.mode.is_rail:
            w = min(lk.length_km, g[lk.source][lk.target]["w"]) if g.has_edge(
                lk.source, lk.target) else lk.length_km  # fmt: skip
            g.add_edge(lk.source, lk.target, w=w)
    ramps = {o.node for o in net.options if o.option == PIGGYBACK_RAMP}
    swap = {o.node: o.hours for o in net.options if o.option == DROP_AND_HOOK}
    t0 = 8 * 60.0
    out: list[tuple[float, float, float]] = []

    def next_dep(svc, i, t):
        base = svc.depart_min + svc.offsets_h[i] * 60
        for day in range(40):
            if day * 1440 + base >= t - 1e-9 and day % 7 in svc.weekdays:
                return day * 1440 + base
        return math.inf

    def rides(u, t, cost, co2, seen, piggy):
        for svc in net.services.values():
            if svc.is_piggyback != piggy or u not in svc.route[:-1]:
                continue
            if piggy and u not in ramps:
                continue
            i = svc.route.index(u)
            dep = next_dep(svc, i, t)
            km = 0.0
            for j in range(i + 1, len(svc.route)):
                km += nx.shortest_path_length(g, svc.route[j - 1], svc.route[j], weight="w")
                v = svc.route[j]
                state = "pbwagon" if piggy else "wagon"
                if (v, state) in seen or (piggy and v not in ramps):
                    continue
                arr = dep + (svc.offsets_h[j] - svc.offsets_h[i]) * 60
                fix, per_km, g_km = (PB_FIX, PB_KM, PB_G) if piggy else (RAIL_FIX, RAIL_KM, RAIL_G)
                dfs(v, state, arr, cost + fix + per_km * km, co2 + g_km * km, seen | {(v, state)})

    def go(u, state, t, cost, co2, seen):
        if (u, state) not in seen:
            dfs(u, state, t, cost, co2, seen | {(u, state)})

    def dfs(u, where, t, cost, co2, seen):
        on_rail = where in ("yard", "wagon") and net.nodes[u].rail_access
        if u == dest and (where in ("road", "new") or on_rail):
            out.append((round(cost, 4), round((t - t0) / 60, 4), round(co2, 4)))
            return
        if where in ("road", "new"):  # "new": no road link driven yet, fixed charge due
            fix = ROAD_FIX if where == "new" else 0.0
            for v, km in road_adj.get(u, ()):
                go(v, "road", t + km, cost + fix + ROAD_KM * km, co2 + ROAD_G * km, seen)
            if u in ramps:
                go(u, "pbyard", t + RAMP_H * 60, cost + RAMP_CNY, co2, seen)
            if net.nodes[u].rail_access and u != origin:
                go(u, "yard", t + XFER_H * 60, cost + XFER_CNY, co2, seen)
                if u in swap:
                    h = max(XFER_H - swap[u], 0.0)
                    go(u, "yard", t + h * 60, cost + XFER_CNY + SWAP_FEE - TRACTOR_SAVED, co2,
                       seen)  # fmt: skip
        elif where == "wagon":
            go(u, "new", t + XFER_H * 60, cost + XFER_CNY, co2, seen)
            if u in swap:
                h = max(XFER_H - swap[u], 0.0)
                go(u, "new", t + h * 60, cost + XFER_CNY + SWAP_FEE - TRACTOR_SAVED, co2, seen)
            go(u, "yard", t + XFER_H * 60, cost + XFER_CNY, co2, seen)
        elif where == "pbwagon":
            go(u, "new", t + RAMP_H * 60, cost + RAMP_CNY, co2, seen)
            go(u, "pbyard", t + 2 * RAMP_H * 60, cost + 2 * RAMP_CNY, co2, seen)
        elif where == "yard":
            rides(u, t, cost, co2, seen, piggy=False)
        else:  # pbyard
            rides(u, t, cost, co2, seen, piggy=True)

    dfs(origin, "new", t0, 0.0, 0.0, {(origin, "new")})
    if net.nodes[origin].rail_access:
        dfs(origin, "yard", t0, 0.0, 0.0, {(origin, "yard")})
    return _pareto(out)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_trailer_net())
def test_trailer_pareto_front_matches_exhaustive_search(case) -> None:
    net, n = case
    origin, dest = "n0", f"n{n - 1}"
    want = _brute_trailers(net, origin, dest)
    req = RouteRequest(
        origin, dest, Cargo("general", CargoForm.GENERAL, Q_T, Unit.T),
        datetime(2025, 3, 3, 8, 0), alternatives=10,
    )  # fmt: skip
    try:
        res = find_routes(net, req)
    except InputError as exc:
        assert not want, exc
        return
    for alt in res.alternatives:
        assert check_alternative(net, req, alt) == []
    got = sorted((round(a.cost_cny, 4), round(a.hours, 4), round(a.co2_kg, 4))
                 for a in res.alternatives)  # fmt: skip
    assert res.pareto_size == len(want), (got, want)
    if len(want) <= 10:
        for g_, w in zip(got, sorted(want), strict=True):
            assert all(
                math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-3) for x, y in zip(g_, w, strict=True)
            ), (got, sorted(want))
