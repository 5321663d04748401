"""Solomon VRPTW benchmark: `freight vrp solve` vs plain PyVRP vs OR-Tools routing.

Usage::

    .venv/bin/python bench/vrp_solomon.py --time-limit 10 [--only R101,C101] \
        [--methods ours,pyvrp,ortools] [--out bench/results/vrp_solomon_10s.md]

* ours    -- ``freight.vrp.solve_vrptw``: PyVRP on x1000 fixed point, durations rounded
             *up* (integer-feasible => float-feasible), at most the file's vehicles.
* pyvrp   -- plain PyVRP as a user would set it up from ``vrplib`` (``round_func="exact"``:
             distances and durations rounded to 1/1000), same seed and time.
* ortools -- OR-Tools 9.15 routing alone (PARALLEL_CHEAPEST_INSERTION + GUIDED_LOCAL_SEARCH).

Every distance is recomputed from coordinates (unrounded Euclidean) by the independent
checker; infeasible answers are marked. Gap is to the distance-only best-known values
(``bks_distance.csv``). Fixed seed 1.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import vrplib
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from pyvrp import Client, Depot, Location, ProblemData, VehicleType
from pyvrp import solve as pyvrp_solve
from pyvrp.stop import MaxRuntime

from freight.paths import require_vrp_data
from freight.vrp.checker import check_solution
from freight.vrp.instances import VrptwInstance, read_instance
from freight.vrp.pyvrp_solver import solve_vrptw
from freight.vrp.result import load_bks

SEED = 1


def plain_pyvrp(path: Path, time_limit_s: float) -> list[list[int]] | None:
    raw = vrplib.read_instance(str(path), instance_format="solomon")
    rnd = lambda a: np.round(1000 * np.asarray(a, dtype=float)).astype(np.int64)  # noqa: E731
    ew = rnd(raw["edge_weight"])
    tw = rnd(raw["time_window"])
    st = rnd(raw["service_time"])
    dem = np.asarray(raw["demand"], dtype=np.int64)
    n = len(dem)
    locs = [Location(float(x), float(y)) for x, y in raw["node_coord"]]
    depot = Depot(location=0, tw_early=int(tw[0, 0]), tw_late=int(tw[0, 1]))
    clients = [
        Client(
            location=i,
            delivery=[int(dem[i])],
            service_duration=int(st[i]),
            tw_early=int(tw[i, 0]),
            tw_late=int(tw[i, 1]),
        )
        for i in range(1, n)
    ]
    vt = VehicleType(
        num_available=int(raw["vehicles"]),
        capacity=[int(raw["capacity"])],
        tw_early=int(tw[0, 0]),
        tw_late=int(tw[0, 1]),
    )
    data = ProblemData(locs, clients, [depot], [vt], [ew], [ew], [], [])
    res = pyvrp_solve(data, MaxRuntime(time_limit_s), seed=SEED, display=False)
    if not res.is_feasible():
        return None
    return [[a.idx + 1 for a in r if a.is_client()] for r in res.best.routes()]


def ortools_routes(inst: VrptwInstance, time_limit_s: float) -> list[list[int]] | None:
    d = inst.distance_matrix()
    n = d.shape[0]
    dist = np.round(d * 1000).astype(int).tolist()
    dur = np.ceil(d * 1000 - 1e-9).astype(int) + np.array(inst.service)[:, None].astype(int) * 1000
    dur = dur.tolist()
    mgr = pywrapcp.RoutingIndexManager(n, inst.num_vehicles, 0)
    rm = pywrapcp.RoutingModel(mgr)

    def dcb(a: int, b: int) -> int:
        return dist[mgr.IndexToNode(a)][mgr.IndexToNode(b)]

    def tcb(a: int, b: int) -> int:
        return dur[mgr.IndexToNode(a)][mgr.IndexToNode(b)]

    def qcb(a: int) -> int:
        return int(inst.demand[mgr.IndexToNode(a)])

    rm.SetArcCostEvaluatorOfAllVehicles(rm.RegisterTransitCallback(dcb))
    horizon = int(inst.due[0] * 1000)
    rm.AddDimension(rm.RegisterTransitCallback(tcb), horizon, horizon, False, "time")
    tdim = rm.GetDimensionOrDie("time")
    for i in range(1, n):
        tdim.CumulVar(mgr.NodeToIndex(i)).SetRange(
            int(inst.ready[i] * 1000), int(inst.due[i] * 1000)
        )
    for v in range(inst.num_vehicles):
        tdim.CumulVar(rm.Start(v)).SetRange(int(inst.ready[0] * 1000), horizon)
        tdim.CumulVar(rm.End(v)).SetRange(int(inst.ready[0] * 1000), horizon)
    cap = rm.RegisterUnaryTransitCallback(qcb)
    rm.AddDimensionWithVehicleCapacity(cap, 0, [int(inst.capacity)] * inst.num_vehicles, True, "q")
    prm = pywrapcp.DefaultRoutingSearchParameters()
    prm.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    prm.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    prm.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    sol = rm.SolveWithParameters(prm)
    if sol is None:
        return None
    routes = []
    for v in range(inst.num_vehicles):
        idx = sol.Value(rm.NextVar(rm.Start(v)))
        r = []
        while not rm.IsEnd(idx):
            r.append(mgr.IndexToNode(idx))
            idx = sol.Value(rm.NextVar(idx))
        if r:
            routes.append(r)
    return routes


def run_method(m: str, path: Path, time_limit_s: float) -> list[list[int]] | None:
    """One method on one instance (top level so a process pool can run methods side by side)."""
    if m == "ours":
        inst = read_instance(path)
        assert isinstance(inst, VrptwInstance)
        s = solve_vrptw(inst, time_limit_s, seed=SEED)
        return [list(map(int, r)) for r in s.routes]
    if m == "pyvrp":
        return plain_pyvrp(path, time_limit_s)
    inst = read_instance(path)
    assert isinstance(inst, VrptwInstance)
    return ortools_routes(inst, time_limit_s)


def main() -> None:
    data = require_vrp_data("solomon")
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--only", default="")
    ap.add_argument("--methods", default="ours,pyvrp,ortools")
    ap.add_argument("--out", default="")
    ap.add_argument(
        "--side-by-side",
        action="store_true",
        help="run the methods of an instance at the same time, one process each",
    )
    args = ap.parse_args()
    load_start = os.getloadavg()
    files = sorted(data.glob("*.txt"))
    if args.only:
        keep = set(args.only.split(","))
        files = [f for f in files if f.stem in keep]
    methods = args.methods.split(",")
    rows = []
    header = (
        "| instance | BKS veh/dist | " + " | ".join(f"{m} veh/dist (gap %)" for m in methods) + " |"
    )
    lines = [header, "|" + "---|" * (2 + len(methods))]
    ratios: dict[str, list[float]] = {m: [] for m in methods if m != "ours"}
    gaps: dict[str, list[float]] = {m: [] for m in methods}
    for f in files:
        inst = read_instance(f)
        assert isinstance(inst, VrptwInstance)
        bks = load_bks(f, "bks_distance.csv")
        res: dict[str, tuple[int, float, bool] | None] = {}
        if args.side_by_side:
            with ProcessPoolExecutor(max_workers=len(methods)) as pool:
                futs = {m: pool.submit(run_method, m, f, args.time_limit) for m in methods}
                answers = {m: fut.result() for m, fut in futs.items()}
        else:
            answers = {m: run_method(m, f, args.time_limit) for m in methods}
        for m in methods:
            routes = answers[m]
            if routes is None:
                res[m] = None
                continue
            rep = check_solution(inst, routes)
            res[m] = (rep.vehicles, rep.distance, rep.feasible)
        cells = []
        for m in methods:
            r = res[m]
            if r is None:
                cells.append("no solution")
                continue
            gap = 100 * (r[1] / bks.distance - 1) if bks else math.nan
            gaps[m].append(gap)
            cells.append(f"{r[0]}/{r[1]:.2f} ({gap:+.2f}){'' if r[2] else ' INFEASIBLE'}")
            ours = res.get("ours")
            if m != "ours" and ours is not None:
                ratios[m].append(ours[1] / r[1])
        btxt = f"{bks.vehicles}/{bks.distance:.2f}" if bks else "-"
        line = f"| {inst.name} | {btxt} | " + " | ".join(cells) + " |"
        lines.append(line)
        print(line, flush=True)
        rows.append(res)
    summary = []
    for m in methods:
        if gaps[m]:
            summary.append(
                f"- {m}: mean gap to distance BKS {statistics.mean(gaps[m]):+.3f} % over "
                f"{len(gaps[m])} instances"
            )
    for m, rs in ratios.items():
        if rs:
            gm = math.exp(statistics.mean(math.log(x) for x in rs))
            summary.append(f"- geometric mean distance ratio ours/{m}: {gm:.4f} ({len(rs)} inst.)")
    text = "\n".join(
        [
            f"# Solomon VRPTW at {args.time_limit:g} s per instance per method",
            "",
            f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; machine: {platform.machine()}, "
            f"{os.cpu_count()} cores; 1-min load average {load_start[0]:.1f} at start, "
            f"{os.getloadavg()[0]:.1f} at end (times are wall clock, each method "
            "single-threaded; "
            + (
                "methods run side by side, one process each, at the same time)."
                if args.side_by_side
                else "methods run one after another)."
            ),
            f"Command: `{' '.join(['.venv/bin/python', *sys.argv])}`; seed {SEED}.",
            "Distances: unrounded Euclidean recomputed by freight.vrp.checker; "
            "gap vs bks_distance.csv (distance-only best known).",
            "",
            *lines,
            "",
            *summary,
            "",
        ]
    )
    print("\n".join(summary))
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total wall {time.perf_counter() - t0:.0f} s")
