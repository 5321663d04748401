"""Scenarios: 201 + id, 422 naming the JSON path and storing nothing, restart, orgs."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.db

GOOD = {
    "name": "Kuqa railway doubled",
    "base_year": 2035,
    "changes": [
        {"op": "update", "table": "links", "id": "r_kuytun__kuqa",
         "values": {"capacity_per_day": 40}},
        {
            "op": "add",
            "table": "links",
            "id": "d_wusu__huyanghe",
            "values": {"source": "wusu", "target": "huyanghe", "mode": "road_national",
                       "length_km": 40, "speed_kmh": 60, "capacity_per_day": 8000,
                       "hazmat": False, "oneway": False},
        },
    ],
}  # fmt: skip


def test_create_get_list_delete_and_survive_restart(db_url, make_client, key_for) -> None:
    c = make_client(db_url)
    hdr = key_for(c, "planner", "acme-plan")
    r = c.post("/v1/scenarios", json=GOOD, headers=hdr)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    assert r.headers["location"] == f"/v1/scenarios/{sid}"
    assert r.json()["changes"][0]["values"] == {"capacity_per_day": 40}
    c2 = make_client(db_url)  # a restarted service on the same database
    got = c2.get(f"/v1/scenarios/{sid}", headers=hdr)
    assert got.status_code == 200 and got.json()["name"] == GOOD["name"]
    assert c2.get("/v1/scenarios", headers=hdr).json()["total"] == 1
    assert c2.delete(f"/v1/scenarios/{sid}", headers=hdr).status_code == 204
    assert c2.get(f"/v1/scenarios/{sid}", headers=hdr).status_code == 404


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"op": "update", "table": "links", "id": "r_kuytun__kuqa",
          "values": {"capacity_per_day": -5}}, "$.changes[1].values.capacity_per_day"),
        ({"op": "update", "table": "links", "id": "no_such_link", "values": {}},
         "$.changes[1].id"),
        ({"op": "update", "table": "nodes", "id": "kuytun", "values": {"colour": "red"}},
         "$.changes[1].values.colour"),
        ({"op": "add", "table": "links", "id": "d_x",
          "values": {"source": "kuytun", "target": "atlantis", "mode": "road_national",
                     "length_km": 5, "speed_kmh": 60, "capacity_per_day": 100}},
         "$.changes[1].values.target"),
        ({"op": "build", "table": "links", "id": "x"}, "$.changes[1].op"),
        ({"op": "update", "table": "terminal_options", "id": "urumqi:piggyback_ramp",
          "values": {"forms": "bulk"}}, "$.changes[1].values.forms"),
    ],
)  # fmt: skip
def test_bad_patch_is_422_naming_the_json_path_and_stores_nothing(
    db_url, make_client, key_for, change, path
) -> None:
    c = make_client(db_url)
    hdr = key_for(c, "planner", "acme-plan")
    body = {**GOOD, "changes": [GOOD["changes"][0], change]}
    r = c.post("/v1/scenarios", json=body, headers=hdr)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert path in r.text
    assert c.get("/v1/scenarios", headers=hdr).json()["total"] == 0


def test_two_organisations_do_not_see_each_other_unless_shared(db_url, make_client, key_for):
    c = make_client(db_url)
    a = key_for(c, "planner", "org-a")
    b = key_for(c, "planner", "org-b")
    mine = c.post("/v1/scenarios", json=GOOD, headers=a).json()["id"]
    pub = c.post("/v1/scenarios", json={**GOOD, "name": "pub", "shared": True}, headers=a)
    pub_id = pub.json()["id"]
    assert c.get(f"/v1/scenarios/{mine}", headers=b).status_code == 404
    assert [s["id"] for s in c.get("/v1/scenarios", headers=b).json()["items"]] == [pub_id]
    assert c.get(f"/v1/scenarios/{pub_id}", headers=b).status_code == 200
    assert c.delete(f"/v1/scenarios/{pub_id}", headers=b).status_code == 404  # not theirs
    assert c.get("/v1/scenarios", headers=a).json()["total"] == 2


def test_scenarios_need_a_planner_key(client, key_for) -> None:
    assert client.post("/v1/scenarios", json=GOOD).status_code == 401
    op = key_for(client, "operator", "ops")
    assert client.post("/v1/scenarios", json=GOOD, headers=op).status_code == 403


def test_route_query_on_a_scenario_of_the_callers_org(db_url, make_client, key_for) -> None:
    c = make_client(db_url)
    a = key_for(c, "planner", "org-a")
    b = key_for(c, "planner", "org-b")
    closed = {
        "name": "no Kuqa railway",
        "base_year": 2035,
        "changes": [{"op": "remove", "table": "links", "id": "r_kuytun__kuqa"}],
    }
    sid = c.post("/v1/scenarios", json=closed, headers=a).json()["id"]
    body = {
        "origin": "kuytun",
        "destination": "kuqa",
        "cargo": {"commodity": "general", "form": "general", "quantity": 500, "unit": "t"},
        "ready_at": "2035-03-05T06:00:00",
        "alternatives": 5,
    }

    def services(url: str, hdr: dict[str, str]) -> set[str]:
        r = c.post(url, json=body, headers=hdr)
        assert r.status_code == 200, r.text
        return {leg.get("service") or "" for x in r.json()["alternatives"] for leg in x["legs"]}

    assert "reg_kuytun_kuqa" in services("/v1/routes?year=2035", a)
    assert "reg_kuytun_kuqa" not in services(f"/v1/routes?scenario={sid}", a)
    assert c.post(f"/v1/routes?scenario={sid}", json=body, headers=b).status_code == 404
    assert c.post(f"/v1/routes?scenario={sid}", json=body).status_code == 404  # anonymous


def test_a_scenario_adding_ramps_answers_a_piggyback_route(db_url, make_client, key_for) -> None:
    c = make_client(db_url)
    hdr = key_for(c, "planner", "acme-plan")
    ramps = [
        {"op": "add", "table": "terminal_options", "id": f"{n}:piggyback_ramp:2026",
         "values": {"to_year": 2030, "hours": 1, "cost_cny_per_trailer": 150,
                    "capacity_trailers_per_day": 80, "forms": "reefer",
                    "source": "scenario: an early ramp"}}
        for n in ("kuytun_west", "urumqi")
    ]  # fmt: skip
    train = {"op": "add", "table": "services", "id": "pb_early",
             "values": {"name": "Early piggyback", "route": "kuytun_west>urumqi",
                        "weekdays": "1234567", "depart": "21:00", "offsets_h": "0;6.5",
                        "capacity_teu": 80, "capacity_t": 1200, "forms": "reefer",
                        "kind": "piggyback", "capacity_trailers": 40}}  # fmt: skip
    body = {"name": "Early piggyback", "base_year": 2026, "changes": [train, *ramps]}
    r = c.post("/v1/scenarios", json=body, headers=hdr)
    assert r.status_code == 201, r.text
    query = {
        "origin": "kuytun_west",
        "destination": "urumqi",
        "ready_at": "2026-03-04T08:00:00",
        "cargo": {"commodity": "cold_food", "form": "reefer", "quantity": 20, "unit": "t"},
    }
    shipped = c.post("/v1/routes?year=2026", json=query, headers=hdr).json()
    assert all(
        leg["mode"] != "rail_piggyback" for a in shipped["alternatives"] for leg in a["legs"]
    )
    sid = r.json()["id"]
    alts = c.post(f"/v1/routes?scenario={sid}", json=query, headers=hdr).json()["alternatives"]
    assert ["rail_piggyback"] in [[leg["mode"] for leg in a["legs"]] for a in alts]
    assert alts[0]["multimodal_forms"] == ["piggyback"]
