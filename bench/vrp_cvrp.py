"""CVRPLIB X instances with `freight vrp solve` (PyVRP, nint distances) vs best known.

Usage: ``.venv/bin/python bench/vrp_cvrp.py [--time-limit 10] [--out FILE]``. Seed 1.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from freight.paths import require_vrp_data
from freight.vrp import solve_file


def main() -> None:
    data = require_vrp_data("cvrplib")
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    lines = [
        "| instance | BKS veh/dist | ours veh/dist | gap % | wall s | check |",
        "|---|---|---|---|---|---|",
    ]
    for f in sorted(data.glob("*.vrp"), key=lambda p: int(p.stem.split("-")[1][1:])):
        s = solve_file(f, args.time_limit, seed=1)
        b = s.bks
        line = (
            f"| {s.instance} | {'-' if b is None else f'{b.vehicles}/{b.distance:.0f}'} | "
            f"{s.vehicles}/{s.distance:.0f} | {s.gap_pct:+.2f} | {s.wall_s:.1f} | "
            f"{'ok' if s.feasible else 'INFEASIBLE'} |"
        )
        lines.append(line)
        print(line, flush=True)
    text = "\n".join(
        [
            f"# CVRPLIB X at {args.time_limit:g} s",
            "",
            f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; 2 cores shared with ~8 engineers "
            "(heavy contention). PyVRP 0.14.1, TSPLIB nint distances, unlimited fleet.",
            f"Command: `{' '.join(['.venv/bin/python', *sys.argv])}`; seed 1.",
            "",
            *lines,
            "",
        ]
    )
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
