"""Kuytun EV fleet routing benchmarks: quality vs plain OR-Tools, and scaling.

    .venv/bin/python bench/fleet_bench.py compare [--time-limit 10] [--battery-scale 1.0]
    .venv/bin/python bench/fleet_bench.py scale [--sizes 200,1000,5000]
    .venv/bin/python bench/fleet_bench.py one N TIME METHOD [--ev-only]

``compare``: each instance (n = 0 is demand_data/examples/fleet_small.json) solved by
``ortools-plain`` (OR-Tools routing with capacity, time and a full-load energy cap, no
charging visits), by ``ortools-energy`` (OR-Tools routing with an energy dimension and
optional charging-visit nodes, ``freight.fleet.routing.ortools_energy_search``) and by the router
(``pyvrp``: OR-Tools warm start + PyVRP search + exact charging insertion + repair) at
the same time limit; every method's routes go through the same exact charging DP, repair
and verification. ``scale``: Kuytun days of 200, 1,000 and 5,000 stops. Every run is a separate
process so peak RSS (``ru_maxrss``) is per run; every plan passes ``verify_plan``.
Instances: ``freight.fleet.instances.kuytun_day(n, seed)`` (fixed seeds; ``--ev-only``
drops the PHEVs so outlying stops need charging visits). Results are appended to
bench/results/fleet_*.jsonl and printed as a table.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def run_one(
    n: int, time_s: float, method: str, ev_only: bool, seed: int, battery_scale: float = 1.0
) -> dict[str, object]:
    from freight.fleet.instances import kuytun_day
    from freight.fleet.problem_json import parse_problem
    from freight.fleet.routing import Method, RouterParams, solve_fleet
    from freight.fleet.verify import verify_plan
    from freight.paths import demand_dir

    if n == 0:  # demand_data/examples/fleet_small.json (a Karamay stop that needs a charge)
        p = parse_problem(json.loads((demand_dir() / "examples" / "fleet_small.json").read_text()))
    else:
        p = kuytun_day(n, seed=seed)
    if ev_only:
        p = replace(p, vehicle_types=tuple(v for v in p.vehicle_types if v.is_electric))
    if battery_scale != 1.0:  # smaller batteries (or a harsher winter): charging binds
        p = replace(
            p,
            vehicle_types=tuple(
                replace(v, battery_kwh=v.battery_kwh * battery_scale,
                        min_soc_kwh=v.min_soc_kwh * battery_scale)
                if v.battery_kwh is not None else v
                for v in p.vehicle_types
            ),
        )  # fmt: skip
    t0 = time.perf_counter()
    r = solve_fleet(p, RouterParams(time_limit_s=time_s, seed=0, method=Method(method)))
    wall = time.perf_counter() - t0
    errs = verify_plan(p, r)
    return {
        "n": n,
        "seed": seed,
        "ev_only": ev_only,
        "battery_scale": battery_scale,
        "method": method,
        "time_limit_s": time_s,
        "served": r.served_count,
        "unserved": len(r.unserved),
        "cost_cny": round(r.objective_cny, 2),
        "distance_km": round(r.distance_km, 1),
        "vehicles": r.vehicles_used,
        "charging_visits": r.stats.get("charging_visits"),
        "zones": r.stats.get("zones"),
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "verified": not errs,
        "unserved_reasons": dict(Counter(u.reason for u in r.unserved)),
    }


def spawn(
    n: int, time_s: float, method: str, ev_only: bool, seed: int, battery_scale: float = 1.0
) -> dict[str, object]:
    cmd = [sys.executable, __file__, "one", str(n), str(time_s), method, "--seed", str(seed)]
    cmd += ["--battery-scale", str(battery_scale)]
    if ev_only:
        cmd.append("--ev-only")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def table(rows: list[dict[str, object]]) -> None:
    cols = ["n", "seed", "ev_only", "battery_scale", "method", "time_limit_s", "served",
            "unserved", "cost_cny", "distance_km", "vehicles", "charging_visits", "wall_s",
            "peak_rss_mb", "verified"]  # fmt: skip
    print(" | ".join(cols))
    print(" | ".join("---" for _ in cols))
    for r in rows:
        print(" | ".join(str(r.get(c, 1.0)) for c in cols))


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    one = sub.add_parser("one")
    one.add_argument("n", type=int)
    one.add_argument("time_s", type=float)
    one.add_argument("method")
    one.add_argument("--ev-only", action="store_true")
    one.add_argument("--seed", type=int, default=1)
    one.add_argument("--battery-scale", type=float, default=1.0)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("--time-limit", type=float, default=10.0)
    cmp_.add_argument("--sizes", default="0,100,200", help="0 = fleet_small.json")
    cmp_.add_argument("--methods", default="ortools-plain,ortools-energy,pyvrp")
    cmp_.add_argument(
        "--battery-scale", type=float, default=1.0, help="scale every battery (and min SoC)"
    )
    cmp_.add_argument("--ev-only", default="no,yes", help="which fleets: no, yes or both")
    sc = sub.add_parser("scale")
    sc.add_argument("--sizes", default="200,1000,5000")
    a = ap.parse_args()
    RESULTS.mkdir(exist_ok=True)
    if a.cmd == "one":
        print(json.dumps(run_one(a.n, a.time_s, a.method, a.ev_only, a.seed, a.battery_scale)))
        return
    rows: list[dict[str, object]] = []
    if a.cmd == "compare":
        for n in (int(x) for x in a.sizes.split(",")):
            for ev_only in (x == "yes" for x in a.ev_only.split(",")):
                for method in a.methods.split(","):
                    rows.append(spawn(n, a.time_limit, method, ev_only, 1, a.battery_scale))
                    print(rows[-1], file=sys.stderr)
        out = RESULTS / "fleet_compare.jsonl"
    else:
        budget = {200: 20.0, 1000: 60.0, 5000: 150.0}
        for n in (int(x) for x in a.sizes.split(",")):
            rows.append(spawn(n, budget.get(n, n / 25), "pyvrp", False, seed=1))
            print(rows[-1], file=sys.stderr)
        out = RESULTS / "fleet_scale.jsonl"
    with out.open("a") as f:
        for r in rows:
            f.write(json.dumps({**r, "date": time.strftime("%Y-%m-%d %H:%M")}) + "\n")
    table(rows)


if __name__ == "__main__":
    main()
