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
    r = c.get("/v1/network?year=2035")  # every planned node is built by then
    assert r.status_code == 200, r.text
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and fc["network_year"] == 2035
    ids = {f["properties"]["id"] for f in fc["features"]}
    assert set(CANONICAL) <= ids
    points = [f for f in fc["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in fc["features"] if f["geometry"]["type"] == "LineString"]
    assert points and lines
    assert all("mode" in f["properties"] and "hazmat" in f["properties"] for f in lines)
    with c.app.state.db.read() as s:  # stored in the database at first start: every node
        assert s.scalar(select(func.count()).select_from(NodeRow)) == len(points)
        assert s.scalar(select(func.count()).select_from(NetworkSnapshot)) == 1


def test_network_without_year_is_the_current_years(client, monkeypatch) -> None:
    """No ``year``: the network of the current year (Beijing), named in ``network_year``,
    as every route query, assignment and plan defaults to it."""
    import api.routes.network as network_route

    def ids(path: str) -> tuple[int, set[str]]:
        r = client.get(path)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/geo+json")
        fc = r.json()
        return fc["network_year"], {f["properties"]["id"] for f in fc["features"]}

    for year in (2026, 2035):
        monkeypatch.setattr(network_route, "current_year", lambda y=year: y)
        assert ids("/v1/network") == ids(f"/v1/network?year={year}")
        assert ids("/v1/network")[0] == year
    monkeypatch.setattr(network_route, "current_year", lambda: 2026)
    assert "kuytun_hazmat" not in ids("/v1/network")[1]  # opens in 2028


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


def test_network_of_a_year(client) -> None:
    def ids(year: int) -> set[str]:
        r = client.get(f"/v1/network?year={year}")
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/geo+json")
        return {f["properties"]["id"] for f in r.json()["features"]}

    y2025, y2035 = ids(2025), ids(2035)
    assert "kuytun_hazmat" not in y2025 and "kuytun_hazmat" in y2035  # planned station
    assert "r_kuytun__kuqa" not in y2025 and "r_kuytun__kuqa" in y2035  # planned railway
    r = client.get("/v1/network?year=1800")
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert "year" in r.text


def test_network_of_a_scenario_is_its_orgs(client, key_for) -> None:
    a = key_for(client, "planner", "org-a")
    sc = {"name": "no Kuqa railway", "base_year": 2035,
          "changes": [{"op": "remove", "table": "links", "id": "r_kuytun__kuqa"}]}  # fmt: skip
    sid = client.post("/v1/scenarios", json=sc, headers=a).json()["id"]
    r = client.get(f"/v1/network?scenario={sid}", headers=a)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["network_year"] == 2035 and fc["network_scenario"] == sid  # its base year
    ids = {f["properties"]["id"] for f in fc["features"]}
    assert "r_kuytun__kuqa" not in ids and "kuytun_hazmat" in ids
    on_2030 = client.get(f"/v1/network?scenario={sid}&year=2030", headers=a).json()
    assert on_2030["network_year"] == 2030
    other = key_for(client, "planner", "org-b")
    assert client.get(f"/v1/network?scenario={sid}", headers=other).status_code == 404
    assert client.get(f"/v1/network?scenario={sid}").status_code == 404  # not shared
