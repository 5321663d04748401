"""Fixtures for service tests: every DB test runs on SQLite AND PostgreSQL.

PostgreSQL comes from ``FREIGHT_TEST_POSTGRES_URL`` (default: the machine's server at
127.0.0.1:5432, database ``test``); each test gets a fresh schema (search_path in the URL,
so a live server subprocess uses it too), dropped afterwards. When no server answers the
PostgreSQL variants FAIL — they never skip.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.main import create_app
from api.security import create_key
from api.settings import Settings

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FINISHED = ("succeeded", "failed", "cancelled")


def pg_base_url() -> str:
    return os.environ.get("FREIGHT_TEST_POSTGRES_URL") or DEFAULT_PG


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Any]:
    url = pg_base_url()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        pytest.fail(
            f"PostgreSQL not reachable at {make_url(url).render_as_string(hide_password=True)} "
            f"({type(exc).__name__}: {exc}). Start it (see .ci/run) or set "
            "FREIGHT_TEST_POSTGRES_URL; database tests never skip."
        )
    yield engine
    engine.dispose()


@contextlib.contextmanager
def fresh_pg_schema(admin: Any) -> Iterator[str]:
    schema = "t_" + uuid.uuid4().hex[:12]
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_base_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'freight.sqlite3'}"
        return
    admin = request.getfixturevalue("pg_admin")
    with fresh_pg_schema(admin) as url:
        yield url


@pytest.fixture()
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """``make_client(db_url=None, **settings)`` -> a started TestClient (closed at teardown).

    Ask for ``db_url`` BEFORE ``make_client`` in a test's arguments, so the clients stop
    before their PostgreSQL schema is dropped.
    """
    stack = contextlib.ExitStack()

    def make(db_url: str | None = None, raise_server_exceptions: bool = True, **kw: Any):
        url = db_url or f"sqlite:///{tmp_path / f'c{uuid.uuid4().hex[:6]}.sqlite3'}"
        kw.setdefault("rate_limits", "off")
        kw.setdefault("log_level", "WARNING")
        app = create_app(Settings(database_url=url, **kw))
        client = TestClient(app, raise_server_exceptions=raise_server_exceptions)
        return stack.enter_context(client)

    with stack:
        yield make


@pytest.fixture()
def client(make_client: Callable[..., TestClient]) -> TestClient:
    """A started service on a fresh SQLite database."""
    return make_client()


def key_for(client: TestClient, role: str, name: str | None = None) -> dict[str, str]:
    """Create a key of ``role`` in the client's database; returns the Authorization header."""
    _, secret = create_key(client.app.state.db, role, name or f"test-{role}")  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {secret}"}


def wait_job(
    client: Any, job_id: str, headers: dict[str, str], timeout_s: float = 30.0
) -> dict[str, Any]:
    """Poll GET /v1/jobs/{id} until it is finished; returns the job JSON."""
    deadline = time.monotonic() + timeout_s
    while True:
        job = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if job.get("status") in FINISHED or time.monotonic() > deadline:
            return job
        time.sleep(0.1)


# -- a live uvicorn for real-HTTP tests ------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """``freight serve`` in a subprocess on a free loopback port."""

    def __init__(self, db_url: str, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "FREIGHT_DATABASE_URL": db_url,
            "FREIGHT_RATE_LIMITS": "off",
            "FREIGHT_LOG_LEVEL": "WARNING",
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 60.0) -> LiveServer:
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "freight"), "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                if httpx.get(self.base + "/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("server did not become healthy")

    def kill9(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture(name="key_for")
def key_for_fixture() -> Callable[..., dict[str, str]]:
    """``key_for(client, role, name=None)`` -> ``{"Authorization": "Bearer ..."}``."""
    return key_for


@pytest.fixture(name="wait_job")
def wait_job_fixture() -> Callable[..., dict[str, Any]]:
    """``wait_job(client, job_id, headers, timeout_s=30)`` -> finished job JSON."""
    return wait_job


@pytest.fixture()
def live_server() -> Iterator[Callable[..., LiveServer]]:
    """``live_server(db_url, **env)`` -> a started LiveServer (stopped at teardown)."""
    servers: list[LiveServer] = []

    def start(db_url: str, **env: str) -> LiveServer:
        server = LiveServer(db_url, **env).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
