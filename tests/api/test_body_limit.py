"""Request bodies above FREIGHT_MAX_BODY_BYTES answer 413 problem+json before they are read.

Driven at the ASGI level so that 50 MB are really offered in chunks (an HTTP test client
would build the whole body in memory first); the live check over HTTP with two uvicorn
workers is in test_live_metrics.py.
"""

from __future__ import annotations

import asyncio
import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request

from api.main import create_app
from api.settings import Settings

LIMIT = 1 << 20  # 1 MiB
OFFERED = 50 * 1000 * 1000  # 50 MB
CHUNK = 64 * 1024


def _app(tmp_path: Path, completed: list[int]) -> FastAPI:
    app = create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}",
            rate_limits="off",
            log_level="WARNING",
            max_body_bytes=LIMIT,
        )
    )
    router = APIRouter()

    @router.post("/test/echo")
    async def echo(request: Request) -> dict[str, int]:
        body = await request.body()  # would hold all 50 MB without the limit
        completed.append(len(body))
        return {"bytes": len(body)}

    app.include_router(router)
    return app


def _call(
    app: FastAPI, headers: list[tuple[bytes, bytes]], offered: int = OFFERED
) -> tuple[int, dict[str, str], Any, int]:
    """POST ``offered`` bytes in 64 KiB chunks; (status, headers, JSON body, chunks read)."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled * CHUNK >= offered:
            return {"type": "http.disconnect"}
        pulled += 1
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": pulled * CHUNK < offered}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/test/echo",
        "raw_path": b"/test/echo",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test"), (b"content-type", b"application/octet-stream"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    hdrs = {k.decode(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], hdrs, json.loads(body), pulled


@pytest.mark.parametrize(
    "headers",
    [[(b"content-length", str(OFFERED).encode())], [(b"transfer-encoding", b"chunked")]],
    ids=["content-length", "chunked"],
)
def test_large_body_answers_413_without_being_read(tmp_path: Path, headers) -> None:
    completed: list[int] = []
    app = _app(tmp_path, completed)
    tracemalloc.start()
    try:
        status, hdrs, body, pulled = _call(app, headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413
    assert hdrs["content-type"] == "application/problem+json"
    assert body["status"] == 413 and body["type"].endswith("/content-too-large")
    assert str(LIMIT) in body["detail"] and body["request_id"] == hdrs["x-request-id"]
    assert completed == []  # the handler never got the body
    if headers[0][0] == b"content-length":
        assert pulled == 0  # refused from the header alone: nothing read
    else:
        assert pulled <= LIMIT // CHUNK + 1  # stopped at the limit, not at 50 MB
    assert peak < 4 * LIMIT, peak  # 50 MB offered; memory stays near the 1 MiB limit


def test_body_under_the_limit_is_served(tmp_path: Path) -> None:
    completed: list[int] = []
    app = _app(tmp_path, completed)
    status, _, body, _ = _call(app, [(b"transfer-encoding", b"chunked")], offered=10 * CHUNK)
    assert status == 200 and body == {"bytes": 10 * CHUNK} and completed == [10 * CHUNK]


def test_body_limit_setting() -> None:
    assert Settings().max_body_bytes == 10 * 1024 * 1024
    with pytest.raises(ValueError, match="FREIGHT_MAX_BODY_BYTES"):
        Settings(max_body_bytes=10)
