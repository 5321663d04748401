"""The job framework end to end: persistence, idempotency, cancel, time limits, recovery."""

from __future__ import annotations

import math
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import select

from api.db import Job, utcnow

pytestmark = pytest.mark.db

# The bridge network; exact s-t connectivity with link survival q = 0.8 is
# 2q^2 + 2q^3 - 5q^4 + 2q^5 = 0.91136 (also brute-forced in test_resilience_kind.py).
BRIDGE = [
    {"id": "sa", "u": "s", "v": "a", "length_km": 1},
    {"id": "sb", "u": "s", "v": "b", "length_km": 2},
    {"id": "ab", "u": "a", "v": "b", "length_km": 1},
    {"id": "at", "u": "a", "v": "t", "length_km": 2},
    {"id": "bt", "u": "b", "v": "t", "length_km": 1},
]
EXACT_ST = 0.91136


def study(samples: int = 400, seed: int = 1, time_limit_s: float = 20, **kw) -> dict:
    return {
        "edges": BRIDGE,
        "pairs": [["s", "t"]],
        "failure_probability": 0.2,
        "samples": samples,
        "seed": seed,
        "time_limit_s": time_limit_s,
        **kw,
    }


def test_job_lifecycle_persisted_before_answer(db_url: str, make_client, key_for, wait_job) -> None:
    c = make_client(db_url, run_jobs=False)
    h = key_for(c, "planner")
    r = c.post("/v1/network/resilience", json=study(samples=2000), headers=h)
    assert r.status_code == 202, r.text
    body = r.json()
    assert set(body) >= {"id", "status", "links"} and body["status"] == "queued"
    assert r.headers["location"] == f"/v1/jobs/{body['id']}"
    with c.app.state.db.read() as s:  # committed before the 202 went out
        row = s.get(Job, body["id"])
        assert row is not None and row.status == "queued" and row.params["samples"] == 2000
    r = c.get(f"/v1/jobs/{body['id']}/result", headers=h)
    assert r.status_code == 409 and r.json()["job_status"] == "queued"
    # now run it: a dispatcher in this process
    from api.jobs.dispatcher import Dispatcher

    d = Dispatcher(c.app.state.db, c.app.state.settings)
    c.app.state.dispatcher = d
    d.start()
    try:
        job = wait_job(c, body["id"], h)
    finally:
        d.stop()
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0 and job["partial"] is False and job["attempts"] == 1
    assert job["timings"]["run_s"] > 0 and job["timings"]["started_at"]
    res = c.get(f"/v1/jobs/{body['id']}/result", headers=h).json()
    share = res["result"]["pairs"][0]["connected_share"]
    assert abs(share - EXACT_ST) < 4 * math.sqrt(EXACT_ST * (1 - EXACT_ST) / 2000)


def test_idempotency_key(db_url: str, make_client, key_for) -> None:
    c = make_client(db_url, run_jobs=False)
    h = key_for(c, "planner")
    other = key_for(c, "platform", "other")
    k = {"Idempotency-Key": "order-42"}
    a = c.post("/v1/network/resilience", json=study(), headers={**h, **k})
    b = c.post("/v1/network/resilience", json=study(), headers={**h, **k})
    assert a.status_code == b.status_code == 202
    assert a.json()["id"] == b.json()["id"]
    conflict = c.post("/v1/network/resilience", json=study(seed=2), headers={**h, **k})
    assert conflict.status_code == 409
    assert conflict.headers["content-type"] == "application/problem+json"
    # same key, another client: another job
    d = c.post("/v1/network/resilience", json=study(), headers={**other, **k})
    assert d.status_code == 202 and d.json()["id"] != a.json()["id"]
    # the generic endpoint shares the kind's identity
    g = c.post(
        "/v1/jobs", json={"kind": "network-resilience", "params": study()}, headers={**h, **k}
    )
    assert g.status_code == 202 and g.json()["id"] == a.json()["id"]
    with c.app.state.db.read() as s:
        assert len(s.scalars(select(Job)).all()) == 2


def test_list_filters_and_pagination(db_url: str, make_client, key_for) -> None:
    c = make_client(db_url, run_jobs=False)
    h = key_for(c, "planner")
    ids = [
        c.post("/v1/network/resilience", json=study(seed=i), headers=h).json()["id"]
        for i in range(5)
    ]
    c.delete(f"/v1/jobs/{ids[0]}", headers=h)
    page = c.get("/v1/jobs?limit=2", headers=h).json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["next"]
    page2 = c.get(page["next"], headers=h).json()
    assert {j["id"] for j in page["items"]}.isdisjoint({j["id"] for j in page2["items"]})
    queued = c.get("/v1/jobs?status=queued&kind=network-resilience", headers=h).json()
    assert queued["total"] == 4
    assert c.get("/v1/jobs?status=cancelled", headers=h).json()["items"][0]["id"] == ids[0]
    # another planner sees none of them; platform sees all
    assert c.get("/v1/jobs", headers=key_for(c, "planner", "p2")).json()["total"] == 0
    assert c.get("/v1/jobs", headers=key_for(c, "platform")).json()["total"] == 5
    assert c.get(f"/v1/jobs/{ids[1]}", headers=key_for(c, "planner", "p3")).status_code == 404


def test_cancel_terminates_running_worker(db_url: str, make_client, key_for) -> None:
    c = make_client(db_url, job_workers=1)
    h = key_for(c, "planner")
    jid = c.post(
        "/v1/network/resilience", json=study(samples=10_000_000, time_limit_s=120), headers=h
    ).json()["id"]
    d = c.app.state.dispatcher
    deadline = time.monotonic() + 20
    while c.get(f"/v1/jobs/{jid}", headers=h).json()["status"] != "running" or (
        jid not in d.running
    ):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    proc = d.running[jid].process
    r = c.delete(f"/v1/jobs/{jid}", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    deadline = time.monotonic() + 10
    while proc.poll() is None:
        assert time.monotonic() < deadline, "worker process still alive after cancel"
        time.sleep(0.1)
    # the dispatcher writes any outcome of a run before it forgets the run: once the job
    # has left ``running``, nothing will write its row again
    deadline = time.monotonic() + 10
    while jid in d.running:
        assert time.monotonic() < deadline, "dispatcher still tracks the cancelled job"
        time.sleep(0.05)
    job = c.get(f"/v1/jobs/{jid}", headers=h).json()
    assert job["status"] == "cancelled"  # the dispatcher did not overwrite it
    assert c.delete(f"/v1/jobs/{jid}", headers=h).status_code == 200  # idempotent


def test_time_limit_returns_partial_best_so_far(make_client, key_for, wait_job) -> None:
    c = make_client()
    h = key_for(c, "planner")
    jid = c.post(
        "/v1/network/resilience", json=study(samples=10_000_000, time_limit_s=1), headers=h
    ).json()["id"]
    job = wait_job(c, jid, h)
    assert job["status"] == "succeeded" and job["partial"] is True
    res = c.get(f"/v1/jobs/{jid}/result", headers=h).json()
    assert res["partial"] is True
    assert 0 < res["result"]["samples_done"] < 10_000_000


def test_runner_input_error_fails_job_with_json_path(make_client, key_for, wait_job) -> None:
    c = make_client()
    h = key_for(c, "planner")
    body = study()
    body["pairs"] = [["s", "mars"]]
    jid = c.post("/v1/network/resilience", json=body, headers=h).json()["id"]
    job = wait_job(c, jid, h)
    assert job["status"] == "failed"
    assert job["error"]["status"] == 422
    assert job["error"]["errors"][0]["loc"] == "$.pairs[0][1]"


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.mark.parametrize("attempts,expect", [(1, "succeeded"), (2, "failed")])
def test_orphaned_running_job_is_recovered_at_startup(
    db_url: str, make_client, attempts: int, expect: str, key_for, wait_job
) -> None:
    import socket

    from api.db import Database, run_migrations
    from api.jobs.service import params_digest

    db = Database(db_url)
    run_migrations(db)
    jid = str(uuid.uuid4())
    params = {**study(samples=50), "modes": ["rail"]}
    with db.write() as s:
        s.add(
            Job(
                id=jid,
                kind="network-resilience",
                status="running",
                params=params,
                params_sha256=params_digest("network-resilience", params),
                owner="key:1",
                progress=0.4,
                message="running",
                time_limit_s=20,
                attempts=attempts,
                runner_id=f"{socket.gethostname()}:{_dead_pid()}:deadbeef",
                cancel_requested=False,
                partial=False,
                created_at=utcnow(),
                started_at=utcnow(),
                heartbeat_at=utcnow(),  # fresh heartbeat: the dead pid alone must reveal it
            )
        )
    db.dispose()
    c = make_client(db_url, job_max_attempts=2)
    h = key_for(c, "admin")  # key id 1 owns the job
    job = wait_job(c, jid, h)
    assert job["status"] == expect, job
    if expect == "failed":
        assert "died" in job["error"]["detail"]
    else:
        assert job["attempts"] == 2


def test_two_dispatchers_never_run_a_job_twice(db_url: str, make_client, key_for) -> None:
    from api.jobs.dispatcher import Dispatcher

    c = make_client(db_url, run_jobs=False, job_workers=2)
    h = key_for(c, "planner")
    ids = [
        c.post("/v1/network/resilience", json=study(samples=30, seed=i), headers=h).json()["id"]
        for i in range(5)
    ]
    pair = [Dispatcher(c.app.state.db, c.app.state.settings) for _ in range(2)]
    for d in pair:
        d.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            with c.app.state.db.read() as s:
                rows = s.scalars(select(Job).where(Job.id.in_(ids))).all()
                if all(r.status == "succeeded" for r in rows):
                    break
            assert time.monotonic() < deadline, [r.status for r in rows]
            time.sleep(0.2)
    finally:
        for d in pair:
            d.stop()
    assert all(r.attempts == 1 for r in rows)
    runners = {r.runner_id for r in rows}
    assert runners <= {d.runner_id for d in pair}


def test_every_job_runner_is_a_domain_function() -> None:
    """Runners live in ``freight.*`` (pure functions); the API only queues and dispatches."""
    from api.jobs import load_job_kinds, register_job_kind
    from api.jobworker import resolve_runner

    kinds = load_job_kinds()
    assert {"network-resilience", "assignment", "conversion-plan", "fleet-plan", "fleet-route"} <= {
        k.kind for k in kinds
    }
    for spec in kinds:
        assert spec.runner.startswith("freight."), spec
        assert callable(resolve_runner(spec.runner)), spec
    with pytest.raises(ValueError, match="domain package"):
        register_job_kind("api-side", "api.routes.network:router")
