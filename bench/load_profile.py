"""Where a route query's server time goes: stage timings and cProfile, in-process.

    .venv/bin/python bench/load_profile.py [N=2000] [ENDPOINT=/v1/routes]

Uses the same varied bodies as bench/load_routes.sh (seed 2026, origins/destinations from
the network's freight nodes). Drives the ASGI app directly on one asyncio loop (no sockets,
no HTTP client competing for the profile), so the numbers are the server's own work:

1. stage timings per request (mean us): JSON parse + pydantic validation of the body,
   ``request_from_dict``, the label-setting search (``find_routes``), ``to_dict``, response
   validation + JSON serialisation, and the full ASGI call (middleware, routing, FastAPI,
   everything) — the difference is the framework/middleware share;
2. the same for ``GET /v1/health`` (middleware + one DB round trip) as a baseline;
3. cProfile over N full ASGI calls (a sync endpoint's threadpool hop is made inline for the
   profile so its work is seen), top functions by own and cumulative time.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("FREIGHT_LOG_LEVEL", "WARNING")
os.environ["FREIGHT_RATE_LIMITS"] = "off"

from load_routes_bodies import example_body, vary  # noqa: E402

from api.main import create_app  # noqa: E402
from api.routes.routes import RouteAnswer, RouteQueryIn, routing_index  # noqa: E402
from api.settings import Settings  # noqa: E402
from freight.errors import FreightError  # noqa: E402
from freight.routing import find_routes  # noqa: E402
from freight.routing.io import request_from_dict  # noqa: E402


async def asgi_call(app: Any, method: str, path: str, body: bytes = b"") -> int:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = [0]

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]

    await app(scope, receive, send)
    return status[0]


def stage(label: str, fn: Callable[[Any], Any], items: list[Any], reps: int) -> float:
    t0 = time.perf_counter()
    n = 0
    for _ in range(reps):
        for item in items:
            with contextlib.suppress(FreightError):
                fn(item)
            n += 1
    us = (time.perf_counter() - t0) / n * 1e6
    print(f"| {label} | {us:8.0f} |")
    return us


async def run(n: int, endpoint: str) -> None:
    tmp = Path(tempfile.mkdtemp())
    app = create_app(Settings(database_url=f"sqlite:///{tmp / 'p.sqlite3'}", run_jobs=False))
    async with app.router.lifespan_context(app):
        schema = app.openapi()
        net = app.state.network
        ids = sorted(
            nid
            for nid, node in routing_index().network.nodes.items()
            if getattr(node, "accepts_freight", True)
        )
        del net
        rng = random.Random(2026)
        base = example_body(schema)
        raw = [json.dumps(vary(base, rng, ids)).encode() for _ in range(400)]
        ok: list[bytes] = []
        for b in raw:
            try:
                find_routes(routing_index(), request_from_dict(json.loads(b)))
                ok.append(b)
            except FreightError:
                pass
        print(f"{len(ok)} of {len(raw)} varied bodies are answerable (the rest are rule 422s)")
        reps = max(1, n // len(ok))
        models = [RouteQueryIn.model_validate_json(b) for b in ok]
        reqs = [request_from_dict(m.model_dump(mode="json")) for m in models]
        results = [find_routes(routing_index(), r) for r in reqs]
        dicts = [r.to_dict() for r in results]
        print("\n| stage (answerable queries) | mean us |\n|---|---|")
        parse = stage(
            "body: JSON parse + pydantic validation", RouteQueryIn.model_validate_json, ok, reps
        )
        to_req = stage(
            "model_dump + request_from_dict",
            lambda m: request_from_dict(m.model_dump(mode="json")),
            models,
            reps,
        )
        search = stage(
            "find_routes (label-setting search)",
            lambda r: find_routes(routing_index(), r),
            reqs,
            reps,
        )
        todict = stage("RouteResult.to_dict", lambda r: r.to_dict(), results, reps)
        ser = stage(
            "response: validate RouteAnswer + JSON bytes",
            lambda d: RouteAnswer.model_validate(d).model_dump_json(by_alias=True),
            dicts,
            reps,
        )
        for _ in range(50):  # warm up
            await asgi_call(app, "POST", "/v1/routes", ok[0])
        t0, c0 = time.perf_counter(), time.process_time()
        m = 0
        for _ in range(reps):
            for b in ok:
                await asgi_call(app, "POST", "/v1/routes", b)
                m += 1
        full = (time.perf_counter() - t0) / m * 1e6
        cpu = (time.process_time() - c0) / m * 1e6
        print(f"| full ASGI call POST /v1/routes | {full:8.0f} |")
        print(f"| (its CPU time, all threads: robust to other load) | {cpu:8.0f} |")
        rest = full - (parse + to_req + search + todict + ser)
        print(f"| = framework + middleware + threadpool (difference) | {rest:8.0f} |")
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(1000):
            await asgi_call(app, "GET", "/v1/health")
        print(f"| full ASGI call GET /v1/health | {(time.perf_counter() - t0) / 1000 * 1e6:8.0f} |")
        print(f"| (its CPU time) | {(time.process_time() - c0) / 1000 * 1e6:8.0f} |")
        t0 = time.perf_counter()
        for b in raw:
            await asgi_call(app, "POST", "/v1/routes", b)
        mix = (time.perf_counter() - t0) / len(raw) * 1e6
        print(f"| full ASGI call POST /v1/routes, raw mix incl. 422s | {mix:8.0f} |")

        # cProfile: make the sync-endpoint threadpool hop inline so the profile sees it.
        import fastapi.routing as fr

        async def inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

        saved = fr.run_in_threadpool
        fr.run_in_threadpool = inline  # type: ignore[assignment]
        bodies = raw if endpoint == "/v1/routes" else [b""]
        method = "POST" if endpoint == "/v1/routes" else "GET"
        codes: dict[int, int] = {}
        prof = cProfile.Profile()
        prof.enable()
        for i in range(n):
            s = await asgi_call(app, method, endpoint, bodies[i % len(bodies)])
            codes[s] = codes.get(s, 0) + 1
        prof.disable()
        fr.run_in_threadpool = saved  # type: ignore[assignment]
    print(f"\ncProfile over {n} {method} {endpoint} (raw mix): status {codes}")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats(key).print_stats(25)
        print(f"--- top 25 by {key} ---")
        print(out.getvalue().split("\n", 6)[-1])


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    endpoint = sys.argv[2] if len(sys.argv) > 2 else "/v1/routes"
    asyncio.run(run(n, endpoint))


if __name__ == "__main__":
    main()
