"""VROOM itself (the ``pyvroom`` package) vs our ``POST /v1/vrp`` solver, same instances.

Usage::

    .venv/bin/python bench/vroom_bench.py --time-limit 10 [--only C101,pd-50] \
        [--out bench/results/vroom.md]

Instances, all in VROOM's input format with matrices:

* ``doc-matrix``: the custom-matrix example of VROOM's ``docs/API.md`` (the file
  ``tests/data/vrp/vroom/doc_matrix.json``, also read by the unit tests); ``doc-2veh``: its
  2-vehicle example (capacity, skills, time windows, one shipment) with the coordinates
  turned into a matrix (haversine km at 50 km/h; the example's breaks removed, unsupported);
* Solomon VRPTW (56 x 100 customers) from ``freight.paths.vrp_data_dir("solomon")``
  (``../shared/data/vrp/solomon`` next to the repository, or ``$FREIGHT_VRP_DATA/solomon``),
  converted with integer durations = round(100 x Euclidean distance), windows and service
  x 100, 25 vehicles at the depot (skipped, and said so, when missing);
* ``pd-N``: pickup-and-delivery instances GENERATED here (no public PDPTW set is on this
  machine): seeded, N shipments + N/2 delivery jobs in a 60 km square, 40 km/h, 8 h shift.

Ours: ``parse_vroom`` + ``solve_vroom`` (the code behind ``POST /v1/vrp``), seed 0, time
limit per instance. VROOM: exploration level 5, 1 thread (PyVRP uses one), ``timeout`` =
the time limit. Both answers go through the independent checker (``freight.vrp.vroom.check``),
which recomputes cost; the ratio is ours/VROOM on that cost when both assign the same
number of tasks (the objective's first term). ``s (CPU)``: wall seconds and, in brackets, the CPU
seconds the solver got; ``load``: the machine's 1-minute load average when the instance
started (both solvers are bounded by wall time, so a busy machine gives each less CPU).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from freight.paths import REPO_ROOT, vrp_data_dir
from freight.units import haversine_km
from freight.vrp.instances import VrptwInstance, read_instance
from freight.vrp.vroom.check import check_vroom_answer
from freight.vrp.vroom.parse import parse_vroom
from freight.vrp.vroom.solver import solve_vroom

#: VROOM's documented custom-matrix example; the unit tests read the same file.
DOC_MATRIX_FILE = REPO_ROOT / "tests" / "data" / "vrp" / "vroom" / "doc_matrix.json"


def doc_two_vehicles() -> dict[str, Any]:
    """VROOM docs' 2-vehicle example; coordinates -> matrix (haversine at 50 km/h)."""
    pts = [(2.35044, 48.71764), (1.98935, 48.701), (2.03655, 48.61128), (2.28325, 48.5958),
           (2.89357, 48.90736), (2.41808, 49.22619), (2.39719, 49.07611)]  # fmt: skip
    dur = [[round(haversine_km(a[1], a[0], b[1], b[0]) / 50 * 3600) for b in pts] for a in pts]
    veh = {"start_index": 0, "end_index": 0, "capacity": [4], "time_window": [28800, 43200]}
    return {
        "vehicles": [{"id": 1, **veh, "skills": [1, 14]}, {"id": 2, **veh, "skills": [2, 14]}],
        "jobs": [
            {"id": 1, "service": 300, "delivery": [1], "location_index": 1, "skills": [1],
             "time_windows": [[32400, 36000]]},
            {"id": 2, "service": 300, "pickup": [1], "location_index": 2, "skills": [1]},
            {"id": 5, "service": 300, "delivery": [1], "location_index": 3, "skills": [14]},
            {"id": 6, "service": 300, "delivery": [1], "location_index": 4, "skills": [14]},
        ],
        "shipments": [{"amount": [1], "skills": [2],
                       "pickup": {"id": 4, "service": 300, "location_index": 5},
                       "delivery": {"id": 3, "service": 300, "location_index": 6}}],
        "matrix": dur,
    }  # fmt: skip


def solomon(inst: VrptwInstance) -> dict[str, Any]:
    """Solomon in VROOM format, integer durations = round(100 x Euclidean)."""
    n = len(inst.x)
    dur = [
        [round(100 * math.hypot(inst.x[i] - inst.x[j], inst.y[i] - inst.y[j])) for j in range(n)]
        for i in range(n)
    ]
    veh = {"start_index": 0, "end_index": 0, "capacity": [round(inst.capacity)],
           "time_window": [round(100 * inst.ready[0]), round(100 * inst.due[0])]}  # fmt: skip
    jobs = [
        {"id": i, "location_index": i, "delivery": [round(inst.demand[i])],
         "service": round(100 * inst.service[i]),
         "time_windows": [[round(100 * inst.ready[i]), round(100 * inst.due[i])]]}
        for i in range(1, n)
    ]  # fmt: skip
    vehicles = [{"id": k, **veh} for k in range(inst.num_vehicles)]
    return {"vehicles": vehicles, "jobs": jobs, "matrix": dur}


def pickup_delivery(n_ship: int, seed: int) -> dict[str, Any]:
    """A generated PDPTW-like instance (seeded): shipments, delivery jobs, 8 h shifts."""
    rng = random.Random(seed)
    pts = [(30.0, 30.0)] + [(rng.uniform(0, 60), rng.uniform(0, 60)) for _ in range(
        2 * n_ship + n_ship // 2)]  # fmt: skip
    dur = [[round(math.dist(a, b) / 40 * 3600) for b in pts] for a in pts]
    day = 8 * 3600
    ships = []
    for k in range(n_ship):
        p, d = 1 + 2 * k, 2 + 2 * k
        a = rng.randint(0, day // 2)
        ships.append({
            "amount": [rng.randint(1, 3)],
            "pickup": {"id": k, "location_index": p, "service": 300,
                       "time_windows": [[a, a + 3600]]},
            "delivery": {"id": k, "location_index": d, "service": 300,
                         "time_windows": [[a + dur[p][d], a + dur[p][d] + 3 * 3600]]},
        })  # fmt: skip
    jobs = [{"id": j, "location_index": 1 + 2 * n_ship + j, "delivery": [1], "service": 300}
            for j in range(n_ship // 2)]  # fmt: skip
    n_veh = max(2, n_ship // 5)
    vehicles = [{"id": v, "start_index": 0, "end_index": 0, "capacity": [8],
                 "time_window": [0, day + 2 * 3600], "costs": {"fixed": 1800}}
                for v in range(n_veh)]  # fmt: skip
    return {"vehicles": vehicles, "jobs": jobs, "shipments": ships, "matrix": dur}


def cpu_s() -> float:
    """CPU seconds used by this process so far (every thread: VROOM solves in its own)."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def run_ours(payload: dict[str, Any], limit: float) -> tuple[dict[str, Any], float, float]:
    """Our answer, wall seconds and CPU seconds (parse + solve + answer)."""
    t0, c0 = time.perf_counter(), cpu_s()
    out = solve_vroom(parse_vroom(payload), limit, seed=0).to_dict()
    return out, time.perf_counter() - t0, cpu_s() - c0


def run_vroom(payload: dict[str, Any], limit: float) -> tuple[dict[str, Any], float, float]:
    """VROOM's answer, wall seconds and CPU seconds (read + solve)."""
    import vroom

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(payload, f)
    t0, c0 = time.perf_counter(), cpu_s()
    sol = vroom.Input.from_json(Path(f.name)).solve(
        exploration_level=5, nb_threads=1, timeout=timedelta(seconds=limit)
    )
    wall, cpu = time.perf_counter() - t0, cpu_s() - c0
    Path(f.name).unlink()
    return sol.to_dict(), wall, cpu


def instances(only: set[str] | None) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    notes: list[str] = []
    out: list[tuple[str, dict[str, Any]]] = [
        ("doc-matrix", json.loads(DOC_MATRIX_FILE.read_text())),
        ("doc-2veh", doc_two_vehicles()),
    ]
    solomon_dir = vrp_data_dir("solomon")
    if solomon_dir.is_dir():
        for path in sorted(solomon_dir.glob("*.txt")):
            if only is None or path.stem in only:
                inst = read_instance(path)
                assert isinstance(inst, VrptwInstance)
                out.append((path.stem, solomon(inst)))
    else:
        notes.append(f"Solomon data missing ({solomon_dir}): Solomon rows skipped")
    out += [(f"pd-{n}", pickup_delivery(n, seed=n)) for n in (25, 50, 100)]
    if only is not None:
        out = [(n, p) for n, p in out if n in only]
    return out, notes


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--only", default="", help="comma-separated instance names")
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    todo, notes = instances(only)
    load_before = uptime()
    lines = [
        "| instance | tasks | ours assigned | VROOM assigned | ours cost | VROOM cost | ratio | "
        "ours s (CPU) | VROOM s (CPU) | load | checks |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    ratios: list[float] = []
    wins = ties = losses = 0
    for name, payload in todo:
        load = os.getloadavg()[0]
        ours, ours_s, ours_cpu = run_ours(payload, args.time_limit)
        theirs, vroom_s, vroom_cpu = run_vroom(payload, args.time_limit)
        a = check_vroom_answer(payload, ours)
        b = check_vroom_answer(payload, theirs)
        tasks = len(payload.get("jobs", [])) + 2 * len(payload.get("shipments", []))
        checks = ("ok" if a.feasible else f"OURS: {a.violations[:2]}") + " / " + (
            "ok" if b.feasible else f"VROOM: {b.violations[:2]}")  # fmt: skip
        if (a.assigned, a.priority) == (b.assigned, b.priority) and b.cost > 0:
            ratio = a.cost / b.cost
            ratios.append(ratio)
            wins, ties, losses = (wins + (ratio < 1 - 1e-9), ties + (abs(ratio - 1) <= 1e-9),
                                  losses + (ratio > 1 + 1e-9))  # fmt: skip
            rtxt = f"{ratio:.4f}"
        else:
            better = (a.priority, a.assigned) > (b.priority, b.assigned)
            rtxt = "ours serves more" if better else "VROOM serves more"
            wins, losses = wins + better, losses + (not better)
        row = (f"| {name} | {tasks} | {a.assigned} | {b.assigned} | {a.cost:.0f} | {b.cost:.0f} "
               f"| {rtxt} | {ours_s:.1f} ({ours_cpu:.1f}) | {vroom_s:.1f} ({vroom_cpu:.1f}) "
               f"| {load:.1f} | {checks} |")  # fmt: skip
        lines.append(row)
        print(row, flush=True)
    gm = math.exp(statistics.fmean(math.log(r) for r in ratios)) if ratios else float("nan")
    summary = [
        f"Instances: {len(todo)}; ours lower cost on {wins}, equal on {ties}, higher on "
        f"{losses}; geometric mean cost ratio ours/VROOM {gm:.4f} over {len(ratios)} "
        f"instances with the same tasks assigned.",
        f"Time limit {args.time_limit:g} s each, run one after another (ours, then VROOM).",
        f"uptime before: `{load_before}`",
        f"uptime after: `{uptime()}`",
        *notes,
    ]
    for s in summary:
        print(s)
    if args.out:
        head = [
            f"# VROOM (pyvroom) vs POST /v1/vrp, {args.time_limit:g} s, "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            "",
            f"Command: `.venv/bin/python bench/vroom_bench.py --time-limit {args.time_limit:g}"
            + (f" --only {args.only}" if args.only else "")
            + "`",
            "",
            (__doc__ or "")[(__doc__ or "").find("Instances, all in") :],
            "",
        ]
        Path(args.out).write_text("\n".join(head + lines + [""] + summary) + "\n")


if __name__ == "__main__":
    main()
