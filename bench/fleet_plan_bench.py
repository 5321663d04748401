"""Fleet plan benchmark: stops vs wall time vs peak memory, process vs Ray.

    .venv/bin/python bench/fleet_plan_bench.py [--year 2035] [--sizes 2000,5000,full]
        [--engines process,ray] [--workers 2] [--part-stops N] [--max-iterations N]

Each row is one ``plan_fleet`` run in a fresh child process (so peak memory is that run's):
both representative days sampled to ``max_stops`` (``full`` = every point), routed in parts,
merged, verified, fleet and chargers sized. Peak memory = max RSS of the planner process plus
the largest worker's (ru_maxrss of children). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from typing import Any


def _run(year: int, size: int | None, engine: str, workers: int, part: int | None,
         iters: int | None, out: Any) -> None:  # fmt: skip
    from freight.fleet.plan import PlanParams, plan_fleet

    kw: dict[str, Any] = {"max_stops": size, "engine": engine, "workers": workers}
    kw["time_limit_s"] = 3600.0
    if part:
        kw["part_stops"] = part
    if iters:
        kw["max_iterations"] = iters
    t0 = time.perf_counter()
    p = plan_fleet(year, PlanParams(**kw)).to_dict()
    wall = time.perf_counter() - t0
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # pool workers (not Ray's own)
    cpu_s = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out.put(
        {
            "stops": sum(dc["stops"] for dc in p["daily_check"]),
            "served": sum(dc["served"] for dc in p["daily_check"]),
            "verified": all(dc["verified"] for dc in p["daily_check"]),
            "parts": sum(dc["parts"] for dc in p["daily_check"]),
            "routes": sum(dc["routes"] for dc in p["daily_check"]),
            "duties": sum(dc["vehicles_used"] for dc in p["daily_check"]),
            "moved": sum(m["parts"] for m in p["policy"].get("depot_rebalancing", [])),
            "vehicles": p["policy"]["planned_new_energy_vehicles"],
            "chargers": sum(c["count"] for c in p["chargers"]),
            "ratio": p["vehicles_per_charger"],
            "energy_ok": p["overnight_energy_ok"],
            "wall_s": wall,
            "cpu_s": cpu_s,
            "peak_mb": max(self_mb, child_mb),
            "plan": p,
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2035)
    ap.add_argument("--sizes", default="2000,5000,full")
    ap.add_argument("--engines", default="process,ray")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--part-stops", type=int, default=None)
    ap.add_argument("--max-iterations", type=int, default=None)
    ap.add_argument("--save-json", default=None, help="write the last plan JSON here")
    a = ap.parse_args()
    ctx = multiprocessing.get_context("spawn")
    print(
        "| engine | stops (both days) | parts | moved parts | served | verified | routes "
        "| vehicle-days | vehicles | chargers | veh/charger | energy ok | wall s | CPU s "
        "| peak MB |"
    )
    print("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    last = None
    for size_s in a.sizes.split(","):
        size = None if size_s == "full" else int(size_s)
        for engine in a.engines.split(","):
            q = ctx.Queue()
            proc = ctx.Process(
                target=_run,
                args=(a.year, size, engine, a.workers, a.part_stops, a.max_iterations, q),
            )
            proc.start()
            r = q.get()
            proc.join()
            last = r.pop("plan")
            print(
                f"| {engine} | {r['stops']:,} | {r['parts']} | {r['moved']} | {r['served']:,} "
                f"| {r['verified']} | {r['routes']:,} | {r['duties']:,} | {r['vehicles']:,} "
                f"| {r['chargers']:,} | {r['ratio']:.2f} | {r['energy_ok']} | {r['wall_s']:.1f} "
                f"| {r['cpu_s']:.0f} | {r['peak_mb']:.0f} |",
                flush=True,
            )
    if a.save_json and last is not None:
        with open(a.save_json, "w", encoding="utf-8") as f:
            json.dump(last, f, indent=1)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
