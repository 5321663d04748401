"""Matching rounds at platform scale, and HTTP batch posting of loads.

    .venv/bin/python bench/matching_bench.py rounds [--sizes 2000x1000,20000x10000]
    .venv/bin/python bench/matching_bench.py http [--loads 10000]

``rounds``: one seeded random round per size (``freight.matching.generate``: the Kuytun
road network, all five cargo forms, 4 h pickup windows over one day, 10 % bev trucks),
each size in a fresh subprocess so that peak RSS (ru_maxrss) is per run; methods ``auto``
(greedy, re-chained by flow, trucks re-assigned to the chains), ``flow`` and ``greedy``;
the independent checker verifies each plan (its time is not in the wall time). ``http``:
a service on a temporary SQLite file, 10,000 loads posted in one batch (all-or-nothing),
loads per second.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def one(n_loads: int, n_veh: int, methods: list[str], check: bool) -> None:
    from freight.matching import Method, check_result, match
    from freight.matching.generate import random_round
    from freight.matching.roads import road_tables
    from freight.network.loader import default_network

    net = default_network()
    t = time.perf_counter()
    road_tables(net)
    tables_s = time.perf_counter() - t
    r = random_round(net, n_loads, n_veh, seed=7)
    for m in methods:
        t = time.perf_counter()
        res = match(net, r.vehicles, r.loads, method=Method(m))
        wall = time.perf_counter() - t
        errors = check_result(net, r.vehicles, r.loads, res) if check else []
        k = res.kpis
        print(
            json.dumps(
                {
                    "loads": n_loads,
                    "trucks": n_veh,
                    "method": res.method,
                    "wall_s": round(wall, 2),
                    "tables_s": round(tables_s, 2),
                    "rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                    "matched": k.matched,
                    "empty_km": round(k.empty_km),
                    "empty_km_per_load": round(k.empty_km / max(1, k.matched), 2),
                    "trucks_used": k.trucks_used,
                    "checker_errors": len(errors),
                }
            ),
            flush=True,
        )


def rounds(sizes: list[tuple[int, int]], methods: list[str], check: bool) -> None:
    print(f"load average: {os.getloadavg()}")
    rows: list[dict[str, Any]] = []
    for nl, nv in sizes:
        cmd = [sys.executable, __file__, "one", str(nl), str(nv), ",".join(methods)]
        if not check:
            cmd.append("--no-check")
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=ROOT)
        rows += [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    cols = [
        ("loads", "loads", 6),
        ("trucks", "trucks", 6),
        ("method", "method", 12),
        ("wall s", "wall_s", 7),
        ("RSS MiB", "rss_mib", 8),
        ("matched", "matched", 8),
        ("empty km", "empty_km", 9),
        ("km/load", "empty_km_per_load", 8),
        ("used", "trucks_used", 6),
        ("errors", "checker_errors", 6),
    ]
    print(" ".join(f"{h:>{w}}" for h, _, w in cols))
    for r in rows:
        print(" ".join(f"{r[k]!s:>{w}}" for _, k, w in cols))
    print(f"load average: {os.getloadavg()}")


def http(n_loads: int, postgres: bool) -> None:
    import contextlib

    import httpx
    from sqlalchemy import create_engine

    from freight.matching.generate import random_round
    from freight.matching.io import load_to_dict
    from freight.network.loader import default_network

    sys.path.insert(0, str(ROOT))
    from tests.api.conftest import LiveServer, fresh_pg_schema, pg_base_url

    r = random_round(default_network(), n_loads, 1, seed=3)
    items = [{k: v for k, v in load_to_dict(x).items() if k != "posted_at"} for x in r.loads]
    with contextlib.ExitStack() as stack:
        if postgres:
            admin = create_engine(pg_base_url(), isolation_level="AUTOCOMMIT")
            url = stack.enter_context(fresh_pg_schema(admin))
            what = "PostgreSQL"
        else:
            url = f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/bench.sqlite3"
            what = "SQLite"
        server = LiveServer(url).start()
        try:
            from api.db import Database
            from api.security import create_key

            _, secret = create_key(Database(url), "platform", "bench")
            h = {"Authorization": f"Bearer {secret}"}
            print(f"load average: {os.getloadavg()}")
            t = time.perf_counter()
            resp = httpx.post(
                server.base + "/v1/matching/loads/batch",
                json={"items": items},
                headers=h,
                timeout=600,
            )
            wall = time.perf_counter() - t
            assert resp.status_code == 200, resp.text[:500]
            rate = n_loads / wall
            print(f"{n_loads} loads in one batch: {wall:.2f} s, {rate:,.0f} loads/s ({what})")
        finally:
            server.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("rounds")
    a.add_argument("--sizes", default="2000x1000,20000x10000")
    a.add_argument("--methods", default="auto,flow,greedy")
    a.add_argument("--no-check", action="store_true")
    o = sub.add_parser("one")
    o.add_argument("loads", type=int)
    o.add_argument("trucks", type=int)
    o.add_argument("methods")
    o.add_argument("--no-check", action="store_true")
    h = sub.add_parser("http")
    h.add_argument("--loads", type=int, default=10_000)
    h.add_argument("--postgres", action="store_true", help="FREIGHT_TEST_POSTGRES_URL, own schema")
    args = ap.parse_args()
    if args.cmd == "rounds":
        sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
        rounds(sizes, args.methods.split(","), not args.no_check)  # type: ignore[arg-type]
    elif args.cmd == "one":
        one(args.loads, args.trucks, args.methods.split(","), not args.no_check)
    else:
        http(args.loads, args.postgres)


if __name__ == "__main__":
    main()
