"""GET /v1/network (GeoJSON with every canonical id), node detail, 404s, stored in the DB."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.db import NetworkSnapshot, NodeRow

pytestmark = pytest.mark.db

CANONICAL = """kuytun kuytun_west kuytun_east kuytun_river kuytun_hazmat kuytun_north
bonded_center hub_station_front hub_east_industrial hub_west_coldchain hub_kuidong_hazmat
etdz_north1 etdz_south kuidong_park wh_grain_oil wh_cotton wh_materials wh_petroleum wh_coal
wh_fertilizer wh_steel wh_sugar wh_chemicals wh_general siding_kunyu_steel siding_juli_chem
siding_shikefeng_fert siding_kuishan_petchem siding_tunhe_sugar siding_power_coal
siding_grain_depot siding_cotton_yard siding_oil_depot siding_building_materials
siding_logistics_park airport_wusu airport_karamay urumqi karamay dushanzi wusu huyanghe
shihezi alashankou horgos baketu beitun kuqa chongqing chengdu xian zhengzhou wuhan dostyk
altynkol bakhty almaty duisburg""".split()  # noqa: SIM905


def test_network_geojson_carries_every_canonical_id(db_url, make_client) -> None:
    c = make_client(db_url)
    r = c.get("/v1/network")
    assert r.status_code == 200, r.text
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    ids = {f["properties"]["id"] for f in fc["features"]}
    assert set(CANONICAL) <= ids
    points = [f for f in fc["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in fc["features"] if f["geometry"]["type"] == "LineString"]
    assert points and lines
    assert all("mode" in f["properties"] and "hazmat" in f["properties"] for f in lines)
    with c.app.state.db.read() as s:  # stored in the database at first start
        assert s.scalar(select(func.count()).select_from(NodeRow)) == len(points)
        assert s.scalar(select(func.count()).select_from(NetworkSnapshot)) == 1


def test_restart_does_not_store_the_network_twice(db_url, make_client) -> None:
    make_client(db_url)
    c = make_client(db_url)
    with c.app.state.db.read() as s:
        assert s.scalar(select(func.count()).select_from(NetworkSnapshot)) == 1


def test_node_detail_and_unknown_node(client) -> None:
    r = client.get("/v1/network/nodes/kuytun_west")
    assert r.status_code == 200
    node = r.json()
    assert node["id"] == "kuytun_west" and node["links"]
    assert 44 < node["lat"] < 45 and 84 < node["lon"] < 86
    north = client.get("/v1/network/nodes/kuytun_north").json()
    assert north["accepts_freight"] is False
    r = client.get("/v1/network/nodes/atlantis")
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"
    assert "atlantis" in r.json()["detail"]
