"""``freight worker`` processes apart from the API: one database queue, each job run once,
kill -9 recovery by another worker, cancel reaching a worker's solver process."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.db import Database, run_migrations
from api.security import create_key
from api.worker import READY
from tests.api.procs import children, pid_alive

pytestmark = [pytest.mark.db, pytest.mark.slow]

EDGES = [
    {"id": "sa", "u": "s", "v": "a", "length_km": 1},
    {"id": "at", "u": "a", "v": "t", "length_km": 1},
    {"id": "st", "u": "s", "v": "t", "length_km": 3},
]
FINISHED = ("succeeded", "failed", "cancelled")


def study(seed: int, time_limit_s: float, samples: int = 10_000_000) -> dict[str, Any]:
    """A resilience study that runs until its time limit (then answers partial: true)."""
    return {
        "edges": EDGES,
        "pairs": [["s", "t"]],
        "samples": samples,
        "seed": seed,
        "time_limit_s": time_limit_s,
    }


class Worker:
    """``freight worker`` in a subprocess; ``runner_id`` is read from its ready line."""

    def __init__(self, db_url: str, slots: int = 1) -> None:
        env = {
            **os.environ,
            "FREIGHT_DATABASE_URL": db_url,
            "FREIGHT_LOG_LEVEL": "WARNING",
        }
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "freight"), "worker", "--slots", str(slots)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.runner_id = self._wait_ready()

    def _wait_ready(self, timeout_s: float = 60.0) -> str:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited with {self.proc.returncode}")
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if ready:
                line = self.proc.stdout.readline().decode()
                if line.startswith(READY):
                    return line.split(": ", 1)[1].split()[0]
        raise RuntimeError("worker did not become ready")

    def solver_pids(self) -> list[int]:
        """Child processes of this worker (its ``api.jobworker`` solver processes)."""
        return children(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture()
def workers() -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(db_url: str, slots: int = 1) -> Worker:
        w = Worker(db_url, slots)
        started.append(w)
        return w

    yield start
    for w in started:
        w.stop()


@pytest.fixture()
def pg_url(pg_admin: Any) -> Iterator[str]:
    from tests.api.conftest import fresh_pg_schema

    with fresh_pg_schema(pg_admin) as url:
        yield url


def planner_key(db_url: str) -> dict[str, str]:
    db = Database(db_url)
    try:
        run_migrations(db)
        _, secret = create_key(db, "planner", "worker-test")
    finally:
        db.dispose()
    return {"Authorization": f"Bearer {secret}"}


def wait_status(
    http: httpx.Client, jid: str, auth: dict[str, str], want: tuple[str, ...], timeout_s: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        job = http.get(f"/v1/jobs/{jid}", headers=auth).json()
        if job["status"] in want:
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.1)


def runner_of(db_url: str, jid: str) -> str | None:
    from api.db import Job

    db = Database(db_url)
    try:
        with db.read() as s:
            job = s.get(Job, jid)
            assert job is not None
            return job.runner_id
    finally:
        db.dispose()


def test_api_without_slots_and_two_workers_run_each_job_once(
    db_url: str, live_server, workers
) -> None:
    auth = planner_key(db_url)
    api = live_server(db_url, FREIGHT_JOB_WORKERS="0")
    pair = [workers(db_url), workers(db_url)]
    with httpx.Client(base_url=api.base, timeout=30) as http:
        ids = [
            http.post("/v1/network/resilience", json=study(i, 1.0), headers=auth).json()["id"]
            for i in range(6)
        ]
        jobs = [wait_status(http, jid, auth, FINISHED, 90) for jid in ids]
    assert all(j["status"] == "succeeded" and j["partial"] is True for j in jobs), jobs
    assert all(j["attempts"] == 1 for j in jobs), jobs  # none was run twice
    runners = {runner_of(db_url, jid) for jid in ids}
    assert runners == {w.runner_id for w in pair}  # both workers solved, the API none


def test_kill_9_of_a_worker_mid_job_and_another_worker_finishes_it(
    pg_url: str, live_server, workers
) -> None:
    auth = planner_key(pg_url)
    api = live_server(pg_url, FREIGHT_JOB_WORKERS="0")
    pair = {w.runner_id: w for w in (workers(pg_url), workers(pg_url))}
    with httpx.Client(base_url=api.base, timeout=30) as http:
        jid = http.post("/v1/network/resilience", json=study(1, 3.0), headers=auth).json()["id"]
        wait_status(http, jid, auth, ("running",), 60)
        first = runner_of(pg_url, jid)
        assert first in pair
        victim = pair[first]
        deadline = time.monotonic() + 20
        while not victim.solver_pids():
            assert time.monotonic() < deadline, "the worker started no solver process"
            time.sleep(0.1)
        solver = victim.solver_pids()[0]
        victim.proc.kill()  # kill -9 mid-job
        victim.proc.wait(10)
        job = wait_status(http, jid, auth, FINISHED, 90)
    assert job["status"] == "succeeded" and job["attempts"] == 2, job
    assert job["partial"] is True
    (survivor,) = set(pair) - {first}
    assert runner_of(pg_url, jid) == survivor
    deadline = time.monotonic() + 10
    while pid_alive(solver):  # the orphaned solver process gave up its core
        assert time.monotonic() < deadline, "solver of the killed worker still running"
        time.sleep(0.2)


def test_cancel_reaches_a_job_running_in_a_worker(pg_url: str, live_server, workers) -> None:
    auth = planner_key(pg_url)
    api = live_server(pg_url, FREIGHT_JOB_WORKERS="0")
    worker = workers(pg_url)
    with httpx.Client(base_url=api.base, timeout=30) as http:
        jid = http.post("/v1/network/resilience", json=study(2, 120), headers=auth).json()["id"]
        wait_status(http, jid, auth, ("running",), 60)
        deadline = time.monotonic() + 20
        while not worker.solver_pids():
            assert time.monotonic() < deadline, "the worker started no solver process"
            time.sleep(0.1)
        (solver,) = worker.solver_pids()
        r = http.delete(f"/v1/jobs/{jid}", headers=auth)
        assert r.status_code == 200 and r.json()["status"] == "cancelled"
        deadline = time.monotonic() + 10
        while pid_alive(solver):
            assert time.monotonic() < deadline, "solver process still alive after cancel"
            time.sleep(0.1)
        # the slot is free again: the worker (one slot) solves the next job
        nxt = http.post("/v1/network/resilience", json=study(3, 0.5), headers=auth).json()["id"]
        done = wait_status(http, nxt, auth, FINISHED, 60)
        assert done["status"] == "succeeded", done
        assert http.get(f"/v1/jobs/{jid}", headers=auth).json()["status"] == "cancelled"
    assert runner_of(pg_url, nxt) == worker.runner_id


def test_sigterm_hands_the_running_job_back_and_another_worker_runs_it(
    pg_url: str, live_server, workers
) -> None:
    auth = planner_key(pg_url)
    api = live_server(pg_url, FREIGHT_JOB_WORKERS="0")
    first = workers(pg_url)
    with httpx.Client(base_url=api.base, timeout=30) as http:
        jid = http.post("/v1/network/resilience", json=study(4, 2.0), headers=auth).json()["id"]
        wait_status(http, jid, auth, ("running",), 60)
        first.proc.send_signal(signal.SIGTERM)
        assert first.proc.wait(20) == 0
        job = http.get(f"/v1/jobs/{jid}", headers=auth).json()
        assert job["status"] == "queued" and job["attempts"] == 0, job  # handed back
        second = workers(pg_url)
        job = wait_status(http, jid, auth, FINISHED, 60)
    assert job["status"] == "succeeded" and job["attempts"] == 1, job
    assert runner_of(pg_url, jid) == second.runner_id


@pytest.mark.parametrize(
    "url,message",
    [
        ("nonsense", "is not a database URL"),
        ("postgresql+psycopg://u:secret@127.0.0.1:1/x", "cannot reach the database"),
    ],
)
def test_worker_says_what_is_wrong_with_the_database(url: str, message: str) -> None:
    out = subprocess.run(
        [str(Path(sys.executable).parent / "freight"), "worker", "--wait-for-db", "0"],
        env={**os.environ, "FREIGHT_DATABASE_URL": url, "FREIGHT_LOG_LEVEL": "ERROR"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert message in out.stderr and "Traceback" not in out.stderr
    assert "secret" not in out.stderr
