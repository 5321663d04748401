"""The one ASGI middleware around every HTTP request.

In order: request id (``X-Request-ID``, echoed or made), rate limit (429), body size
limit (413), then the app; afterwards metrics and the JSON access log. Refusals are
answered through ``api.errors.problem_for`` like every other error.

The body limit holds before anything is read into memory: a ``Content-Length`` above the
limit is refused without calling the app; a chunked body is counted as the app reads it,
and the 413 goes out as soon as the count passes the limit (the app's read then fails and
whatever it answers is dropped). The server (uvicorn) buffers at most ~64 KiB ahead.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from api.errors import ApiError, ContentTooLarge, TooManyRequests, problem_for
from api.observability import metrics
from api.observability.ratelimit import RateLimiter

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("api.access")

#: Never rate-limited (a scrape must not be refused by the service it watches).
EXEMPT_FROM_LIMITS = ("/metrics",)


def _request_id(headers: dict[bytes, bytes]) -> str:
    incoming = headers.get(b"x-request-id", b"").decode("latin-1")
    ok = incoming and len(incoming) <= 64 and incoming.isprintable()
    return incoming if ok else secrets.token_hex(8)


def _content_length(headers: dict[bytes, bytes]) -> int | None:
    raw = headers.get(b"content-length")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None  # the server refuses malformed lengths before the app sees them


class RequestMiddleware:
    """Request id, rate limit, body size limit, metrics and access log."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, max_body_bytes: int) -> None:
        self.app = app
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        headers = dict(scope.get("headers") or [])
        rid = _request_id(headers)
        scope.setdefault("state", {})["request_id"] = rid
        rid_header = (b"x-request-id", rid.encode("latin-1"))
        status = 500
        started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                hdrs = list(message.get("headers") or [])
                if not any(k.lower() == b"x-request-id" for k, _ in hdrs):
                    hdrs.append(rid_header)
                message["headers"] = hdrs
            await send(message)

        try:
            refusal = await self._refusal(scope, headers)
            if refusal is not None:
                await self._answer(scope, receive, send_wrapper, refusal)
            elif b"transfer-encoding" in headers:  # chunked: count while the app reads
                await self._counted(scope, receive, send_wrapper, lambda: started)
            else:
                await self.app(scope, receive, send_wrapper)
        finally:
            self._record(scope, rid, status, time.perf_counter() - start)

    async def _refusal(self, scope: Scope, headers: dict[bytes, bytes]) -> ApiError | None:
        if self.limiter.enabled and scope.get("path", "") not in EXEMPT_FROM_LIMITS:
            wait_s = await self.limiter.wait_s(headers, scope.get("client"))
            if wait_s > 0:
                metrics.RATE_LIMITED.inc()
                return TooManyRequests(max(1, math.ceil(wait_s)))
        length = _content_length(headers)
        if length is not None and length > self.max_body_bytes:
            return ContentTooLarge(self.max_body_bytes)
        return None

    async def _answer(self, scope: Scope, receive: Receive, send: Send, exc: ApiError) -> None:
        rid = str(scope["state"]["request_id"])
        response = problem_for(exc).response(instance=scope.get("path", ""), request_id=rid)
        await response(scope, receive, send)

    async def _counted(
        self, scope: Scope, receive: Receive, send: Send, started: Callable[[], bool]
    ) -> None:
        """Run the app on a body read through a byte counter; 413 once it passes the limit."""
        limit = self.max_body_bytes
        received = 0
        answered = False

        async def receive_counted() -> Message:
            nonlocal received, answered
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started() and not answered:
                        await self._answer(scope, receive, send, ContentTooLarge(limit))
                        answered = True
                    raise ContentTooLarge(limit)
            return message

        async def send_unless_answered(message: Message) -> None:
            if not answered:
                await send(message)

        try:
            await self.app(scope, receive_counted, send_unless_answered)
        except Exception:
            if not answered:
                raise

    @staticmethod
    def _record(scope: Scope, rid: str, status: int, elapsed_s: float) -> None:
        method = scope.get("method", "GET")
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        metrics.observe(method, route, status, elapsed_s)
        if access_log.isEnabledFor(logging.INFO):
            access_log.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": method,
                    "path": scope.get("path", ""),
                    "status": status,
                    "duration_ms": round(elapsed_s * 1000, 2),
                },
            )
