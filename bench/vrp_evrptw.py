"""E-VRPTW (Schneider, Stenger & Goeke 2014) benchmark for `freight vrp solve`.

Usage::

    .venv/bin/python bench/vrp_evrptw.py [--small-limit 5] [--large-limit 40] \
        [--only c101C5,r101_21] [--out bench/results/vrp_evrptw.md]

Small instances (5/10/15 customers) run ``solve_instance`` (exact label setting + set
partitioning; heuristic fallback if the exact method does not finish in the limit) and
are compared with the verified optima in ``bks.csv``. The 100-customer instances run the
PyVRP + exact-station-insertion heuristic. Every answer is re-checked by the independent
checker. Seed 1.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from freight.paths import require_vrp_data
from freight.vrp import EvrptwInstance, check_solution, read_instance
from freight.vrp.solve import solve_instance

SEED = 1


def _fmt_load(load: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.2f}" for x in load)


def main() -> None:
    data = require_vrp_data("evrptw")
    ap = argparse.ArgumentParser()
    ap.add_argument("--small-limit", type=float, default=5.0)
    ap.add_argument("--large-limit", type=float, default=40.0)
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    files = sorted(data.glob("*.txt"), key=lambda f: (len(f.stem) > 8, f.stem))
    files.sort(
        key=lambda f: (f.stem.endswith("_21"), int(f.stem.split("C")[-1]) if "C" in f.stem else 0)
    )
    if args.only:
        keep = set(args.only.split(","))
        files = [f for f in files if f.stem in keep]
    lines = [
        "| instance | n | BKS veh/dist | ours veh/dist | gap % | method | optimal | wall s "
        "| check |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    hit = small = proven = 0
    load_start = os.getloadavg()
    for f in files:
        inst = read_instance(f)
        assert isinstance(inst, EvrptwInstance)
        limit = args.large_limit if inst.num_customers > 15 else args.small_limit
        sol = solve_instance(inst, limit, SEED, bks_path=f)
        rep = check_solution(inst, sol.routes)
        b = sol.bks
        same = (
            b is not None and sol.vehicles == b.vehicles and abs(sol.distance - b.distance) < 0.006
        )
        if inst.num_customers <= 15:
            small += 1
            proven += sol.optimal and same and sol.wall_s <= args.small_limit
            hit += same
        gap = sol.gap_pct
        line = (
            f"| {inst.name} | {inst.num_customers} | "
            f"{'-' if b is None else f'{b.vehicles}/{b.distance:.2f}'} | "
            f"{sol.vehicles}/{sol.distance:.2f} | {'-' if gap is None else f'{gap:+.2f}'} | "
            f"{sol.method} | {'yes' if sol.optimal else 'no'} | {sol.wall_s:.2f} | "
            f"{'ok' if rep.feasible else 'INFEASIBLE'} |"
        )
        lines.append(line)
        print(line, flush=True)
    summary = (
        f"- small instances: {proven}/{small} proven optimal (= verified optimum) within "
        f"{args.small_limit:g} s; {hit}/{small} at the verified optimum value (the rest: the "
        "best plan found when the time ran out, without a proof)"
    )
    print(summary)
    text = "\n".join(
        [
            "# E-VRPTW (Schneider et al. 2014, full recharge)",
            "",
            f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
            f"{os.cpu_count()} cores shared with other engineers working at once; load "
            f"average (1/5/15 min) {_fmt_load(load_start)} at the start and "
            f"{_fmt_load(os.getloadavg())} at the end. Under contention wall times are "
            "inflated and time-limited searches do less.",
            f"Command: `{' '.join(['.venv/bin/python', *sys.argv])}`; seed {SEED}; limits "
            f"{args.small_limit:g} s (5-15 customers), {args.large_limit:g} s (100 customers).",
            "Objective: vehicles first, then distance (unrounded Euclidean). "
            "Gap = 100*(distance/BKS distance - 1); compare vehicles first.",
            "",
            *lines,
            "",
            summary,
            "",
        ]
    )
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total wall {time.perf_counter() - t0:.0f} s")
