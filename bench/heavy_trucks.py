"""Benchmark of the heavy-truck planner: all years 2026-2035 chained, and 2030/2035 against
two simple policies (densest lanes first; stations only at terminals).

    .venv/bin/python bench/heavy_trucks.py [--out bench/results/heavy_trucks.md]

Prints a Markdown table (wall time, peak memory, plan KPIs) and writes it to --out.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import time
from pathlib import Path


def _load() -> str:
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return "n/a"


def _mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def years_table(first: int, last: int, time_limit: float) -> tuple[list[str], float]:
    from freight.trucks.plan import plan_years

    rows = [
        "| year | status | gap | MIP wall s | options | electrified t-km | stations (new) "
        "| bays | batteries | chargers | grid peak kW | fleet (swap/plug-in/LNG/diesel) "
        "| TCO M CNY/yr | baseline M CNY/yr | CO2 saved t |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    t0 = time.perf_counter()
    plans = plan_years(
        first,
        last,
        time_limit_s=time_limit,
        progress=lambda y, p: print(f"  {y}: {p.status} in {p.wall_s:.1f} s", flush=True),
    )
    wall = time.perf_counter() - t0
    for p in plans:
        k = p.kpis
        f = p.fleet
        new = sum(s.new for s in p.stations)
        mix = "/".join(str(f.get(t, 0)) for t in ("bev_swap", "bev_plugin", "lng", "diesel"))
        rows.append(
            f"| {p.year} | {p.status} | {p.gap:.3%} | {p.wall_s:.1f} | {p.options} "
            f"| {k['electrified_tkm_share']:.1%} | {len(p.stations)} ({new}) "
            f"| {sum(s.bays for s in p.stations)} | {sum(s.batteries for s in p.stations)} "
            f"| {sum(s.chargers for s in p.stations)} | {k['grid_peak_kw']:,.0f} "
            f"| {mix} "
            f"| {k['tco_cny_year'] / 1e6:,.2f} | {k['baseline_tco_cny_year'] / 1e6:,.2f} "
            f"| {k['co2_t_saved']:,.0f} |"
        )
    return rows, wall


def compare(year: int, time_limit: float) -> list[str]:
    from freight.errors import InfeasibleError
    from freight.network.loader import default_network
    from freight.trucks.lanes import build_lanes
    from freight.trucks.plan import default_target, plan_scenario
    from freight.trucks.policies import densest_first, terminals_only
    from freight.trucks.scenario import build_scenario

    net = default_network()
    sc = build_scenario(
        year, build_lanes(year, net).lanes, net, target_tkm_share=default_target(year)
    )
    rows = []
    for name, fn in (
        ("MIP", lambda: plan_scenario(sc, time_limit_s=time_limit)),
        ("densest lanes first", lambda: densest_first(sc)),
        ("stations only at terminals", lambda: terminals_only(sc, time_limit)),
    ):
        t = time.perf_counter()
        try:
            p = fn()
        except InfeasibleError as exc:
            rows.append(f"| {year} | {name} | infeasible: {exc.message} | | | | | |")
            continue
        k = p.kpis
        tco = p.objective_cny_year / 1e6
        rows.append(
            f"| {year} | {name} | {tco:,.2f} | {k['electrified_tkm_share']:.1%} "
            f"| {len(p.stations)} | {sum(p.fleet.get(t, 0) for t in ('bev_swap', 'bev_plugin'))} "
            f"| {k['co2_t_saved']:,.0f} | {time.perf_counter() - t:.1f} |"
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--first", type=int, default=2026)
    ap.add_argument("--last", type=int, default=2035)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--out", type=Path, default=Path("bench/results/heavy_trucks.md"))
    args = ap.parse_args()
    load_before = _load()
    rows, wall = years_table(args.first, args.last, args.time_limit)
    peak = _mib()
    cmp_rows = [
        "| year | policy | TCO M CNY/yr | electrified t-km | stations | electric trucks "
        "| CO2 saved t | wall s |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for y in (2030, 2035):
        cmp_rows += compare(y, args.time_limit)
    text = "\n".join(
        [
            "# Heavy-truck plan benchmark",
            "",
            f"Command: `.venv/bin/python bench/heavy_trucks.py` (pid {os.getpid()}).",
            f"Load before: `{load_before}`; after: `{_load()}`.",
            "",
            f"## Years {args.first}–{args.last}, stations carried from year to year",
            "",
            f"Wall time for all years: **{wall:.1f} s** (lanes from the assignment, options, MIP, "
            f"checker, per year); peak memory (max RSS) **{peak:.0f} MiB**. "
            "Default target: 5 % of t-km in 2026 rising to 50 % in 2035.",
            "",
            *rows,
            "",
            "## 2030 and 2035: the MIP against two simple policies (same target, fresh stations)",
            "",
            *cmp_rows,
            "",
        ]
    )
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
