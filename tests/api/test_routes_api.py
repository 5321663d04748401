"""POST /v1/routes on a small hand-made network (index swapped in), then on Kuytun."""

from __future__ import annotations

import pytest

import api.routes.routes as routes_mod
from freight.clock import current_year
from freight.routing import RoutingIndex
from tests.freight.routing.helpers import corridor

BODY = {
    "origin": "p",
    "destination": "d",
    "cargo": {"commodity": "steel", "form": "general", "quantity": 100, "unit": "t"},
    "ready_at": "2025-03-03T08:00:00",
}


@pytest.fixture()
def small(monkeypatch: pytest.MonkeyPatch, client):
    monkeypatch.setattr(routes_mod, "_by_year", {current_year(): RoutingIndex(corridor())})
    return client


def test_route_answer_shape(small) -> None:
    r = small.post("/v1/routes", json=BODY)
    assert r.status_code == 200, r.text
    out = r.json()
    first = out["alternatives"][0]
    assert first["rank"] == 1 and first["total"]["cost_cny"] == 14500.0
    leg = first["legs"][0]
    assert set(leg) >= {"mode", "from", "to", "links", "service", "depart", "arrive",
                        "distance_km", "cost_cny", "co2_kg"}  # fmt: skip
    assert first["transfers"][0]["terminal"] == "a"
    assert out["rules_applied"] and "pruned" in out


def test_due_by_unmet_is_plain(small) -> None:
    r = small.post("/v1/routes", json={**BODY, "due_by": "2025-03-03T09:00:00"})
    assert r.status_code == 200
    assert r.json()["due_by"]["met"] is False
    assert r.json()["due_by"]["earliest_arrival"] == "2025-03-03T16:40:00+08:00"


@pytest.mark.parametrize(
    ("patch", "status", "where"),
    [
        ({"origin": "ghost"}, 404, "ghost"),
        ({"cargo": {**BODY["cargo"], "quantity": -3}}, 422, "quantity"),
        ({"cargo": {**BODY["cargo"], "quantity": 1e9}}, 422, "absurd"),
        ({"cargo": {**BODY["cargo"], "commodity": "tdi"}}, 422, "dangerous-goods"),
        ({"cargo": {**BODY["cargo"], "form": "plasma"}}, 422, "form"),
        ({"avoid": {"modes": ["road"]}}, 422, "no route"),
    ],
)
def test_bad_queries_are_problem_json(small, patch, status, where) -> None:
    r = small.post("/v1/routes", json={**BODY, **patch})
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert where in r.text


def test_kuytun_example_over_http(client) -> None:
    body = {
        "origin": "bonded_center",
        "destination": "alashankou",
        "cargo": {"commodity": "cotton", "form": "container", "quantity": 40, "unit": "teu"},
        "ready_at": "2025-03-03T08:00:00",
        "objective": "time",
        "alternatives": 3,
    }
    r = client.post("/v1/routes", json=body)
    assert r.status_code == 200, r.text
    alts = r.json()["alternatives"]
    hours = [a["total"]["hours"] for a in alts]
    assert hours == sorted(hours) and len(alts) >= 2
    north = client.post("/v1/routes", json={**body, "origin": "kuytun_north"})
    assert north.status_code == 422 and "no-freight" in north.text


def test_geojson_answer_is_rfc7946(small) -> None:
    import geojson

    plain = small.post("/v1/routes", json=BODY).json()
    both = {"Accept": "application/json, application/problem+json, application/geo+json"}
    assert "alternatives" in small.post("/v1/routes", json=BODY, headers=both).json()
    for how in ({"params": {"format": "geojson"}}, {"headers": {"Accept": "application/geo+json"}}):
        r = small.post("/v1/routes", json=BODY, **how)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/geo+json")
        doc = geojson.loads(r.text)
        assert doc.is_valid, doc.errors()
        legs = [(a["rank"], k) for a in plain["alternatives"] for k in range(len(a["legs"]))]
        assert [(f["properties"]["rank"], f["properties"]["leg"]) for f in doc["features"]] == legs
        first = doc["features"][0]
        assert first["geometry"]["type"] == "LineString"
        assert first["properties"]["depart"].endswith("+08:00")
        net = routes_mod.routing_index(current_year()).network
        for f in doc["features"]:  # each line runs from the leg's first node to its last
            a, b = net.nodes[f["properties"]["from"]], net.nodes[f["properties"]["to"]]
            line = f["geometry"]["coordinates"]
            assert line[0] == [a.lon, a.lat] and line[-1] == [b.lon, b.lat]


def test_routes_take_the_network_of_their_year(client) -> None:
    body = {
        "origin": "kuytun",
        "destination": "kuqa",
        "cargo": {"commodity": "general", "form": "general", "quantity": 500, "unit": "t"},
        "ready_at": "2035-03-05T06:00:00",
        "alternatives": 5,
    }

    def services(year: int) -> set[str]:
        r = client.post(f"/v1/routes?year={year}", json=body)
        assert r.status_code == 200, r.text
        return {leg.get("service") or "" for a in r.json()["alternatives"] for leg in a["legs"]}

    assert "reg_kuytun_kuqa" not in services(2025)  # the Kuytun–Kuqa railway is planned
    assert "reg_kuytun_kuqa" in services(2035)
    bad = client.post("/v1/routes?year=1999", json=body)
    assert bad.status_code == 422 and "year" in bad.text


def test_without_year_routes_take_the_current_years_network(client, monkeypatch) -> None:
    """No ``year``: the network of the current year (Beijing time), not the shipped files,
    which also hold what is still to be built (the dangerous-goods station opens in 2028)."""
    body = {
        "origin": "urumqi",
        "destination": "kuytun_hazmat",
        "cargo": {"commodity": "tdi", "form": "hazmat", "quantity": 20, "unit": "t"},
        "ready_at": "2030-03-05T06:00:00",
    }
    monkeypatch.setattr(routes_mod, "current_year", lambda: 2026)
    assert client.post("/v1/routes", json=body).status_code == 404  # not built yet
    monkeypatch.setattr(routes_mod, "current_year", lambda: 2030)
    built = client.post("/v1/routes", json=body)
    assert built.status_code == 200, built.text
    assert built.json()["alternatives"][0]["legs"][-1]["to"] == "kuytun_hazmat"
