"""Matching rounds on the network of their year (loads' pickups or ?year=) or a scenario."""

from __future__ import annotations

from typing import Any

import pytest

from tests.freight.matching.pairs import KUQA_LOAD as LOAD
from tests.freight.matching.pairs import KUQA_TRUCK as TRUCK

pytestmark = pytest.mark.db


def _round(c, h, query: str = "", truck: Any = TRUCK, load: Any = LOAD) -> Any:
    assert c.post("/v1/matching/vehicles", json=truck, headers=h).status_code == 200
    assert c.post("/v1/matching/loads", json=load, headers=h).status_code == 200
    r = c.post(f"/v1/matching/rounds{query}", headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_road_of_a_later_year_is_used_in_that_year_only(db_url, make_client, key_for) -> None:
    c = make_client(db_url)
    h = key_for(c, "operator")
    later = _round(c, h)  # no year: the year of the loads' pickups, 2030
    assert later["network_year"] == 2030 and later["network_scenario"] is None
    assert later["assignments"][0]["loaded_km"] == pytest.approx(330.0)
    got = c.get(f"/v1/matching/rounds/{later['id']}", headers=h).json()
    assert got["network_year"] == 2030  # stored with the round
    c2 = make_client()  # a fresh pool
    h2 = key_for(c2, "operator")
    today = _round(c2, h2, "?year=2026")
    assert today["network_year"] == 2026
    assert today["assignments"][0]["loaded_km"] == pytest.approx(561.0)  # the G217


def test_a_node_not_built_yet_leaves_its_loads_unmatched(make_client, key_for) -> None:
    c = make_client()
    h = key_for(c, "operator")
    truck = {**TRUCK, "id": "T-bulk", "kind": "bulk_truck", "location": "kuytun",
             "available_from": "2026-06-03T06:00:00+08:00",
             "available_until": "2026-06-05T06:00:00+08:00"}  # fmt: skip
    load = {**LOAD, "id": "L-hz", "origin": "kuytun", "destination": "kuytun_hazmat",
            "cargo": {"commodity": "pvc", "form": "bulk", "quantity": 20, "unit": "t"},
            "pickup_from": "2026-06-03T06:00:00+08:00",
            "pickup_until": "2026-06-03T10:00:00+08:00",
            "deliver_by": "2026-06-04T12:00:00+08:00"}  # fmt: skip
    parked = {**truck, "id": "T-parked", "location": "kuytun_hazmat"}
    assert c.post("/v1/matching/vehicles", json=parked, headers=h).status_code == 200
    out = _round(c, h, "", truck, load)  # the dangerous-goods station opens in 2028
    assert out["network_year"] == 2026 and out["assignments"] == []
    (un,) = out["unmatched"]
    assert un["load"] == "L-hz" and un["reason"] == "not_in_network_year"
    assert "kuytun_hazmat" in un["detail"] and "2026" in un["detail"]
    assert out["kpis"]["loads"] == 1 and out["kpis"]["matched"] == 0
    later = _round(c, h, "?year=2028", truck, load)  # both still open: posted again
    assert [a["loads"] for a in later["assignments"]] == [["L-hz"]]


def test_a_round_on_a_scenario_of_the_keys_org(make_client, key_for) -> None:
    c = make_client()
    plan = key_for(c, "planner", "org-a")
    sc = {
        "name": "G217 rebuilt",
        "base_year": 2026,
        "changes": [{"op": "update", "table": "links", "id": "d_dushanzi__kuqa",
                     "values": {"length_km": 480, "speed_kmh": 60}}],
    }  # fmt: skip
    sid = c.post("/v1/scenarios", json=sc, headers=plan).json()["id"]
    other = key_for(c, "operator", "org-b")
    assert c.post(f"/v1/matching/rounds?scenario={sid}", headers=other).status_code == 404
    own = key_for(c, "operator", "org-a")
    out = _round(c, own, f"?year=2026&scenario={sid}")
    assert out["network_year"] == 2026 and out["network_scenario"] == sid
    assert out["assignments"][0]["loaded_km"] == pytest.approx(480.0)
