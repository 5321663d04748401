"""Where a route query's server time goes: cProfile over N in-process POST /v1/routes calls.

    .venv/bin/python bench/load_profile.py [N=2000] [ENDPOINT=/v1/routes]

Uses the same varied bodies as bench/load_routes.sh (seed 2026) through the full ASGI stack
(middleware, validation, handler, serialisation) without sockets, and prints the top
functions by cumulative and by own time, plus the mean in-process time per request.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("FREIGHT_LOG_LEVEL", "WARNING")
os.environ["FREIGHT_RATE_LIMITS"] = "off"

from fastapi.testclient import TestClient  # noqa: E402
from load_routes_bodies import example_body, vary  # noqa: E402

from api.main import create_app  # noqa: E402
from api.settings import Settings  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    endpoint = sys.argv[2] if len(sys.argv) > 2 else "/v1/routes"
    tmp = Path(tempfile.mkdtemp())
    app = create_app(Settings(database_url=f"sqlite:///{tmp / 'p.sqlite3'}", run_jobs=False))
    with TestClient(app) as c:
        schema = c.get("/v1/openapi.json").json()
        net = c.get("/v1/network").json()
        ids = sorted(
            f["properties"]["id"]
            for f in net["features"]
            if f["geometry"]["type"] == "Point" and f["properties"].get("accepts_freight", True)
        )
        rng = random.Random(2026)
        base = example_body(schema)
        bodies = [json.dumps(vary(base, rng, ids)) for _ in range(400)]
        hdr = {"content-type": "application/json"}
        for b in bodies[:50]:  # warm caches
            c.post(endpoint, content=b, headers=hdr)
        codes: dict[int, int] = {}
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        for i in range(n):
            r = c.post(endpoint, content=bodies[i % len(bodies)], headers=hdr)
            codes[r.status_code] = codes.get(r.status_code, 0) + 1
        prof.disable()
        wall = time.perf_counter() - t0
    print(f"{n} requests to {endpoint}: {wall / n * 1000:.2f} ms each in-process; status {codes}")
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats(key).print_stats(25)
        print(f"--- top 25 by {key} ---")
        print(out.getvalue().split("\n", 6)[-1])


if __name__ == "__main__":
    main()
