"""POST /v1/conversion-plans: a planner job; auth, validation, a finished Kuytun plan."""

from __future__ import annotations

import pytest

from tests.freight.conversion.conftest import tiny_data


def test_conversion_needs_planner_key(client, key_for) -> None:
    assert client.post("/v1/conversion-plans", json={}).status_code == 401
    op = key_for(client, "operator")
    assert client.post("/v1/conversion-plans", json={}, headers=op).status_code == 403


@pytest.mark.parametrize(
    "body",
    [{"co2_price_cny_per_t": -1}, {"pool_max_teu": -3}, {"time_limit_s": 0}, {"bogus": 1}],
)
def test_conversion_params_validated(client, key_for, body) -> None:
    r = client.post("/v1/conversion-plans", json=body, headers=key_for(client, "planner"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_conversion_job_returns_the_issue_contract(client, key_for, wait_job) -> None:
    hdr = key_for(client, "planner")
    r = client.post("/v1/conversion-plans", json={"time_limit_s": 20}, headers=hdr)
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"], hdr, timeout_s=90)
    assert job["status"] == "succeeded", job
    out = client.get(f"/v1/jobs/{job['id']}/result", headers=hdr).json()["result"]
    assert out["status"] in {"optimal", "feasible"}
    assert out["gap"] <= 0.01
    assert len(out["flows"]) >= 10
    assert {f["mode"] for f in out["flows"]} <= {"bulk_rail", "container_rail", "road"}
    assert set(out["baselines"]) == {"all_bulk", "all_container"}
    assert out["objective_cny"] <= out["baselines"]["all_bulk"] + 1e-3


def test_conversion_job_with_bad_scenario_fails_as_input_error(client, key_for, wait_job) -> None:
    hdr = key_for(client, "planner")
    data = tiny_data()
    data["pool"]["dwell_days"] = "three"
    r = client.post("/v1/conversion-plans", json={"scenario": data}, headers=hdr)
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"], hdr, timeout_s=60)
    assert job["status"] == "failed", job
    assert "pool.dwell_days" in str(job["error"])


def test_conversion_job_infeasible_names_binding(client, key_for, wait_job) -> None:
    hdr = key_for(client, "planner")
    data = tiny_data()
    data["commodities"]["grain"]["min_converted_share"] = 1.0
    r = client.post("/v1/conversion-plans", json={"scenario": data, "pool_max_teu": 0}, headers=hdr)
    job = wait_job(client, r.json()["id"], hdr, timeout_s=60)
    assert job["status"] == "failed", job
    assert "policy_floor:grain" in str(job["error"])


@pytest.mark.db
def test_conversion_takes_the_year_and_a_scenario_of_the_callers_org(
    db_url, make_client, key_for
) -> None:
    from sqlalchemy import select

    from api.db import Job

    c = make_client(db_url, run_jobs=False)
    a, b = key_for(c, "planner", "org-a"), key_for(c, "planner", "org-b")
    sc = {"name": "no Kuqa railway", "base_year": 2035,
          "changes": [{"op": "remove", "table": "links", "id": "r_kuytun__kuqa"}]}  # fmt: skip
    sid = c.post("/v1/scenarios", json=sc, headers=a).json()["id"]
    r = c.post(f"/v1/conversion-plans?scenario={sid}&year=2035", json={}, headers=a)
    assert r.status_code == 202, r.text
    with c.app.state.db.read() as s:
        params = s.scalar(select(Job.params).where(Job.id == r.json()["id"]))
    assert params["network_year"] == 2035 and params["network_scenario"]["id"] == sid
    assert c.post(f"/v1/conversion-plans?scenario={sid}", json={}, headers=b).status_code == 404
    assert c.post("/v1/conversion-plans?scenario=nope", json={}, headers=a).status_code == 404
    bad = c.post("/v1/conversion-plans?year=1999", json={}, headers=a)
    assert bad.status_code == 422 and "year" in bad.json()["errors"][0]["loc"]
