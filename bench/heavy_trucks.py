"""Benchmark of the heavy-truck planner: all years 2026-2035 chained, and 2030/2035 against
two simple policies (densest lanes first; stations only at terminals).

    .venv/bin/python bench/heavy_trucks.py [--out bench/results/heavy_trucks.md]
        [--report bench/results/heavy_trucks_2026_2035_report.md]

Each year runs on the network of that year, built by the function the API and
``freight trucks plan|lanes`` use (``freight.network.scenario.network_of``); the years are
planned by the job runner of ``POST /v1/heavy-trucks/plans`` and ``freight trucks plan``
(``freight.trucks.jobs.run``), so the table and the report are the plans those give.
Prints a Markdown table (wall time, peak memory, plan KPIs, network year of each plan) and
writes it to --out; --report writes the report of the same plans.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _load() -> str:
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return "n/a"


def _mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def years_table(first: int, last: int, budget_s: float) -> tuple[list[str], float, dict[str, Any]]:
    from freight.trucks.jobs import run

    rows = [
        "| year | network year | status | gap | MIP wall s | options | electrified t-km "
        "| stations (new) | bays | batteries | chargers | grid peak kW "
        "| fleet (swap/plug-in/LNG/diesel) | TCO M CNY/yr | baseline M CNY/yr | CO2 saved t |",
        "|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    t0 = time.perf_counter()
    out = run(
        {"years": f"{first}-{last}", "time_limit_s": budget_s},
        lambda f, m: print(f"  {f:4.0%} {m} ({time.perf_counter() - t0:.0f} s)", flush=True),
    )
    wall = time.perf_counter() - t0
    for p in out["plans"]:
        k = p["kpis"]
        f = p["fleet"]
        st = p["stations"]
        new = sum(s["new"] for s in st)
        mix = "/".join(str(f.get(t, 0)) for t in ("bev_swap", "bev_plugin", "lng", "diesel"))
        rows.append(
            f"| {p['year']} | {p['network_year']} | {p['status']} | {p['gap']:.3%} "
            f"| {p['wall_s']:.1f} | {p['options']} "
            f"| {k['electrified_tkm_share']:.1%} | {len(st)} ({new}) "
            f"| {sum(s['bays'] for s in st)} | {sum(s['batteries'] for s in st)} "
            f"| {sum(s['chargers'] for s in st)} | {k['grid_peak_kw']:,.0f} "
            f"| {mix} "
            f"| {k['tco_cny_year'] / 1e6:,.2f} | {k['baseline_tco_cny_year'] / 1e6:,.2f} "
            f"| {k['co2_t_saved']:,.0f} |"
        )
    return rows, wall, out


def compare(year: int, time_limit: float) -> list[str]:
    from freight.errors import InfeasibleError
    from freight.network.scenario import network_of
    from freight.trucks.lanes import build_lanes
    from freight.trucks.plan import default_target, plan_scenario
    from freight.trucks.policies import densest_first, terminals_only
    from freight.trucks.scenario import build_scenario

    net = network_of(year)
    net_year = net.meta.get("year", "?")
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
            rows.append(f"| {year} | {net_year} | {name} | infeasible: {exc.message} | | | | | |")
            continue
        k = p.kpis
        tco = p.objective_cny_year / 1e6
        rows.append(
            f"| {year} | {net_year} | {name} | {tco:,.2f} | {k['electrified_tkm_share']:.1%} "
            f"| {len(p.stations)} | {sum(p.fleet.get(t, 0) for t in ('bev_swap', 'bev_plugin'))} "
            f"| {k['co2_t_saved']:,.0f} | {time.perf_counter() - t:.1f} |"
        )
    return rows


def lanes_rows(year: int) -> list[str]:
    """The year's lanes on the shipped files (every element) and on the network of the year."""
    from freight.network.loader import default_network
    from freight.network.scenario import network_of
    from freight.trucks.lanes import build_lanes

    rows = []
    for label, net in (
        ("shipped files", default_network()),
        ("network of the year", network_of(year)),
    ):
        ls = build_lanes(year, net)
        tonnes = sum(x.tonnes_year for x in ls.lanes)
        tkm = sum(x.tonnes_year * x.distance_km for x in ls.lanes)
        rows.append(
            f"| {year} | {label} ({net.meta.get('year', 'today')}) | {len(ls.lanes)} "
            f"| {tonnes / 1e6:,.3f} | {tkm / 1e6:,.1f} | {tkm / max(tonnes, 1e-9):,.1f} "
            f"| {ls.excluded_tonnes / 1e6:,.3f} |"
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--first", type=int, default=2026)
    ap.add_argument("--last", type=int, default=2035)
    ap.add_argument(
        "--budget", type=float, default=600.0,
        help="whole-plan budget, s, as freight trucks plan --time-limit (each MIP at most 60 s)",
    )  # fmt: skip
    ap.add_argument("--time-limit", type=float, default=60.0, help="MIP limit of the comparisons")
    ap.add_argument("--out", type=Path, default=Path("bench/results/heavy_trucks.md"))
    ap.add_argument("--report", type=Path, default=None, help="write the plans' report here")
    args = ap.parse_args()
    load_before = _load()
    rows, wall, out = years_table(args.first, args.last, args.budget)
    peak = _mib()
    load_after_years = _load()
    if args.report is not None:
        from freight.trucks.report import render_report

        args.report.write_text(render_report(out), encoding="utf-8")
    cmp_rows = [
        "| year | network year | policy | TCO M CNY/yr | electrified t-km | stations "
        "| electric trucks | CO2 saved t | wall s |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for y in (2030, 2035):
        if args.first <= y <= args.last:
            cmp_rows += compare(y, args.time_limit)
    lane_rows = [
        "| year | network | lanes | road t/yr (M) | t-km/yr (M) | mean km | "
        "road t outside the region (M) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for y in (2030, 2035):
        if args.first <= y <= args.last:
            lane_rows += lanes_rows(y)
    command = " ".join(["bench/heavy_trucks.py", *sys.argv[1:]])
    text = "\n".join(
        [
            "# Heavy-truck plan benchmark",
            "",
            f"Command: `.venv/bin/python {command}` (pid {os.getpid()}).",
            f"Load before: `{load_before}`; after the years: `{load_after_years}`; "
            f"at the end: `{_load()}`.",
            "",
            f"## Years {args.first}–{args.last}, stations carried from year to year",
            "",
            "Each year on the network of that year (`network_of(year)`, as the API and "
            "`freight trucks plan` build it), planned by the same job runner "
            f"(`freight.trucks.jobs.run`, whole-plan budget {args.budget:.0f} s, each MIP at "
            f"most 60 s){'; partial' if out['partial'] else ''}.",
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
            "## 2030 and 2035: the lanes on the shipped files and on the network of the year",
            "",
            *lane_rows,
            "",
        ]
    )
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
