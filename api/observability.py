"""Request middleware (request id, access log, metrics, rate limits) and JSON logging.

One pure-ASGI middleware does all per-request work (cheap at hundreds of requests/s).
Metrics are per process; job metrics come from the database at scrape time, so they are
the same whichever worker answers ``/metrics``. Rate-limit buckets are shared by the worker
processes of a host (an mmap'd file under ``flock``) or, optionally, by hosts (Redis); see
"rate limiting" below and ``FREIGHT_RATE_LIMIT_URL``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import math
import mmap
import os
import secrets
import socket
import struct
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from api.errors import TooManyRequests, problem_for
from api.settings import RateLimit, RateLimits

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("api.access")

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, extras, and the trace if any."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str, ensure_ascii=False)


def configure_logging(level: str, as_json: bool = True) -> None:
    """Route the ``api`` and ``freight`` loggers to stderr, JSON by default."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if as_json else logging.Formatter("%(levelname)s %(name)s %(message)s")
    )
    for name in ("api", "freight"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level.upper())
        # "freight" keeps propagating so the package's own tests can capture its logs.
        logger.propagate = name != "api"


# -- metrics ---------------------------------------------------------------------------------

LATENCY_BUCKETS_S = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """Counters and a latency histogram per (method, route); rendered as Prometheus text."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency_buckets: dict[tuple[str, str], list[int]] = {}
        self.latency_sum: dict[tuple[str, str], float] = defaultdict(float)
        self.latency_count: dict[tuple[str, str], int] = defaultdict(int)
        self.rate_limited = 0

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[(method, route, status)] += 1
            key = (method, route)
            buckets = self.latency_buckets.setdefault(key, [0] * len(LATENCY_BUCKETS_S))
            for i, bound in enumerate(LATENCY_BUCKETS_S):
                if seconds <= bound:
                    buckets[i] += 1
            self.latency_sum[key] += seconds
            self.latency_count[key] += 1

    def render(self) -> list[str]:
        lines = [
            "# HELP freight_http_requests_total HTTP requests by method, route and status.",
            "# TYPE freight_http_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), n in sorted(self.requests.items()):
                lines.append(
                    f'freight_http_requests_total{{method="{method}",route="{_esc(route)}",'
                    f'status="{status}"}} {n}'
                )
            lines += [
                "# HELP freight_http_request_duration_seconds Request latency.",
                "# TYPE freight_http_request_duration_seconds histogram",
            ]
            for (method, route), buckets in sorted(self.latency_buckets.items()):
                labels = f'method="{method}",route="{_esc(route)}"'
                for bound, n in zip(LATENCY_BUCKETS_S, buckets, strict=True):
                    lines.append(
                        f'freight_http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {n}'
                    )
                count = self.latency_count[(method, route)]
                lines.append(
                    f'freight_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {count}'
                )
                lines.append(
                    f"freight_http_request_duration_seconds_sum{{{labels}}} "
                    f"{self.latency_sum[(method, route)]:.6f}"
                )
                lines.append(f"freight_http_request_duration_seconds_count{{{labels}}} {count}")
            lines += [
                "# HELP freight_rate_limited_total Requests refused with 429.",
                "# TYPE freight_rate_limited_total counter",
                f"freight_rate_limited_total {self.rate_limited}",
            ]
        return lines


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


# -- rate limiting ----------------------------------------------------------------------------
#
# A token bucket per client: ``take(who)`` returns 0.0 if a request is admitted, else the
# seconds to wait. Where the buckets live (``FREIGHT_RATE_LIMIT_URL``):
#
# * host (default): a small memory-mapped file shared by every worker process of the host
#   (``--workers N``): a fixed open-addressing table of 32-byte slots, read-modified-written
#   under ``flock``; the limit holds across the workers. Cost ~ a few microseconds/request.
# * ``memory:``: per process (N workers admit up to N times the limit).
# * ``redis://host:port/db``: one Redis for many hosts (a Lua script does the bucket update
#   atomically on the server; a plain socket, no client library).


class TokenBuckets:
    """In-process token buckets keyed by client; ``take`` returns 0 if allowed, else wait s."""

    def __init__(self, limit: RateLimit) -> None:
        self.capacity = float(limit.requests)
        self.rate_per_s = limit.requests / limit.period_s
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, who: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._state.get(who, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate_per_s)
            if tokens >= 1.0:
                self._state[who] = (tokens - 1.0, now)
                if len(self._state) > 100_000:  # forget idle clients, bound memory
                    self._state.clear()
                return 0.0
            self._state[who] = (tokens, now)
            return (1.0 - tokens) / self.rate_per_s


_SLOT = struct.Struct("<16sdd")  # client digest, tokens, last update (unix s)
_MAGIC = b"FRLIMIT1"
HOST_SLOTS = 16_384  # 512 KiB; clients beyond that evict the longest-idle bucket
_PROBE = 32


class HostStore:
    """Token-bucket table in a file mapped by every worker process of one host.

    Open addressing on a 128-bit BLAKE2b digest of the client id; a full probe window evicts
    its longest-idle slot (that client starts again with a full bucket). One ``flock`` per
    take serialises the read-modify-write across processes; a thread lock across threads.
    The file is opened lazily in each process (after uvicorn has spawned its workers).
    """

    def __init__(self, path: Path, slots: int = HOST_SLOTS) -> None:
        self.path = path
        self.slots = slots
        self._size = len(_MAGIC) + slots * _SLOT.size
        self._lock = threading.Lock()
        self._pid = -1
        self._fd = -1
        self._map: mmap.mmap | None = None

    def _open(self) -> mmap.mmap:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.fstat(fd).st_size != self._size or os.pread(fd, 8, 0) != _MAGIC:
                os.ftruncate(fd, 0)  # new, foreign or resized: start empty
                os.ftruncate(fd, self._size)
                os.pwrite(fd, _MAGIC, 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        self._fd, self._pid = fd, os.getpid()
        self._map = mmap.mmap(fd, self._size)
        return self._map

    def take(self, who: str, capacity: float, rate_per_s: float, now: float) -> float:
        digest = hashlib.blake2b(who.encode(), digest_size=16).digest()
        start = int.from_bytes(digest[:8], "little") % self.slots
        with self._lock:
            mm = self._map if self._pid == os.getpid() else None
            if mm is None:
                mm = self._open()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                where = -1
                tokens, last = capacity, now
                oldest, oldest_at = -1, math.inf
                for i in range(_PROBE):
                    slot = (start + i) % self.slots
                    off = 8 + slot * _SLOT.size
                    d, t, at = _SLOT.unpack_from(mm, off)
                    if d == digest:
                        where, tokens, last = off, t, at
                        break
                    if d == _EMPTY:
                        where = off
                        break
                    if at < oldest_at:
                        oldest, oldest_at = off, at
                if where < 0:
                    where = oldest  # evict the longest-idle client of the window
                tokens = min(capacity, tokens + max(0.0, now - last) * rate_per_s)
                if tokens >= 1.0:
                    _SLOT.pack_into(mm, where, digest, tokens - 1.0, now)
                    return 0.0
                _SLOT.pack_into(mm, where, digest, tokens, now)
                return (1.0 - tokens) / rate_per_s
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


_EMPTY = bytes(16)

_REDIS_BUCKET_LUA = b"""
local cap = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(v[1]) or cap; local at = tonumber(v[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(cap / rate) + 1)
return tostring(wait)
"""


class RedisStore:
    """Token buckets in one Redis (``redis://host:port/db``) shared by every host.

    A minimal RESP client on a plain socket (no client library): ``EVAL`` of one Lua script
    per take, atomic on the server; the time is the caller's clock (keep hosts NTP-synced).
    Raises ``OSError`` if Redis does not answer (the middleware then fails open, logged).
    """

    def __init__(self, url: str, prefix: str = "freight:rl:") -> None:
        u = urlsplit(url)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 6379
        self.db = int((u.path or "/0").strip("/") or 0)
        self.password = u.password
        self.prefix = prefix
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._file: Any = None
        self._pid = -1

    def _cmd(self, *args: bytes | str) -> Any:
        parts = [b"*%d\r\n" % len(args)]
        for a in args:
            b = a.encode() if isinstance(a, str) else a
            parts.append(b"$%d\r\n%s\r\n" % (len(b), b))
        assert self._sock is not None
        self._sock.sendall(b"".join(parts))
        return self._reply()

    def _reply(self) -> Any:
        line = self._file.readline()
        if not line:
            raise OSError("redis closed the connection")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise OSError(f"redis: {rest.decode(errors='replace')}")
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self._file.read(n + 2)
            return data[:-2]
        if kind == b"*":
            return [self._reply() for _ in range(int(rest))]
        raise OSError(f"redis: unexpected reply {line!r}")

    def _connect(self) -> None:
        self._sock = socket.create_connection((self.host, self.port), timeout=1.0)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._file = self._sock.makefile("rb")
        self._pid = os.getpid()
        if self.password:
            self._cmd("AUTH", self.password)
        if self.db:
            self._cmd("SELECT", str(self.db))

    def take(self, who: str, capacity: float, rate_per_s: float, now: float) -> float:
        key = self.prefix + hashlib.blake2b(who.encode(), digest_size=16).hexdigest()
        args = (repr(capacity), repr(rate_per_s), repr(now))
        with self._lock:
            for attempt in (0, 1):
                try:
                    if self._sock is None or self._pid != os.getpid():
                        self._connect()
                    return float(self._cmd("EVAL", _REDIS_BUCKET_LUA, "1", key, *args))
                except OSError:
                    self.close()
                    if attempt:
                        raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
        self._sock = self._file = None


class SharedTokenBuckets:
    """``TokenBuckets`` whose state lives in a shared store (host file or Redis)."""

    def __init__(self, limit: RateLimit, store: HostStore | RedisStore) -> None:
        self.capacity = float(limit.requests)
        self.rate_per_s = limit.requests / limit.period_s
        self.store = store

    def take(self, who: str, now: float | None = None) -> float:
        now = time.time() if now is None else now
        return self.store.take(who, self.capacity, self.rate_per_s, now)


Bucket = TokenBuckets | SharedTokenBuckets


def host_store_path(database_url: str) -> Path:
    """Default host store: one file per database, so the workers of one service share it and
    unrelated services (other databases, other tests) do not: next to an SQLite file, else
    in the temp dir named by user and a hash of the URL."""
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        db_file = database_url[len("sqlite:///") :].split("?", 1)[0]
        if db_file:
            return Path(db_file + ".ratelimit")
    tag = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"freight-ratelimit-{os.getuid()}-{tag}.bin"


def make_buckets(
    rates: RateLimits, store_url: str, database_url: str
) -> tuple[Bucket | None, Bucket | None]:
    """(anonymous, keyed) buckets for ``rates`` in the store named by ``store_url``."""
    if not rates.enabled:
        return None, None
    store: HostStore | RedisStore | None
    if store_url in ("memory", "memory:", "process"):
        store = None
    elif store_url.startswith(("redis://", "rediss://")):
        if store_url.startswith("rediss://"):
            raise ValueError("FREIGHT_RATE_LIMIT_URL: rediss:// (TLS) is not supported")
        store = RedisStore(store_url)
    elif store_url.startswith("file://"):
        store = HostStore(Path(store_url[len("file://") :]))
    elif store_url in ("", "host"):
        store = HostStore(host_store_path(database_url))
    else:
        raise ValueError(
            f"FREIGHT_RATE_LIMIT_URL: cannot use {store_url!r}; expected '' (host file), "
            "'memory:', 'file:///path' or 'redis://host:port/db'"
        )

    def one(limit: RateLimit | None) -> Bucket | None:
        if limit is None:
            return None
        return TokenBuckets(limit) if store is None else SharedTokenBuckets(limit, store)

    return one(rates.anonymous), one(rates.key)


# -- the middleware ---------------------------------------------------------------------------

_EXEMPT_FROM_LIMITS = ("/metrics",)


class RequestMiddleware:
    """Request id, access log, metrics and rate limits for every HTTP request."""

    def __init__(
        self,
        app: ASGIApp,
        metrics: Metrics,
        rates: RateLimits,
        store_url: str = "memory:",
        database_url: str = "",
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.anon, self.keyed = make_buckets(rates, store_url, database_url)
        self.limits_on = self.anon is not None or self.keyed is not None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if incoming and len(incoming) <= 64 and incoming.isprintable() else ""
        rid = rid or secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = rid
        rid_header = (b"x-request-id", rid.encode("latin-1"))
        status_holder = [500]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                hdrs = list(message.get("headers") or [])
                if not any(k.lower() == b"x-request-id" for k, _ in hdrs):
                    hdrs.append(rid_header)
                message["headers"] = hdrs
            await send(message)

        method = scope.get("method", "GET")
        path = scope.get("path", "")
        try:
            wait_s = self._check_rate(headers, scope, path) if self.limits_on else 0.0
            if wait_s > 0:
                self.metrics.rate_limited += 1
                await self._too_many(scope, receive, send_wrapper, rid, wait_s)
            else:
                await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            status = status_holder[0]
            self.metrics.observe(method, template, status, elapsed)
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "request",
                    extra={
                        "request_id": rid,
                        "method": method,
                        "path": path,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )

    def _check_rate(self, headers: dict[bytes, bytes], scope: Scope, path: str) -> float:
        if path in _EXEMPT_FROM_LIMITS:
            return 0.0
        auth = headers.get(b"authorization", b"")
        if auth[:7].lower() == b"bearer " and len(auth) > 7:
            if self.keyed is None:
                return 0.0
            who = "k:" + hashlib.sha256(auth[7:].strip()).hexdigest()[:24]
            return self._take(self.keyed, who)
        if self.anon is None:
            return 0.0
        client = scope.get("client")
        return self._take(self.anon, "a:" + (client[0] if client else "unknown"))

    @staticmethod
    def _take(buckets: Bucket, who: str) -> float:
        try:
            return buckets.take(who)
        except OSError as exc:  # shared store unreachable (Redis down): fail open, loudly
            logging.getLogger("api").error("rate limit store unavailable: %s", exc)
            return 0.0

    async def _too_many(
        self, scope: Scope, receive: Receive, send: Send, rid: str, wait_s: float
    ) -> None:
        problem = problem_for(TooManyRequests(max(1, math.ceil(wait_s))))
        response = problem.response(instance=scope.get("path", ""), request_id=rid)
        await response(scope, receive, send)
