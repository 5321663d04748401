"""Real HTTP against a live ``freight serve``: concurrent writers, and kill -9 recovery."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from api.db import Database, Job
from api.security import create_key

pytestmark = [pytest.mark.db, pytest.mark.slow]

EDGES = [
    {"id": "sa", "u": "s", "v": "a", "length_km": 1},
    {"id": "at", "u": "a", "v": "t", "length_km": 1},
    {"id": "st", "u": "s", "v": "t", "length_km": 3},
]


def body(seed: int, samples: int = 20, time_limit_s: float = 10) -> dict:
    return {
        "edges": EDGES,
        "pairs": [["s", "t"]],
        "samples": samples,
        "seed": seed,
        "time_limit_s": time_limit_s,
    }


def make_key(db_url: str, role: str = "planner") -> dict[str, str]:
    db = Database(db_url)
    from api.db import run_migrations

    run_migrations(db)
    _, secret = create_key(db, role, "live")
    db.dispose()
    return {"Authorization": f"Bearer {secret}"}


def test_concurrent_job_creation_loses_nothing(db_url, live_server) -> None:
    auth = make_key(db_url)
    server = live_server(db_url, FREIGHT_JOB_WORKERS="1")
    url = server.base + "/v1/network/resilience"

    def post(i: int) -> tuple[int, str]:
        with httpx.Client(timeout=30) as http:
            r = http.post(url, json=body(i), headers=auth)
            return r.status_code, r.json().get("id", r.text)

    def post_same_key(i: int) -> tuple[int, str]:
        with httpx.Client(timeout=30) as http:
            r = http.post(url, json=body(999), headers={**auth, "Idempotency-Key": "dup"})
            return r.status_code, r.json().get("id", r.text)

    with ThreadPoolExecutor(max_workers=12) as pool:
        created = list(pool.map(post, range(60)))
        dups = list(pool.map(post_same_key, range(12)))
    assert all(code == 202 for code, _ in created), created
    ids = {jid for _, jid in created}
    assert len(ids) == 60
    assert all(code == 202 for code, _ in dups), dups
    assert len({jid for _, jid in dups}) == 1  # concurrent replays: one job
    db = Database(db_url)
    try:
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(Job)) == 61
            stored = set(s.scalars(select(Job.id)).all())
        assert ids <= stored
    finally:
        db.dispose()
    with httpx.Client(base_url=server.base, timeout=30) as http:
        for jid in list(ids)[:10]:
            job = http.get(f"/v1/jobs/{jid}", headers=auth).json()
            assert job["status"] in ("queued", "running", "succeeded"), job
        page = http.get("/v1/jobs?limit=500", headers=auth).json()
        assert page["total"] == 61


def test_job_survives_kill_9_of_the_service(db_url, live_server) -> None:
    auth = make_key(db_url)
    server = live_server(db_url, FREIGHT_JOB_WORKERS="1")
    with httpx.Client(base_url=server.base, timeout=30) as http:
        r = http.post(
            "/v1/network/resilience", json=body(1, 10_000_000, time_limit_s=2), headers=auth
        )
        assert r.status_code == 202
        jid = r.json()["id"]
        deadline = time.monotonic() + 30
        while http.get(f"/v1/jobs/{jid}", headers=auth).json()["status"] != "running":
            assert time.monotonic() < deadline
            time.sleep(0.1)
    server.kill9()
    db = Database(db_url)
    try:
        with db.read() as s:
            assert s.get(Job, jid).status == "running"  # left behind by the dead process
    finally:
        db.dispose()
    again = live_server(db_url, FREIGHT_JOB_WORKERS="1")
    with httpx.Client(base_url=again.base, timeout=30) as http:
        deadline = time.monotonic() + 45
        while True:
            job = http.get(f"/v1/jobs/{jid}", headers=auth).json()
            if job["status"] in ("succeeded", "failed", "cancelled"):
                break
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
    assert job["status"] == "succeeded" and job["attempts"] == 2, job
    assert job["partial"] is True
