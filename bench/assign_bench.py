"""Assignment wall time and peak memory: the default year, 2x and 4x its shipments.

    .venv/bin/python bench/assign_bench.py [--year 2025] [--scales 1 2 4]

Each scale runs in a fresh subprocess so peak RSS (ru_maxrss) is per run. The demand is
repeated ``scale`` times (same ODs, more tonnes and shipments), which keeps the LP size but
tightens capacities; groups (OD, form, commodity, month) are bounded, so the LP size
stays put and time grows only with aggregation (linear, milliseconds).

Result 2026-11-28, 2-core shared machine under heavy contention, Kuytun network with the
synthetic stand-in demand (``route_synthetic.synthetic_shipments``: 10,000 shipments over
300 random ODs; ``freight.demand`` had not landed yet):

    scale  shipments  groups  routes  assign s  cand s   LP s  RSS MiB  rail %  unassigned t
        1      10000    7115    2666      4.19    3.40   0.74      124    22.5       579,760
        2      20000    7115    2666      4.12    3.30   0.74      124    20.5     1,224,080
        4      40000    7115    2666      4.39    3.50   0.77      125    16.9     2,848,760
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _data(year: int, synthetic: bool) -> tuple[Any, list[Any]]:
    """Kuytun network and demand; synthetic stand-ins for whatever is missing."""
    sys.path.insert(0, str(Path(__file__).parent))
    mod = importlib.import_module("route_synthetic")
    net = None
    if not synthetic:
        try:
            net = importlib.import_module("freight.network.loader").default_network()
            ships = list(importlib.import_module("freight.demand").load_shipments(year))
            return net, ships
        except ImportError as exc:
            print(f"loader unavailable ({exc}); synthetic stand-in", file=sys.stderr)
    net = net or mod.synthetic_network()
    return net, mod.synthetic_shipments(net, 10_000, year=year)


def one(year: int, scale: int, synthetic: bool) -> None:
    import freight.assign.candidates as cand_mod
    from freight.assign import AssignOptions, assign

    t = time.perf_counter()
    net, base = _data(year, synthetic)
    ships = base * scale
    t_load = time.perf_counter() - t
    queries = 0
    find_routes = cand_mod.find_routes

    def counted(*a: Any, **k: Any) -> Any:
        nonlocal queries
        queries += 1
        return find_routes(*a, **k)

    cand_mod.find_routes = counted  # type: ignore[assignment]  # router queries of assign()
    cpu0 = time.process_time()
    res = assign(net, ships, AssignOptions(time_limit_s=120), year=year).to_dict()
    cpu_s = time.process_time() - cpu0
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "scale": scale, "shipments": res["shipments"], "groups": res["groups"],
        "candidates": res["candidates"], "load_s": round(t_load, 2), "wall_s": res["wall_s"],
        "timings": res["timings_s"], "rss_mib": round(rss_mib), "rail_share": res["rail_share"],
        "unassigned_t": res["tonnes_unassigned"], "lp_status": res["lp_status"],
        "overloaded_uncap": res["uncapacitated"]["overloaded_count"],
        "router_queries": queries, "assign_cpu_s": round(cpu_s, 2),
    }))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--synthetic", action="store_true", help="synthetic network and demand")
    args = ap.parse_args()
    if args.one:
        one(args.year, args.one, args.synthetic)
        return
    rows = []
    for s in args.scales:
        out = subprocess.run(
            [sys.executable, __file__, "--year", str(args.year), "--one", str(s)]
            + (["--synthetic"] if args.synthetic else []),
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    hdr = f"{'scale':>5}{'shipments':>11}{'groups':>8}{'routes':>8}{'assign s':>10}"
    print(
        hdr + f"{'cand s':>8}{'LP s':>7}{'CPU s':>7}{'queries':>9}{'RSS MiB':>9}{'rail %':>8}"
        f"{'unassigned t':>14}"
    )
    for r in rows:
        print(
            f"{r['scale']:>5}{r['shipments']:>11}{r['groups']:>8}{r['candidates']:>8}"
            f"{r['wall_s']:>10.2f}{r['timings']['candidates']:>8.2f}{r['timings']['lp']:>7.2f}"
            f"{r['assign_cpu_s']:>7.2f}{r['router_queries']:>9}{r['rss_mib']:>9}"
            f"{100 * r['rail_share']:>8.1f}{r['unassigned_t']:>14,.0f}"
        )


if __name__ == "__main__":
    main()
