"""POST /v1/fleet/routes?format=geojson: the day's plan as RFC 7946 GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path

import geojson

from freight.fleet.problem_json import parse_problem

EXAMPLES = Path(__file__).resolve().parents[2] / "demand_data" / "examples"


def test_fleet_routes_as_geojson(client, key_for) -> None:
    body = json.loads((EXAMPLES / "fleet_small.json").read_text())
    body.update(time_limit_s=2, max_iterations=200, seed=0)
    hdr = key_for(client, "planner")
    res = client.post("/v1/fleet/routes", json=body, headers=hdr, params={"format": "geojson"})
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith("application/geo+json")
    doc = geojson.loads(res.text)
    assert doc.is_valid, doc.errors()
    lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    assert lines
    problem = parse_problem({k: v for k, v in body.items()
                             if k not in ("time_limit_s", "max_iterations", "seed")})  # fmt: skip
    depot = {d.id: [d.lon, d.lat] for d in problem.depots}
    stops = {s.id: [s.lon, s.lat] for s in problem.stops}
    served: list[str] = []
    for f in lines:
        coords, props = f["geometry"]["coordinates"], f["properties"]
        assert coords[0] == coords[-1] == depot[props["depot"]]  # depot round trip
        assert props["segments"] == len(props["stops"]) + len(props["charging_at"]) + 1
        assert len(coords) >= props["segments"] + 1  # every place, and the road nodes between
        assert props["geometry_source"] in ("links", "straight", "mixed")
        assert [c for c in coords if c in stops.values()] == [stops[s] for s in props["stops"]]
        served += props["stops"]
    unserved = [f["properties"]["unserved"] for f in doc["features"]
                if f["geometry"]["type"] == "Point"]  # fmt: skip
    assert sorted(served + unserved) == sorted(stops)  # every stop once
