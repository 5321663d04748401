"""POST /v1/fleet/plans (job kind fleet-plan), GET /v1/fleet/plans/{id} and its report."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from sqlalchemy import select

from api.db import Job, utcnow
from freight.fleet.plan.report import render_report
from tests.freight.fleet.plan.contract_sample import plan, plans

pytestmark = pytest.mark.db

URL = "/v1/fleet/plans"
PROBLEM = "application/problem+json"


def test_needs_a_planner_key(client, key_for) -> None:
    r = client.post(URL, json={"year": 2035})
    assert r.status_code == 401 and r.headers["content-type"] == PROBLEM
    r = client.post(URL, json={"year": 2035}, headers=key_for(client, "operator"))
    assert r.status_code == 403 and r.headers["content-type"] == PROBLEM


def test_accepted_with_location_and_stored(db_url: str, make_client, key_for) -> None:
    c = make_client(db_url, run_jobs=False)
    h = key_for(c, "planner")
    body = {"years": "2026-2035", "seed": 3, "max_stops": 40, "time_limit_s": 30}
    r = c.post(URL, json=body, headers=h)
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["kind"] == "fleet-plan" and job["status"] == "queued"
    assert r.headers["location"] == f"/v1/jobs/{job['id']}"
    with c.app.state.db.read() as s:  # committed before the answer
        row = s.get(Job, job["id"])
        assert row is not None and row.status == "queued"
        assert row.params["years"] == "2026-2035" and row.params["max_stops"] == 40
        assert row.time_limit_s == 30.0 and row.params["engine"] == "process"
    # the default limit is the contract's 600 s
    r = c.post(URL, json={"year": 2035}, headers=h)
    assert c.get(r.headers["location"], headers=h).json()["time_limit_s"] == 600.0


def test_idempotency_follows_the_shared_machinery(db_url: str, make_client, key_for) -> None:
    c = make_client(db_url, run_jobs=False)
    h = {**key_for(c, "planner"), "Idempotency-Key": "plan-2035"}
    a = c.post(URL, json={"year": 2035}, headers=h)
    b = c.post(URL, json={"year": 2035}, headers=h)
    assert a.status_code == b.status_code == 202
    assert a.json()["id"] == b.json()["id"] and b.headers["idempotent-replayed"] == "true"
    other = c.post(URL, json={"year": 2030}, headers=h)
    assert other.status_code == 409 and other.headers["content-type"] == PROBLEM
    g = c.post("/v1/jobs", json={"kind": "fleet-plan", "params": {"year": 2035}}, headers=h)
    assert g.status_code == 202 and g.json()["id"] == a.json()["id"]
    with c.app.state.db.read() as s:
        assert len(s.scalars(select(Job)).all()) == 1


BAD_BODIES: list[tuple[dict[str, Any], str]] = [
    ({}, "$.years"),
    ({"year": 2035, "years": [2030]}, "$.years"),
    ({"year": 2025}, "$.year"),
    ({"year": 2036}, "$.year"),
    ({"years": "2036-2040"}, "$.years"),
    ({"years": "2035-2030"}, "$.years"),
    ({"years": "soon"}, "$.years"),
    ({"years": [2026, 2026]}, "$.years"),
    ({"years": [2026, 2040]}, "$.years"),
    ({"year": 2035, "bogus": 1}, "$.bogus"),
    ({"year": 2035, "time_limit_s": 0}, "$.time_limit_s"),
    ({"year": 2035, "time_limit_s": 7200}, "$.time_limit_s"),
    ({"year": 2035, "max_stops": 0}, "$.max_stops"),
    ({"year": 2035, "seed": -1}, "$.seed"),
    ({"year": 2035, "engine": "threads"}, "$.engine"),
    ({"year": 2035, "charger_powers_kw": [22, -7]}, "$.charger_powers_kw"),
    ({"year": 2035, "charger_powers_kw": [22, 22]}, "$.charger_powers_kw"),
    ({"year": 2035, "charger_powers_kw": [22, 50]}, "$.charger_powers_kw"),
]


def test_bad_body_is_422_with_json_paths(client, key_for) -> None:
    h = key_for(client, "planner")
    for body, loc in BAD_BODIES:  # one service for all cases (keeps the test fast)
        r = client.post(URL, json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert r.headers["content-type"] == PROBLEM
        locs = [e["loc"] for e in r.json()["errors"]]
        assert any(x == loc or x.startswith((loc + "[", loc + ".")) for x in locs), (body, locs)


def test_ray_engine_only_where_ray_is_installed(client, key_for, monkeypatch) -> None:
    h = key_for(client, "planner")
    body = {"year": 2035, "engine": "ray"}
    if importlib.util.find_spec("ray") is not None:
        assert client.post(URL, json=body, headers=h).status_code == 202
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a)
    )
    r = client.post(URL, json=body, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == "$.engine"


def test_generic_job_endpoint_names_params_paths(client, key_for) -> None:
    r = client.post(
        "/v1/jobs",
        json={"kind": "fleet-plan", "params": {"year": 2040}},
        headers=key_for(client, "planner"),
    )
    assert r.status_code == 422, r.text
    assert [e["loc"] for e in r.json()["errors"]] == ["$.params.year"]


def test_kind_is_listed_with_its_schema(client, key_for) -> None:
    kinds = client.get("/v1/job-kinds").json()
    spec = next(k for k in kinds if k["kind"] == "fleet-plan")
    assert spec["roles"] == ["planner"] and spec["max_time_limit_s"] == 3600.0
    assert {"year", "years", "max_stops", "charger_powers_kw"} <= set(
        spec["params_schema"]["properties"]
    )


def store_result(c, job_id: str, result: dict[str, Any]) -> None:
    """Finish a stored job as the dispatcher would (status, result, timings)."""
    with c.app.state.db.write() as s:
        row = s.get(Job, job_id)
        row.status = "succeeded"
        row.result = result
        row.progress = 1.0
        row.started_at = row.finished_at = utcnow()


def test_report_endpoint_codes(db_url: str, make_client, key_for) -> None:
    c = make_client(db_url, run_jobs=False)
    h = key_for(c, "planner")
    jid = c.post(URL, json={"years": [2026, 2030, 2035]}, headers=h).json()["id"]
    report = f"{URL}/{jid}/report"
    assert c.get(report).status_code == 401
    r = c.get(report, headers=h)  # queued: not finished
    assert r.status_code == 409 and r.headers["content-type"] == PROBLEM
    assert r.json()["job_status"] == "queued"
    assert c.get(report + "?format=pdf", headers=h).status_code == 422
    # unknown job, another planner's job, a job of another kind: 404
    r = c.get(f"{URL}/00000000-0000-0000-0000-000000000000/report", headers=h)
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM
    assert c.get(report, headers=key_for(c, "planner", "someone-else")).status_code == 404
    other = c.post("/v1/conversion-plans", json={}, headers=h).json()["id"]
    store_result(c, other, {"status": "optimal"})
    r = c.get(f"{URL}/{other}/report", headers=h)
    assert r.status_code == 404 and "conversion-plan" in r.json()["detail"]
    # succeeded: the stored Markdown, or an HTML page with the same charts
    data = plans()
    md = render_report(data)
    store_result(c, jid, {**data, "report_md": md})
    r = c.get(report, headers=h)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/markdown")
    assert r.text == md
    r = c.get(report + "?format=html", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert page.startswith("<!DOCTYPE html>") and "1,234.5 s" in page
    charts = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert charts == re.findall(r"<svg\b.*?</svg>", md, flags=re.S) and len(charts) == 3
    for svg in charts:
        ET.fromstring(svg)
    # platform keys see every job's report
    assert c.get(report, headers=key_for(c, "platform")).status_code == 200


def test_report_rendered_when_result_lacks_markdown(make_client, key_for) -> None:
    c = make_client(run_jobs=False)
    h = key_for(c, "planner")
    jid = c.post(URL, json={"year": 2035}, headers=h).json()["id"]
    store_result(c, jid, plan())
    r = c.get(f"{URL}/{jid}/report", headers=h)
    assert r.status_code == 200 and r.text == render_report(plan())


@pytest.mark.slow
def test_small_real_plan_runs_to_succeeded(client, key_for, wait_job) -> None:
    """A sampled 2035 plan (30 stops per representative day) through the job machinery."""
    h = key_for(client, "planner")
    body = {"year": 2035, "max_stops": 30, "seed": 1, "time_limit_s": 60}
    r = client.post(URL, json=body, headers=h)
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"], h, timeout_s=120)
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["partial"] is False
    out = client.get(f"/v1/jobs/{job['id']}/result", headers=h).json()["result"]
    assert out["year"] == 2035 and out["sampled"] is True
    assert {d["day"] for d in out["daily_check"]} == {"winter", "summer"}
    assert all(d["stops"] == 30 for d in out["daily_check"])
    pol = out["policy"]
    assert pol["target_new_energy_vehicles"] == pol["baseline_vehicles"] + 3000
    assert pol["additional_vehicles"] == 3000 and pol["baseline_year"] == 2025
    assert out["policy"]["planned_new_energy_vehicles"] >= 1
    assert {c["site"] for c in out["chargers"]} and out["cost"]["total_cny_per_year"] > 0
    md = client.get(f"{URL}/{job['id']}/report", headers=h)
    assert md.status_code == 200 and md.text == out["report_md"]
    n = out["policy"]["planned_new_energy_vehicles"]
    assert f"{n:,} (sampled days: not comparable with the plan's target" in md.text
    page = client.get(f"{URL}/{job['id']}/report?format=html", headers=h)
    assert page.status_code == 200 and page.text.count("<svg") == 3


def test_typed_plan_endpoint_answers_the_stored_plan(make_client, key_for) -> None:
    c = make_client(run_jobs=False)
    h = key_for(c, "planner")
    one = c.post(URL, json={"year": 2035}, headers=h).json()["id"]
    many = c.post(URL, json={"years": "2026-2035"}, headers=h).json()["id"]
    r = c.get(f"{URL}/{one}", headers=h)
    assert r.status_code == 409 and r.headers["content-type"] == PROBLEM  # not finished
    data = plan()
    data["policy"]["depot_rebalancing"] = [
        {"day": "winter", "from": "dep_a", "to": "dep_b", "parts": 2, "stops": 140}
    ]
    store_result(c, one, {**data, "report_md": "# report"})
    store_result(c, many, plans())  # an answer without kind (older results) reads too
    r = c.get(f"{URL}/{one}", headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == one and body["report_md"] == "# report" and body["partial"] is False
    got = body["plan"]
    assert got["kind"] == "fleet-plan" and got["year"] == 2035
    assert got["vehicles"] == data["vehicles"]  # the contract's field names and values
    assert got["policy"]["depot_rebalancing"] == data["policy"]["depot_rebalancing"]
    assert got["cost"] == data["cost"]
    assert without_nulls(got["assumptions"]) == data["assumptions"]  # typed: absent -> null
    r = c.get(f"{URL}/{many}", headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["plan"]["kind"] == "fleet-plan-set" and r.json()["report_md"] is None
    assert [p["year"] for p in r.json()["plan"]["plans"]] == [2026, 2030, 2035]
    # a stored result that breaks the model is the service's fault, with a safe message
    bad = c.post(URL, json={"year": 2030}, headers=h).json()["id"]
    store_result(c, bad, {**plan(), "vehicles": "none"})
    r = c.get(f"{URL}/{bad}", headers=h)
    assert r.status_code == 500 and r.headers["content-type"] == PROBLEM


def without_nulls(value: Any) -> Any:
    """``value`` without null, empty-list and empty-object members (recursively)."""
    if isinstance(value, dict):
        kept = {k: without_nulls(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, [], {})}
    return value


def test_openapi_types_the_fleet_plan_result(client) -> None:
    """The plan endpoint's schema is the model's typed fields, not a free-form object."""
    doc = client.get("/v1/openapi.json").json()
    op = doc["paths"]["/v1/fleet/plans/{job_id}"]["get"]
    assert op["operationId"] == "getFleetPlan"
    comps = doc["components"]["schemas"]

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        return comps[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node

    result = resolve(op["responses"]["200"]["content"]["application/json"]["schema"])
    kinds = result["properties"]["plan"]["discriminator"]["mapping"]
    assert set(kinds) == {"fleet-plan", "fleet-plan-set"}
    fleet_plan = resolve({"$ref": kinds["fleet-plan"]})
    props = fleet_plan["properties"]
    assert {"year", "vehicles", "chargers", "daily_check", "policy", "cost", "kind"} <= set(props)
    assert props["year"]["type"] == "integer" and props["overnight_energy_ok"]["type"] == "boolean"
    row = resolve(props["vehicles"]["items"])
    assert row["properties"]["count"]["type"] == "integer"
    assert {"type", "depot", "count", "powertrain", "refrigerated"} <= set(row["required"])
    charger = resolve(props["chargers"]["items"])
    assert {"anyOf": [{"type": "number"}, {"type": "null"}]}.items() <= charger["properties"][
        "peak_kw"
    ].items()
    policy = resolve(props["policy"])
    move = resolve(policy["properties"]["depot_rebalancing"]["items"])
    assert set(move["required"]) == {"day", "from", "to", "parts", "stops"}
    # no open object: the assumptions are typed too
    open_objects = [
        k for k, v in props.items() if v.get("type") == "object" and "properties" not in v
    ]
    assert open_objects == []
    assumed = resolve(props["assumptions"])["properties"]
    assert resolve(assumed["vehicles"]["additionalProperties"])["properties"]["battery_kwh"]
    assert resolve(assumed["tariff_cny_per_kwh"]["items"])["required"] == [
        "from_min",
        "to_min",
        "cny_per_kwh",
    ]


def test_scenario_of_the_callers_org_goes_to_the_job(db_url: str, make_client, key_for) -> None:
    c = make_client(db_url, run_jobs=False)
    a, b = key_for(c, "planner", "org-a"), key_for(c, "planner", "org-b")
    sc = {"name": "no east hub", "base_year": 2030,
          "changes": [{"op": "remove", "table": "links", "id": "d_hub_east_industrial__j_312_e"},
                      {"op": "remove", "table": "nodes", "id": "hub_east_industrial"}]}  # fmt: skip
    made = c.post("/v1/scenarios", json=sc, headers=a)
    assert made.status_code == 201, made.text
    sid = made.json()["id"]
    r = c.post(f"{URL}?scenario={sid}", json={"year": 2030}, headers=a)
    assert r.status_code == 202, r.text
    with c.app.state.db.read() as s:
        row = s.get(Job, r.json()["id"])
        assert row is not None and row.params["network_scenario"]["id"] == sid
    assert c.post(f"{URL}?scenario={sid}", json={"year": 2030}, headers=b).status_code == 404
    assert c.post(f"{URL}?scenario=nope", json={"year": 2030}, headers=a).status_code == 404
