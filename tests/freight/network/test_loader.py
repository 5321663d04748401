"""The shipped Kuytun network: canonical ids, rules encoded in the data, real distances."""

from __future__ import annotations

import networkx as nx
import pytest

from freight.network.graph import build_graph
from freight.network.loader import default_network, load_network, parse_bans, parse_weekdays
from freight.network.model import CargoForm, LinkMode, NodeKind
from freight.routing.index import EXTERNAL_KINDS
from freight.units import haversine_km

CANONICAL = [
    "kuytun",
    "kuytun_west",
    "kuytun_east",
    "kuytun_river",
    "kuytun_hazmat",
    "kuytun_north",
    "bonded_center",
    "hub_station_front",
    "hub_east_industrial",
    "hub_west_coldchain",
    "hub_kuidong_hazmat",
    "etdz_north1",
    "etdz_south",
    "kuidong_park",
    "wh_grain_oil",
    "wh_cotton",
    "wh_materials",
    "wh_petroleum",
    "wh_coal",
    "wh_fertilizer",
    "wh_steel",
    "wh_sugar",
    "wh_chemicals",
    "wh_general",
    "siding_kunyu_steel",
    "siding_juli_chem",
    "siding_shikefeng_fert",
    "siding_kuishan_petchem",
    "siding_tunhe_sugar",
    "siding_power_coal",
    "siding_grain_depot",
    "siding_cotton_yard",
    "siding_oil_depot",
    "siding_building_materials",
    "siding_logistics_park",
    "airport_wusu",
    "airport_karamay",
    "urumqi",
    "karamay",
    "dushanzi",
    "wusu",
    "huyanghe",
    "shihezi",
    "alashankou",
    "horgos",
    "baketu",
    "beitun",
    "kuqa",
    "chongqing",
    "chengdu",
    "xian",
    "zhengzhou",
    "wuhan",
    "dostyk",
    "altynkol",
    "bakhty",
    "almaty",
    "duisburg",
]


@pytest.fixture(scope="module")
def net():
    return load_network()


def _shortest_km(net, a: str, b: str, modes: set[LinkMode]) -> float:
    g = build_graph(net)
    sub = nx.DiGraph()
    for u, v, d in g.edges(data=True):
        if d["mode"] in modes:
            w = d["length_km"]
            if not sub.has_edge(u, v) or sub[u][v]["w"] > w:
                sub.add_edge(u, v, w=w)
    return nx.shortest_path_length(sub, a, b, weight="w")


def test_every_canonical_id_present(net):
    missing = [i for i in CANONICAL if i not in net.nodes]
    assert missing == []
    assert len([i for i in CANONICAL if i.startswith("wh_")]) == 10
    assert len([i for i in CANONICAL if i.startswith("siding_")]) == 11


def test_default_network_is_cached():
    assert default_network() is default_network()


def test_kuytun_north_has_no_links_and_rejects_freight(net):
    north = net.nodes["kuytun_north"]
    assert not north.accepts_freight and north.kind is NodeKind.PASSENGER_STATION
    assert not [lk for lk in net.links.values() if "kuytun_north" in (lk.source, lk.target)]


def test_kuytun_station_south_south_west_of_city_government(net):
    gov_lat, gov_lon = 44.4265, 84.9035  # Kuytun city government (public maps)
    st = net.nodes["kuytun"]
    assert 2.0 <= haversine_km(gov_lat, gov_lon, st.lat, st.lon) <= 3.3
    assert st.lat < gov_lat


@pytest.mark.parametrize(
    ("a", "b", "modes", "real_km"),
    [
        ("kuytun", "urumqi", {LinkMode.RAIL}, 250),  # Lanzhou–Xinjiang line
        ("kuytun_east", "urumqi", {LinkMode.ROAD_URBAN, LinkMode.ROAD_EXPRESSWAY}, 245),  # G30
        ("kuytun", "alashankou", {LinkMode.RAIL}, 240),
        ("kuytun", "karamay", {LinkMode.RAIL}, 150),
        ("urumqi", "xian", {LinkMode.RAIL}, 2568),
        ("jinghe", "horgos", {LinkMode.RAIL}, 286),  # Jinghe–Yining–Horgos line
    ],
)
def test_distances_within_ten_percent_of_real(net, a, b, modes, real_km):
    km = _shortest_km(net, a, b, modes)
    assert abs(km - real_km) <= 0.1 * real_km, (a, b, km)


def test_road_lengths_not_shorter_than_straight_line(net):
    for lk in net.links.values():
        a, b = net.nodes[lk.source], net.nodes[lk.target]
        assert lk.length_km >= 0.95 * haversine_km(a.lat, a.lon, b.lat, b.lon), lk.id


def test_baketu_has_no_railway_and_kuqa_no_rail_yet(net):
    for nid in ("baketu", "kuqa"):
        modes = {lk.mode for lk in net.links.values() if nid in (lk.source, lk.target)}
        assert modes and not any(m.is_rail for m in modes), nid


def test_form_rules_encoded_in_data(net):
    rail_nodes = [n for n in net.nodes.values() if n.rail_access and n.region == "xinjiang"]
    hazmat_rail = {n.id for n in rail_nodes if n.handling.handles(CargoForm.HAZMAT)}
    # inside the city only the dangerous-goods station loads hazmat to rail (seed ch. 7 §1);
    # outside it the Urumqi terminal, Karamay (oil city) and the Alashankou border port do
    city = {i for i in hazmat_rail if net.nodes[i].kind not in EXTERNAL_KINDS}
    assert city == {"kuytun_hazmat"}
    assert hazmat_rail - city == {"urumqi", "karamay", "alashankou"}
    reefer = {n.id for n in net.nodes.values() if n.region == "xinjiang"}
    reefer = {i for i in reefer if net.nodes[i].handling.handles(CargoForm.REEFER)}
    assert {"hub_west_coldchain", "bonded_center"} <= reefer
    for n in net.nodes.values():
        if n.kind in (NodeKind.JUNCTION, NodeKind.INDUSTRIAL_PARK, NodeKind.PASSENGER_STATION):
            assert not n.handling.forms, n.id


def test_urban_hazmat_only_on_designated_corridors(net):
    designated = ("Hongyun", "G312", "Huaqiang", "G3033", "access road")
    for lk in net.links.values():
        if lk.mode is LinkMode.ROAD_URBAN and lk.hazmat:
            assert any(c in lk.corridor for c in designated), lk.id
    names = {lk.corridor for lk in net.links.values() if lk.mode is LinkMode.ROAD_URBAN}
    for street in ("Beijing Road", "South Ring Road", "Tuanjie Street", "Hongyun Avenue"):
        assert street in names
    beijing = [lk for lk in net.links.values() if lk.corridor == "Beijing Road"]
    assert all(not lk.hazmat and lk.truck_bans for lk in beijing)


def test_services_cover_the_plan(net):
    kinds = {s.kind for s in net.services.values()}
    assert kinds == {"regional", "block", "china_europe", "hazmat"}
    gateways = {"chongqing", "chengdu", "xian", "zhengzhou", "wuhan"}
    ce = [s for s in net.services.values() if s.kind == "china_europe"]
    assert gateways <= {s.route[0] for s in ce}
    assert all(
        "kuytun" in s.route
        and s.route[-1] in ("duisburg", "almaty", "kuytun")
        or s.route[0] in ("duisburg", "almaty")
        for s in ce
    )
    assert all(
        s.route[0] == "kuytun_hazmat" or s.route[-1] == "kuytun_hazmat"
        for s in net.services.values()
        if s.kind == "hazmat"
    )


def test_graph_shape(net):
    g = build_graph(net)
    assert g.number_of_nodes() == len(net.nodes)
    two_way = sum(1 if lk.oneway else 2 for lk in net.links.values())
    assert g.number_of_edges() == two_way
    d = g.get_edge_data("kuytun", "kuytun_west")
    ((key, attrs),) = d.items()
    assert attrs["link"].id == key and attrs["mode"] is LinkMode.RAIL
    assert attrs["hours"] == pytest.approx(attrs["length_km"] / attrs["link"].speed_kmh)
    assert g.nodes["kuytun"]["node"].name_zh == "奎屯站"


def test_parsers():
    assert parse_weekdays("1234567") == frozenset(range(7))
    assert parse_weekdays("Mon,Wed") == {0, 2}
    assert parse_weekdays("2,5") == {1, 4}
    with pytest.raises(ValueError):
        parse_weekdays("8")
    bans = parse_bans("07:30-09:30;17:30-20:00")
    assert [(b.start_min, b.end_min) for b in bans] == [(450, 570), (1050, 1200)]


def test_service_timetables_not_faster_than_the_rail_links(net):
    g = build_graph(net)
    rail = nx.DiGraph()
    for u, v, d in g.edges(data=True):
        if d["mode"].is_rail:
            rail.add_edge(u, v, h=d["hours"])
    for svc in net.services.values():
        for (a, b), (t0, t1) in zip(
            zip(svc.route, svc.route[1:], strict=False),
            zip(svc.offsets_h, svc.offsets_h[1:], strict=False),
            strict=True,
        ):
            fastest_h = nx.shortest_path_length(rail, a, b, weight="h")
            assert t1 - t0 >= fastest_h - 1e-9, (svc.id, a, b, t1 - t0, fastest_h)
