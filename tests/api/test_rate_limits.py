"""Rate limits hold across worker processes (host store) and, optionally, hosts (Redis)."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from serve_workers import Workers, counter, free_port, per_worker_requests

from api.observability.hoststore import HostStore, host_store_path
from api.observability.ratelimit import (
    HostBuckets,
    MemoryBuckets,
    RateLimiter,
    RedisBuckets,
    make_buckets,
)
from api.observability.redisstore import RateStoreUnavailable, RedisStore
from api.settings import RateLimit, Settings, parse_rate_limits

REDIS = "redis://127.0.0.1:6379/0"


def _take_many(path: str, n: int, now: float, out: multiprocessing.Queue) -> None:
    buckets = HostBuckets(RateLimit(20, 60.0), HostStore(Path(path)))
    out.put(sum(1 for _ in range(n) if buckets.take_at("a:10.0.0.1", now) == 0.0))


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
    b = HostBuckets(RateLimit(20, 60.0), HostStore(Path(path)))
    assert b.take_at("a:10.0.0.1", now + 3.0) == 0.0
    wait = b.take_at("a:10.0.0.1", now + 3.0)
    assert wait == pytest.approx(3.0, rel=1e-6)
    assert b.take_at("a:10.0.0.2", now + 3.0) == 0.0  # another client has its own bucket


def test_host_store_evicts_idle_clients_when_full(tmp_path: Path) -> None:
    store = HostStore(tmp_path / "small.bin", slots=4)
    b = HostBuckets(RateLimit(1, 60.0), store)
    t = 1000.0
    for i in range(40):  # 40 clients in a 4-slot table: each still gets its own first token
        assert b.take_at(f"c{i}", t + i) == 0.0
    assert b.take_at("c39", t + 39) > 0  # the most recent client is still remembered


def test_host_store_file_of_another_layout_is_reset(tmp_path: Path) -> None:
    path = tmp_path / "rl.bin"
    path.write_bytes(b"garbage")
    b = HostBuckets(RateLimit(2, 1.0), HostStore(path))
    assert [b.take_at("x", 5.0) for _ in range(3)][:2] == [0.0, 0.0]
    assert path.read_bytes()[:8] == b"FRLIMIT1"


def test_store_selection_and_off_costs_nothing(tmp_path: Path) -> None:
    rates = parse_rate_limits("anonymous=5/second,key=50/second")
    anon, keyed = make_buckets(rates, "memory:", "sqlite:///x")
    assert isinstance(anon, MemoryBuckets) and isinstance(keyed, MemoryBuckets)
    anon, keyed = make_buckets(rates, "", f"sqlite:///{tmp_path}/a.db")
    assert isinstance(anon, HostBuckets) and isinstance(keyed, HostBuckets)
    assert anon.store is keyed.store
    assert anon.store.path == tmp_path / "a.db.ratelimit"  # next to the SQLite file
    pg = host_store_path("postgresql+psycopg://u@h/db")
    assert pg.parent == Path(tempfile.gettempdir()) and pg == host_store_path(
        "postgresql+psycopg://u@h/db"
    )
    assert pg != host_store_path("postgresql+psycopg://u@h/other")
    anon, keyed = make_buckets(rates, "rediss://cache.example:6380/2", "postgresql://u@h/db")
    assert isinstance(anon, RedisBuckets) and isinstance(keyed, RedisBuckets)
    assert anon.store is keyed.store and anon.store.url.startswith("rediss://")
    other, _ = make_buckets(rates, "rediss://cache.example:6380/2", "postgresql://u@h/other")
    assert isinstance(other, RedisBuckets) and other.store.prefix != anon.store.prefix
    assert make_buckets(parse_rate_limits("off"), "", "sqlite:///x") == (None, None)
    assert not RateLimiter.from_settings(parse_rate_limits("off"), "", "x").enabled
    with pytest.raises(ValueError, match="FREIGHT_RATE_LIMIT_URL"):
        Settings(rate_limit_url="memcached://x")
    assert Settings(rate_limit_url="rediss://h:6380/0").rate_limit_url == "rediss://h:6380/0"


def test_redis_store_shares_buckets() -> None:
    """Two stores (two hosts) on the machine's Redis: one bucket; atomic under concurrency."""
    prefix = f"freight:test:{uuid.uuid4().hex}:"

    async def go() -> list[float]:
        a = RedisBuckets(RateLimit(5, 60.0), RedisStore(REDIS, prefix))
        b = RedisBuckets(RateLimit(5, 60.0), RedisStore(REDIS, prefix))
        now = time.time()
        waits = list(
            await asyncio.gather(*((a if i % 2 else b).take_at("k:abc", now) for i in range(8)))
        )
        await a.store.close()
        await b.store.close()
        return waits

    got = sorted(asyncio.run(go()))
    assert got[:5] == [0.0] * 5 and all(w > 0 for w in got[5:])  # two "hosts", one bucket
    assert got[5] == pytest.approx(12.0, rel=1e-3)  # (1 - 0) tokens at 5/60 per s


def _dead_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()  # nothing listens there
    return port


def test_redis_down_fails_open_with_a_log(caplog: pytest.LogCaptureFixture) -> None:
    url = f"redis://127.0.0.1:{_dead_port()}/0"
    limiter = RateLimiter.from_settings(parse_rate_limits("anonymous=1/minute"), url, "")
    store = limiter.anon.store  # type: ignore[union-attr]

    async def go() -> list[float]:
        with pytest.raises(RateStoreUnavailable):
            await store.take("a:x", 1.0, 1.0, time.time())
        return [await limiter.wait_s({}, ("10.1.1.1", 1)) for _ in range(50)]

    logger = logging.getLogger("api.ratelimit")
    logger.addHandler(caplog.handler)
    try:
        t0 = time.monotonic()
        waits = asyncio.run(go())
        elapsed = time.monotonic() - t0
    finally:
        logger.removeHandler(caplog.handler)
    assert waits == [0.0] * 50  # admitted, although the limit is 1/minute
    errors = {id(r) for r in caplog.records if "rate limit store unavailable" in r.getMessage()}
    assert len(errors) == 1  # logged once, then the store is left alone for a second
    assert elapsed < 1.0


def _tls_redis(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int, Path]:
    """A throw-away redis-server speaking only TLS (self-signed certificate)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", "0", "--tls-port", str(port), "--tls-cert-file", str(cert),
         "--tls-key-file", str(key), "--tls-ca-cert-file", str(cert),
         "--tls-auth-clients", "no", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port, cert
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "redis-server (TLS) down"
            time.sleep(0.05)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_rediss_url_speaks_tls(tmp_path: Path) -> None:
    proc, port, cert = _tls_redis(tmp_path)
    try:
        url = f"rediss://127.0.0.1:{port}/0?ssl_ca_certs={cert}"
        plain = f"redis://127.0.0.1:{port}/0"

        async def go() -> tuple[list[float], bool]:
            b = RedisBuckets(RateLimit(2, 60.0), RedisStore(url, "t:", timeout_s=2.0))
            now = time.time()
            waits = [await b.take_at("x", now) for _ in range(3)]
            await b.store.close()
            try:  # the same server refuses a client that does not speak TLS
                await RedisStore(plain, "t:").take("x", 2.0, 1.0, now)
            except RateStoreUnavailable:
                return waits, True
            return waits, False

        waits, plain_refused = asyncio.run(go())
        assert waits[:2] == [0.0, 0.0] and waits[2] > 0
        assert plain_refused
    finally:
        proc.terminate()
        proc.wait(10)


# -- live: 2 uvicorn worker processes --------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("store", ["file", "redis"])
def test_limit_holds_across_two_live_workers(tmp_path: Path, store: str) -> None:
    """One limit for two worker processes: the host file by default, or the machine's Redis."""
    url = f"file://{tmp_path / 'rl.bin'}" if store == "file" else REDIS
    with Workers(
        tmp_path, 2, FREIGHT_RATE_LIMITS="anonymous=30/minute", FREIGHT_RATE_LIMIT_URL=url
    ) as w:

        def get(_: int) -> httpx.Response:
            with httpx.Client(timeout=30) as http:  # a new connection per request
                return http.get(w.base + "/v1/health")

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
        served = per_worker_requests(w.metrics())
        assert len(served) == 2 and all(n > 0 for n in served.values()), served  # both answered
        assert counter(w.metrics(), "freight_rate_limited_total") == len(limited)
