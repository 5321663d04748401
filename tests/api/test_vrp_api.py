"""POST /v1/vrp: VROOM in, VROOM out; every answer checked; bad input -> problem+json paths."""

from __future__ import annotations

from typing import Any

import pytest

from freight.network.loader import default_network
from freight.vrp.vroom.check import check_vroom_answer
from freight.vrp.vroom.parse import parse_vroom
from freight.vrp.vroom.road import road_router
from tests.freight.vrp.test_vroom import DOC_EXAMPLE


def test_documented_example(client) -> None:
    r = client.post("/v1/vrp?time_limit_s=0.3", json=DOC_EXAMPLE)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["code"] == 0 and out["summary"]["cost"] == 7268
    assert [s["type"] for s in out["routes"][0]["steps"]][::7] == ["start", "end"]
    assert check_vroom_answer(DOC_EXAMPLE, out).feasible


def test_coordinates_are_routed_on_the_kuytun_roads(client) -> None:
    net = default_network()
    nodes = [n for n in net.nodes.values()][:6]
    body: dict[str, Any] = {
        "vehicles": [{"id": 1, "start": [nodes[0].lon, nodes[0].lat],
                      "end": [nodes[0].lon, nodes[0].lat], "capacity": [3],
                      "costs": {"per_km": 2, "per_hour": 60}}],
        "jobs": [{"id": k, "location": [n.lon + 0.001, n.lat], "delivery": [1], "service": 300}
                 for k, n in enumerate(nodes[1:], start=1)],
    }  # fmt: skip
    r = client.post("/v1/vrp?time_limit_s=0.3", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    # capacity 3 for 5 jobs on one vehicle: 3 served, 2 unassigned
    assert out["summary"]["unassigned"] == 2 and out["summary"]["distance"] > 0
    # the checker gets the same road matrices, written out as VROOM matrices
    prob = parse_vroom(body, router=road_router(net))
    m = prob.matrices["car"]
    explicit = {
        "vehicles": [{**body["vehicles"][0], "start_index": 0, "end_index": 0}],
        "jobs": [{**j, "location_index": k + 1} for k, j in enumerate(body["jobs"])],
        "matrices": {"car": {"durations": m.durations, "distances": m.distances}},
    }
    rep = check_vroom_answer(explicit, out)
    assert rep.feasible, rep.violations


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"jobs": [{"id": 1, "location_index": 99}]}, "$.jobs[0].location_index"),
        ({"matrix": [[0, 1], [1, 0], [2, 2]]}, "$.matrix[0]"),
        ({"jobs": [{"id": 1, "location_index": 1, "pickup": [-1]}]}, "$.jobs[0].pickup[0]"),
        ({"jobs": [{"id": 1, "location_index": 1, "skills": [1.5]}]}, "$.jobs[0].skills[0]"),
        ({"shipments": [{"pickup": {"id": 1, "location_index": 1}}]}, "$.shipments[0].delivery"),
        ({"vehicles": [{"id": 0, "start_index": 0, "breaks": [{"id": 1}]}]},
         "$.vehicles[0].breaks"),
        ({"options": {"g": True}}, "$.options"),
    ],
)  # fmt: skip
def test_bad_input_is_problem_json(client, patch: dict[str, Any], loc: str) -> None:
    r = client.post("/v1/vrp", json={**DOC_EXAMPLE, **patch})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert loc in [e["loc"] for e in r.json()["errors"]], r.json()


def test_time_limit_is_bounded(client) -> None:
    r = client.post("/v1/vrp?time_limit_s=0", json=DOC_EXAMPLE)
    assert r.status_code == 422 and "time_limit_s" in r.text
