"""GET /v1/fleet/plans/{id}/routes: a plan's kept routes as JSON, GeoJSON, CSV and Parquet."""

from __future__ import annotations

import io
import json
from typing import Any

import geojson
import pandas as pd
import pytest

from api.db import Job, utcnow
from freight.fleet.plan import plan_fleet
from freight.fleet.plan.model import DayRoutes
from freight.tables import COLUMNS
from tests.freight.fleet.plan.contract_sample import plan as sample_plan
from tests.freight.fleet.plan.route_check import PARAMS, route_errors

URL = "/v1/fleet/plans"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def planned() -> dict[str, Any]:
    """A sampled 2030 plan, routed for real, as the job stores it."""
    return {**plan_fleet(2030, PARAMS).to_dict(), "report_md": "# report"}


@pytest.fixture
def stored(make_client, key_for, planned: dict[str, Any]) -> tuple[Any, dict[str, str], str]:
    """(client, planner key header, id of a succeeded fleet-plan job holding ``planned``)."""
    c = make_client(run_jobs=False)
    h = key_for(c, "planner")
    job_id = c.post(URL, json={"year": 2030}, headers=h).json()["id"]
    store(c, job_id, planned)
    return c, h, job_id


def store(c: Any, job_id: str, result: dict[str, Any]) -> None:
    """Finish a stored job as the dispatcher would."""
    with c.app.state.db.write() as s:
        row = s.get(Job, job_id)
        row.status, row.result, row.progress = "succeeded", result, 1.0
        row.started_at = row.finished_at = utcnow()


def test_json_answers_the_kept_days_and_filters(stored, planned: dict[str, Any]) -> None:
    c, h, jid = stored
    r = c.get(f"{URL}/{jid}/routes", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "fleet-plan-routes" and body["id"] == jid
    assert body["days"] == planned["routes"]
    one = c.get(f"{URL}/{jid}/routes", params={"year": 2030, "season": "summer"}, headers=h)
    assert [(d["year"], d["season"]) for d in one.json()["days"]] == [(2030, "summer")]
    for day in body["days"]:  # every answered route passes the independent checker
        assert route_errors(DayRoutes.from_dict(day), PARAMS) == []
        for route in day["routes"]:
            assert route["start"].endswith("+08:00")
            assert all(s["arrive"].endswith("+08:00") for s in route["stops"])


def test_plan_endpoint_leaves_routes_out_unless_asked(stored, planned: dict[str, Any]) -> None:
    c, h, jid = stored
    plain = c.get(f"{URL}/{jid}", headers=h).json()["plan"]
    assert plain["routes"] is None
    assert {k: v for k, v in plain.items() if k != "routes"} == {
        k: v for k, v in planned.items() if k not in ("routes", "report_md")
    }
    full = c.get(f"{URL}/{jid}", params={"routes": "true"}, headers=h).json()["plan"]
    assert full["routes"] == planned["routes"]


def test_job_result_leaves_routes_out_unless_asked(stored, planned: dict[str, Any]) -> None:
    c, h, jid = stored
    light = c.get(f"/v1/jobs/{jid}/result", headers=h)
    assert light.status_code == 200, light.text
    body = light.json()
    assert body["kind"] == "fleet-plan" and body["id"] == jid
    assert body["result"]["routes"] is None and planned["routes"]
    assert body["result"] == {**planned, "routes": None}  # every other field, report_md too
    full = c.get(f"/v1/jobs/{jid}/result", params={"routes": "true"}, headers=h)
    assert full.status_code == 200 and full.json()["result"] == planned
    assert len(full.content) > 2 * len(light.content)
    # a multi-year result: each year's routes are left out, the set's fields kept
    set_id = c.post(URL, json={"years": [2030, 2035]}, headers=h).json()["id"]
    both = {"kind": "fleet-plan-set", "plans": [planned, {**planned, "year": 2035}],
            "wall_s": 1.0, "report_md": "# set"}  # fmt: skip
    store(c, set_id, both)
    plans = c.get(f"/v1/jobs/{set_id}/result", headers=h).json()["result"]["plans"]
    assert [p["routes"] for p in plans] == [None, None]
    # the job's tables still hold every route
    g = c.get(f"/v1/jobs/{jid}/tables/routes", headers=h)
    assert g.status_code == 200
    assert len(pd.read_csv(io.StringIO(g.text))) == sum(len(d["routes"]) for d in planned["routes"])


def test_openapi_says_how_to_get_job_routes(client) -> None:
    op = client.get("/v1/openapi.json").json()["paths"]["/v1/jobs/{job_id}/result"]["get"]
    param = next(p for p in op["parameters"] if p["name"] == "routes")
    assert param["schema"]["default"] is False
    assert "/v1/fleet/plans/{id}/routes" in param["description"]
    assert op["operationId"] == "getJobResult"


@pytest.mark.parametrize(
    "how",
    [{"params": {"format": "geojson"}}, {"headers": {"Accept": "application/geo+json"}}],
)
def test_geojson_answer_is_rfc7946(stored, planned: dict[str, Any], how: dict[str, Any]) -> None:
    c, h, jid = stored
    r = c.get(f"{URL}/{jid}/routes", params={"season": "winter", **how.get("params", {})},
              headers={**h, **how.get("headers", {})})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/geo+json")
    doc = geojson.loads(r.text)
    assert doc.is_valid, doc.errors()
    winter = planned["routes"][0]
    lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == len(winter["routes"])
    for f, route in zip(lines, winter["routes"], strict=True):
        p = f["properties"]
        assert (p["year"], p["season"], p["vehicle"], p["depot"]) == (
            2030, "winter", route["vehicle"], route["depot"],
        )  # fmt: skip
        assert p["stops"] == [s["id"] for s in route["stops"]]
        assert p["distance_km"] == route["distance_km"]


@pytest.mark.parametrize("table", ["routes", "route_stops"])
def test_csv_and_parquet_tables(stored, planned: dict[str, Any], table: str) -> None:
    c, h, jid = stored
    q = {"format": "csv", "table": table, "year": 2030}
    r = c.get(f"{URL}/{jid}/routes", params=q, headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    df = pd.read_csv(io.StringIO(r.text))
    assert list(df.columns) == list(COLUMNS["fleet-plan"][table])
    n_routes = sum(len(d["routes"]) for d in planned["routes"])
    n_visits = sum(len(r["stops"]) + len(r["charging"]) for d in planned["routes"]
                   for r in d["routes"])  # fmt: skip
    assert len(df) == (n_routes if table == "routes" else n_visits)
    pq = c.get(f"{URL}/{jid}/routes", params={**q, "format": "parquet"}, headers=h)
    assert pq.status_code == 200
    back = pd.read_parquet(io.BytesIO(pq.content))
    assert list(back.columns) == list(df.columns) and len(back) == len(df)
    # the job's generic tables serve the same routes table
    g = c.get(f"/v1/jobs/{jid}/tables/{table}", headers=h)
    assert g.status_code == 200 and pd.read_csv(io.StringIO(g.text)).equals(df)


@pytest.mark.parametrize(
    ("query", "status", "loc"),
    [
        ({"year": 2031}, 404, "query.year"),  # a plan year, but not this plan's
        ({"year": 1999}, 422, "query.year"),
        ({"season": "spring"}, 422, "query.season"),
        ({"format": "kml"}, 422, "query.format"),
        ({"format": "csv", "table": "legs"}, 422, "query.table"),
    ],
)
def test_bad_parameters_are_named(stored, query: dict[str, Any], status: int, loc: str) -> None:
    c, h, jid = stored
    r = c.get(f"{URL}/{jid}/routes", params=query, headers=h)
    assert r.status_code == status and r.headers["content-type"] == PROBLEM, r.text
    assert loc in [e["loc"] for e in r.json()["errors"]]


def test_a_plan_without_routes_and_unfinished_jobs(make_client, key_for) -> None:
    c = make_client(run_jobs=False)
    h = key_for(c, "planner")
    jid = c.post(URL, json={"year": 2035}, headers=h).json()["id"]
    r = c.get(f"{URL}/{jid}/routes", headers=h)
    assert r.status_code == 409 and r.headers["content-type"] == PROBLEM  # not finished
    store(c, jid, sample_plan())  # planned before routes were kept
    r = c.get(f"{URL}/{jid}/routes", headers=h)
    assert r.status_code == 404 and [e["loc"] for e in r.json()["errors"]] == ["routes"]
    assert c.get(f"{URL}/{jid}/routes").status_code == 401
    assert c.get(f"{URL}/nope/routes", headers=h).status_code == 404


def test_openapi_types_the_routes_answer(client) -> None:
    doc = client.get("/v1/openapi.json").json()
    op = doc["paths"]["/v1/fleet/plans/{job_id}/routes"]["get"]
    assert op["operationId"] == "getFleetPlanRoutes"
    content = op["responses"]["200"]["content"]
    assert {"application/json", "application/geo+json", "text/csv; charset=utf-8"} <= set(content)
    schemas = doc["components"]["schemas"]
    stop = schemas["RouteStop"]["properties"]
    assert stop["lon"]["type"] == "number" and stop["arrive"]["type"] == "string"
    assert json.dumps(schemas["FleetPlanRoutes"]).count("DayRoutes") >= 1
