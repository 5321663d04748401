"""Size of ``GET /v1/jobs/{id}/result`` for a fleet-plan job: default (routes left out)
against ``?routes=true`` (every kept route).

    PYTHONPATH=. .venv/bin/python bench/fleet_plan_job_result_size.py [--years 2026-2035]
        [--max-stops 60] [--seed 4]

Plans the years as the fleet-plan job does (:func:`freight.fleet.plan.jobs.run`, report
included), then serialises the answer body both ways with the endpoint's own
``JSONResponse`` (the bytes sent, before any HTTP compression) and gzipped. Prints Markdown.
"""

from __future__ import annotations

import argparse
import gzip
import time
from typing import Any


def _sizes(result: dict[str, Any]) -> tuple[int, int]:
    from fastapi.responses import JSONResponse

    body = {"id": "0" * 36, "kind": "fleet-plan", "partial": False, "result": result}
    raw = bytes(JSONResponse(body).body)
    return len(raw), len(gzip.compress(raw))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--years", default="2026-2035", help='"2026-2035" or one year')
    ap.add_argument("--max-stops", type=int, default=60, help="sample each day")
    ap.add_argument("--seed", type=int, default=4)
    args = ap.parse_args()

    from api.routes.fleet_plans import without_routes
    from freight.fleet.plan.jobs import run

    t0 = time.perf_counter()
    key = "years" if "-" in args.years else "year"
    value: Any = args.years if key == "years" else int(args.years)
    result = run({key: value, "max_stops": args.max_stops, "seed": args.seed})
    wall = time.perf_counter() - t0
    plans = result.get("plans", [result])
    n_routes = sum(len(d["routes"]) for p in plans for d in p.get("routes") or ())
    n_stops = sum(len(r["stops"]) for p in plans for d in p.get("routes") or ()
                  for r in d["routes"])  # fmt: skip
    full, full_gz = _sizes(result)
    light, light_gz = _sizes(without_routes(result))
    print(f"{len(plans)} plan years {args.years}, max_stops {args.max_stops}, seed {args.seed}: "
          f"{n_routes} routes, {n_stops} stops kept; planned in {wall:.0f} s\n")  # fmt: skip
    print("| answer | bytes | gzip bytes |")
    print("|---|---|---|")
    print(f"| `?routes=true` (before: the default answer) | {full:,} | {full_gz:,} |")
    print(f"| default, routes left out | {light:,} | {light_gz:,} |")
    print(f"| ratio | {full / light:.1f}x | {full_gz / light_gz:.1f}x |")


if __name__ == "__main__":
    main()
