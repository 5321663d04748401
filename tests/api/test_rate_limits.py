"""Rate limits hold across worker processes (host store) and, optionally, hosts (Redis)."""

from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from api.observability import (
    HostStore,
    RedisStore,
    RequestMiddleware,
    SharedTokenBuckets,
    TokenBuckets,
    host_store_path,
    make_buckets,
)
from api.settings import RateLimit, Settings, parse_rate_limits


def _take_many(path: str, n: int, now: float, out: multiprocessing.Queue) -> None:
    buckets = SharedTokenBuckets(RateLimit(20, 60.0), HostStore(Path(path)))
    out.put(sum(1 for _ in range(n) if buckets.take("a:10.0.0.1", now) == 0.0))


def test_host_store_limit_holds_across_processes(tmp_path: Path) -> None:
    path = str(tmp_path / "rl.bin")
    now = time.time()
    ctx = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue = ctx.Queue()
    procs = [ctx.Process(target=_take_many, args=(path, 30, now, out)) for _ in range(3)]
    for p in procs:
        p.start()
    admitted = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    assert sum(admitted) == 20, admitted  # not 3 x 20
    # the refill is shared too: 3 s at 20/min gives exactly one more token
    b = SharedTokenBuckets(RateLimit(20, 60.0), HostStore(Path(path)))
    assert b.take("a:10.0.0.1", now + 3.0) == 0.0
    wait = b.take("a:10.0.0.1", now + 3.0)
    assert wait == pytest.approx(3.0, rel=1e-6)
    assert b.take("a:10.0.0.2", now + 3.0) == 0.0  # another client has its own bucket


def test_host_store_evicts_idle_clients_when_full(tmp_path: Path) -> None:
    store = HostStore(tmp_path / "small.bin", slots=4)
    b = SharedTokenBuckets(RateLimit(1, 60.0), store)
    t = 1000.0
    for i in range(40):  # 40 clients in a 4-slot table: each still gets its own first token
        assert b.take(f"c{i}", t + i) == 0.0
    assert b.take("c39", t + 39) > 0  # the most recent client is still remembered


def test_host_store_file_of_another_layout_is_reset(tmp_path: Path) -> None:
    path = tmp_path / "rl.bin"
    path.write_bytes(b"garbage")
    b = SharedTokenBuckets(RateLimit(2, 1.0), HostStore(path))
    assert [b.take("x", 5.0) for _ in range(3)][:2] == [0.0, 0.0]
    assert path.read_bytes()[:8] == b"FRLIMIT1"


def test_store_selection_and_off_costs_nothing(tmp_path: Path) -> None:
    rates = parse_rate_limits("anonymous=5/second,key=50/second")
    anon, keyed = make_buckets(rates, "memory:", "sqlite:///x")
    assert isinstance(anon, TokenBuckets) and isinstance(keyed, TokenBuckets)
    anon, keyed = make_buckets(rates, "", f"sqlite:///{tmp_path}/a.db")
    assert isinstance(anon, SharedTokenBuckets) and isinstance(anon.store, HostStore)
    assert anon.store is keyed.store  # type: ignore[union-attr]
    assert anon.store.path == tmp_path / "a.db.ratelimit"  # next to the SQLite file
    pg = host_store_path("postgresql+psycopg://u@h/db")
    assert pg.parent == Path(tempfile.gettempdir()) and pg == host_store_path(
        "postgresql+psycopg://u@h/db"
    )
    assert pg != host_store_path("postgresql+psycopg://u@h/other")
    assert make_buckets(parse_rate_limits("off"), "", "sqlite:///x") == (None, None)
    mw = RequestMiddleware(None, None, parse_rate_limits("off"), "", "sqlite:///x")  # type: ignore[arg-type]
    assert not mw.limits_on  # the hot path skips the limit check entirely
    with pytest.raises(ValueError, match="FREIGHT_RATE_LIMIT_URL"):
        Settings(rate_limit_url="memcached://x")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="optional: no Redis on 127.0.0.1:6379")
def test_redis_store_shares_buckets() -> None:
    prefix = f"freight:test:{uuid.uuid4().hex}:"
    a = SharedTokenBuckets(RateLimit(5, 60.0), RedisStore("redis://127.0.0.1:6379/0", prefix))
    b = SharedTokenBuckets(RateLimit(5, 60.0), RedisStore("redis://127.0.0.1:6379/0", prefix))
    now = time.time()
    got = [(a if i % 2 else b).take("k:abc", now) for i in range(8)]
    assert got[:5] == [0.0] * 5 and all(w > 0 for w in got[5:])  # two "hosts", one bucket
    assert got[5] == pytest.approx(12.0, rel=1e-3)  # (1 - 0) tokens at 5/60 per s


def test_redis_down_fails_open_with_a_log(caplog: pytest.LogCaptureFixture) -> None:
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    free = port.getsockname()[1]
    port.close()  # nothing listens there
    rates = parse_rate_limits("anonymous=1/minute")
    mw = RequestMiddleware(None, None, rates, f"redis://127.0.0.1:{free}/0", "")  # type: ignore[arg-type]
    scope = {"client": ("10.1.1.1", 1)}
    assert mw._check_rate({}, scope, "/v1/health") == 0.0


# -- live: 2 uvicorn worker processes --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


@pytest.mark.slow
def test_limit_holds_across_two_live_workers(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FREIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        "FREIGHT_RATE_LIMITS": "anonymous=30/minute",
        "FREIGHT_RATE_LIMIT_URL": f"file://{tmp_path / 'rl.bin'}",
        "FREIGHT_LOG_LEVEL": "WARNING",
        "FREIGHT_JOB_WORKERS": "1",
    }
    exe = str(Path(sys.executable).parent / "freight")
    proc = subprocess.Popen(
        [exe, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while True:  # wait for both workers to answer (each one's first request costs a token)
            assert proc.poll() is None, f"server exited with {proc.returncode}"
            assert time.monotonic() < deadline, "server did not start"
            try:
                httpx.get(base + "/metrics", timeout=1)  # /metrics is exempt from limits
                if len(_children(proc.pid)) >= 2:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        time.sleep(1.0)  # the second worker finishes its startup

        def get(_: int) -> httpx.Response:
            with httpx.Client(timeout=30) as http:  # a new connection per request
                return http.get(base + "/v1/health")

        t0 = time.monotonic()
        with ThreadPoolExecutor(max_workers=16) as pool:
            rs = list(pool.map(get, range(120)))
        elapsed = time.monotonic() - t0
        ok = [r for r in rs if r.status_code == 200]
        limited = [r for r in rs if r.status_code == 429]
        assert len(ok) + len(limited) == len(rs), {r.status_code for r in rs}
        # 30 burst + refill at 0.5/s while the test runs; per-process buckets would admit ~60
        assert 30 <= len(ok) <= 30 + int(elapsed * 0.5) + 1, (len(ok), elapsed)
        for r in limited[:5]:
            assert r.headers["content-type"] == "application/problem+json"
            assert int(r.headers["retry-after"]) >= 1
            body = r.json()
            assert body["status"] == 429 and body["request_id"] == r.headers["x-request-id"]
        assert len(_children(proc.pid)) >= 2  # really two worker processes
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
