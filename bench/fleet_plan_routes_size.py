"""Size of a fleet plan's kept routes: JSON bytes per stop, gzip, and the time to read them.

    PYTHONPATH=. .venv/bin/python bench/fleet_plan_routes_size.py [--years 2026]
        [--max-stops N] [--workers 2] [--seed 0]

Each year is one ``plan_fleet`` run (both representative days, every point unless
``--max-stops``); the table gives the plan's JSON without routes, the routes' JSON (as the
job stores it: ``json.dumps`` defaults), bytes per routed stop, gzip size, and the seconds to
read the plan back typed (``plan_from_dict``) with and without its routes. Prints Markdown.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--years", default="2026", help="comma list of plan years")
    ap.add_argument("--max-stops", type=int, default=None, help="sample each day (default: all)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from freight.fleet.plan import PlanParams, plan_fleet
    from freight.fleet.plan.model import plan_from_dict

    print("| year | stops routed | routes | unserved | plan w/o routes kB | routes MB | B/stop "
          "| routes gzip MB | read with routes s | read w/o routes s | plan wall s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for year in (int(y) for y in args.years.split(",")):
        params = PlanParams(
            max_stops=args.max_stops, seed=args.seed, workers=args.workers, time_limit_s=3600.0
        )
        t0 = time.perf_counter()
        plan = plan_fleet(year, params)
        wall = time.perf_counter() - t0
        data = plan.to_dict()
        routes = json.dumps(data["routes"])
        plain = {**data, "routes": None}
        days = plan.routes or ()
        stops = sum(len(r.stops) for d in days for r in d.routes)
        n_routes = sum(len(d.routes) for d in days)
        unserved = sum(len(d.unserved) for d in days)
        zipped = len(gzip.compress(routes.encode()))
        t1 = time.perf_counter()
        plan_from_dict(json.loads(json.dumps(data)))
        read_all = time.perf_counter() - t1
        t2 = time.perf_counter()
        plan_from_dict(json.loads(json.dumps(plain)))
        read_plain = time.perf_counter() - t2
        print(
            f"| {year} | {stops:,} | {n_routes:,} | {unserved:,} | "
            f"{len(json.dumps(plain)) / 1e3:.1f} | {len(routes) / 1e6:.2f} | "
            f"{len(routes) / max(1, stops):.0f} | {zipped / 1e6:.2f} | "
            f"{read_all:.2f} | {read_plain:.3f} | {wall:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
