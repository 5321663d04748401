"""``python3 dev.py stack`` (compose.yaml without Docker): the service with no local solver
slots and a separate worker on PostgreSQL; a job is solved by the worker; kill -9 of the
worker mid-job, and the restarted worker takes the job up again and finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.db import Database, Job
from api.security import create_key
from tests.api.conftest import free_port, fresh_pg_schema
from tests.api.procs import children, pid_alive

pytestmark = [pytest.mark.db, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
EDGES = [
    {"id": "sa", "u": "s", "v": "a", "length_km": 1},
    {"id": "at", "u": "a", "v": "t", "length_km": 1},
    {"id": "st", "u": "s", "v": "t", "length_km": 3},
]


@pytest.fixture()
def pg_url(pg_admin: Any) -> Iterator[str]:
    with fresh_pg_schema(pg_admin) as url:
        yield url


@pytest.fixture()
def stack(pg_url: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``dev.py stack --no-venv`` on a fresh schema; yields (process, base URL)."""
    port = free_port()
    env = {**os.environ, "FREIGHT_RATE_LIMITS": "off", "FREIGHT_LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, str(ROOT / "dev.py"), "stack", "--no-venv", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--database-url", pg_url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, f"dev.py stack exited with {proc.returncode}"
            assert time.monotonic() < deadline, "the stack's service did not become healthy"
            try:
                if httpx.get(base + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(40)
            except subprocess.TimeoutExpired:
                for pid in children(proc.pid):
                    os.kill(pid, signal.SIGKILL)
                proc.kill()
                proc.wait(5)


def job_row(db_url: str, jid: str) -> tuple[str, str | None, int]:
    db = Database(db_url)
    try:
        with db.read() as s:
            job = s.get(Job, jid)
            assert job is not None
            return job.status, job.runner_id, job.attempts
    finally:
        db.dispose()


def test_stack_worker_solves_and_a_killed_worker_is_replaced(pg_url: str, stack) -> None:
    proc, base = stack
    db = Database(pg_url)
    try:
        _, secret = create_key(db, "planner", "stack")
    finally:
        db.dispose()
    auth = {"Authorization": f"Bearer {secret}"}
    body = {"edges": EDGES, "pairs": [["s", "t"]], "samples": 10_000_000, "time_limit_s": 3}
    with httpx.Client(base_url=base, timeout=30) as http:
        jid = http.post("/v1/network/resilience", json=body, headers=auth).json()["id"]
        deadline = time.monotonic() + 60
        while (row := job_row(pg_url, jid))[0] != "running":
            assert time.monotonic() < deadline, row
            time.sleep(0.1)
        runner = row[1]
        assert runner is not None
        worker_pid = int(runner.split(":")[1])
        assert worker_pid in children(proc.pid)  # a separate worker of the stack runs it
        os.kill(worker_pid, signal.SIGKILL)  # kill -9 mid-job
        deadline = time.monotonic() + 120
        while (job := http.get(f"/v1/jobs/{jid}", headers=auth).json())["status"] not in (
            "succeeded",
            "failed",
            "cancelled",
        ):
            assert time.monotonic() < deadline, job
            time.sleep(0.2)
    assert job["status"] == "succeeded" and job["attempts"] == 2 and job["partial"] is True, job
    _, second, _ = job_row(pg_url, jid)
    assert second is not None and second != runner
    assert int(second.split(":")[1]) in children(proc.pid)  # the restarted worker
    assert not pid_alive(worker_pid)
    # a clean stop ends every process of the stack
    kids = children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(40) == 0
    assert not any(pid_alive(pid) for pid in kids)
