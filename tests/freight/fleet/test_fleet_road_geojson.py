"""Fleet routes drawn on the shipped network's road links, and the straight fallback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geojson
import pytest

from freight.fleet.geojson import SNAP_MAX_KM, fleet_solution_geojson
from freight.fleet.problem_json import parse_problem
from freight.network.loader import default_network
from freight.network.roads import road_graph
from freight.units import haversine_km

EXAMPLE = Path(__file__).resolve().parents[3] / "demand_data" / "examples" / "fleet_small.json"

WEST = [84.855, 44.428]  # 0.41 km west of Beijing Rd x West Ring Rd (j_bj_w)
EAST = [84.950, 44.428]  # 0.41 km east of Beijing Rd x East Ring Rd (j_bj_e)
FAR = [85.6, 44.9]  # open country, about 60 km from the nearest road node


def problem_with(stops: dict[str, list[float]]) -> Any:
    body = json.loads(EXAMPLE.read_text())
    body["stops"] = [{"id": sid, "lon": lon, "lat": lat, "demand_kg": 10.0,
                      "service_min": 5.0, "window": ["08:00", "18:00"]}
                     for sid, (lon, lat) in stops.items()]  # fmt: skip
    return parse_problem(body)


def result_of(*routes: list[str]) -> dict[str, Any]:
    """A hand-written router result: one route of ``ev_van`` per list of stop ids."""
    rows = [{"vehicle_type": "ev_van@hub_station_front", "start": "08:00", "end": "12:00",
             "duration_min": 240.0, "distance_km": 30.0, "energy_kwh": 9.0, "cost_cny": 210.0,
             "visits": [{"id": s} for s in r]} for r in routes]  # fmt: skip
    return {"routes": rows, "unserved": []}


def node_at(nid: str) -> list[float]:
    node = default_network().nodes[nid]
    return [node.lon, node.lat]


def valid(doc: dict[str, Any]) -> dict[str, Any]:
    parsed = geojson.loads(json.dumps(doc))
    assert parsed.is_valid, parsed.errors()
    return doc


def test_opposite_sides_of_the_city_run_along_beijing_road() -> None:
    # Hand check on the shipped network: j_bj_w -> j_bj_e along Beijing Rd (urban, 30 km/h)
    # is 4.0 + 4.6 + 8.4 = 17.0 min; the G312 detour (West Ring Rd 3.9, G312 4.92 + 4.8,
    # East Ring Rd 3.9) is 17.52 min; the South Ring Rd (4 links at 40 km/h) 23.6 min.
    doc = valid(fleet_solution_geojson(problem_with({"w": WEST, "e": EAST}), result_of(["w", "e"])))
    (route,) = doc["features"]
    line, props = route["geometry"]["coordinates"], route["properties"]
    assert route["geometry"]["type"] == "LineString"
    k = line.index(WEST)
    middle = [node_at(n) for n in ("j_bj_w", "j_hs_n", "j_bj_tj", "j_bj_e")]
    assert line[k : k + 6] == [WEST, *middle, EAST]
    beijing_rd = ["d_j_bj_w__j_hs_n", "d_j_hs_n__j_bj_tj", "d_j_bj_tj__j_bj_e"]
    links = props["links"]
    assert any(links[i : i + 3] == beijing_rd for i in range(len(links)))
    assert (props["geometry_source"], props["segments"], props["straight_segments"]) == (
        "links", 3, 0)  # fmt: skip
    assert props["stops"] == ["w", "e"] and props["distance_km"] == 30.0  # kept as routed
    assert all(-180 <= x <= 180 and -90 <= y <= 90 and x > y for x, y in line)  # [lon, lat]


def test_a_place_beyond_the_snap_distance_gets_straight_segments() -> None:
    graph = road_graph(default_network())
    assert graph.snap(*FAR)[1] > SNAP_MAX_KM
    problem = problem_with({"w": WEST, "far": FAR})
    depot = next(iter(problem.depots))
    home = [depot.lon, depot.lat]
    doc = valid(fleet_solution_geojson(problem, result_of(["far"], ["w", "far"])))
    alone, mixed = (f["properties"] for f in doc["features"])
    assert doc["features"][0]["geometry"]["coordinates"] == [home, FAR, home]
    assert (alone["geometry_source"], alone["straight_segments"], alone["links"]) == (
        "straight", 2, [])  # fmt: skip
    assert (mixed["geometry_source"], mixed["segments"], mixed["straight_segments"]) == (
        "mixed", 3, 2)  # fmt: skip
    line = doc["features"][1]["geometry"]["coordinates"]
    assert line[line.index(FAR) - 1] == WEST  # straight from the last stop near a road


@pytest.mark.parametrize("point", [(84.855, 44.428), (84.9, 44.41), (85.6, 44.9), (84.0, 45.5)])
def test_snapping_finds_the_nearest_road_node(point: tuple[float, float]) -> None:
    net = default_network()
    nid, km = road_graph(net).snap(*point)
    road = {x for link in net.links.values() if link.mode.is_road
            for x in (link.source, link.target)}  # fmt: skip
    dist = {n: haversine_km(point[1], point[0], net.nodes[n].lat, net.nodes[n].lon) for n in road}
    assert km == pytest.approx(min(dist.values()), abs=1e-9)
    assert dist[nid] == pytest.approx(km, abs=1e-9)
    assert road_graph(net) is road_graph(net)  # one graph per network
