"""POST /v1/assignments: a planner job; auth, validation, and a finished run on Kuytun."""

from __future__ import annotations

import pytest


def test_assignment_needs_planner_key(client, key_for) -> None:
    assert client.post("/v1/assignments", json={"year": 2025}).status_code == 401
    op = key_for(client, "operator")
    assert client.post("/v1/assignments", json={"year": 2025}, headers=op).status_code == 403


@pytest.mark.parametrize(
    "body", [{"year": 1900}, {"co2_price_cny_per_t": -1}, {"scale": 99}, {"bogus": 1}]
)
def test_assignment_params_validated(client, key_for, body) -> None:
    r = client.post("/v1/assignments", json=body, headers=key_for(client, "planner"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_assignment_job_runs_to_a_capacity_feasible_answer(client, key_for, wait_job) -> None:
    hdr = key_for(client, "planner")
    r = client.post("/v1/assignments", json={"year": 2025, "time_limit_s": 60}, headers=hdr)
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["id"], hdr, timeout_s=120)
    assert job["status"] == "succeeded", job
    out = client.get(f"/v1/jobs/{job['id']}/result", headers=hdr).json()["result"]
    assert out["shipments"] >= 10_000
    total = out["tonnes_assigned"] + out["tonnes_unassigned"]
    assert total == pytest.approx(out["tonnes_total"], rel=1e-9)
    assert all(u["load"] <= u["capacity"] * (1 + 1e-6) for u in out["utilization"])
    assert 0.0 <= out["rail_share"] <= 1.0
    assert "overloaded" in out["uncapacitated"]


@pytest.mark.db
def test_assignment_takes_the_year_and_a_scenario_of_the_callers_org(
    db_url, make_client, key_for
) -> None:
    """``?year=`` and ``?scenario=`` pin the job's network (the runner gets the scenario's
    patch; tests/freight/assign shows that it changes the answer); an unknown scenario or
    another organisation's is 404, a bad year 422 naming the query parameter."""
    from sqlalchemy import select

    from api.db import Job

    c = make_client(db_url, run_jobs=False)
    a, b = key_for(c, "planner", "org-a"), key_for(c, "planner", "org-b")
    sc = {"name": "no Kuqa railway", "base_year": 2035,
          "changes": [{"op": "remove", "table": "links", "id": "r_kuytun__kuqa"}]}  # fmt: skip
    sid = c.post("/v1/scenarios", json=sc, headers=a).json()["id"]
    body = {"year": 2025, "time_limit_s": 5}
    r = c.post(f"/v1/assignments?scenario={sid}&year=2036", json=body, headers=a)
    assert r.status_code == 202, r.text
    with c.app.state.db.read() as s:
        params = s.scalar(select(Job.params).where(Job.id == r.json()["id"]))
    assert params["network_year"] == 2036
    assert params["network_scenario"]["id"] == sid
    assert params["network_scenario"]["changes"] == [{**sc["changes"][0], "values": {}}]
    assert c.post(f"/v1/assignments?scenario={sid}", json=body, headers=b).status_code == 404
    unknown = c.post("/v1/assignments?scenario=nope", json=body, headers=a)
    assert unknown.status_code == 404 and "nope" in unknown.text
    bad = c.post("/v1/assignments?year=1999", json=body, headers=a)
    assert bad.status_code == 422 and "year" in bad.json()["errors"][0]["loc"]
