"""Request middleware (request id, access log, metrics, rate limits) and JSON logging.

One pure-ASGI middleware does all per-request work (cheap at hundreds of requests/s).
Metrics are per process; job metrics come from the database at scrape time, so they are
the same whichever worker answers ``/metrics``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import secrets
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

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


class TokenBuckets:
    """Token buckets keyed by client; ``take`` returns 0 if allowed, else seconds to wait."""

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


# -- the middleware ---------------------------------------------------------------------------

_EXEMPT_FROM_LIMITS = ("/metrics",)


class RequestMiddleware:
    """Request id, access log, metrics and rate limits for every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Metrics, rates: RateLimits) -> None:
        self.app = app
        self.metrics = metrics
        self.anon = TokenBuckets(rates.anonymous) if rates.anonymous else None
        self.keyed = TokenBuckets(rates.key) if rates.key else None

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
            wait_s = self._check_rate(headers, scope, path)
            if wait_s > 0:
                self.metrics.rate_limited += 1
                await self._too_many(scope, send_wrapper, rid, wait_s)
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
            return self.keyed.take(who)
        if self.anon is None:
            return 0.0
        client = scope.get("client")
        return self.anon.take("a:" + (client[0] if client else "unknown"))

    async def _too_many(self, scope: Scope, send: Send, rid: str, wait_s: float) -> None:
        retry = max(1, math.ceil(wait_s))
        body = json.dumps(
            {
                "type": "https://kuytun-freight.example/problems/too-many-requests",
                "title": "Too many requests",
                "status": 429,
                "detail": f"rate limit exceeded; retry after {retry} s",
                "instance": scope.get("path", ""),
                "request_id": rid,
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", str(retry).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
