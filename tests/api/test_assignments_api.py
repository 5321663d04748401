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
