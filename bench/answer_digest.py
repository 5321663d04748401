"""Answers, not timings, of the main solvers: a fingerprint to compare before/after a refactor.

    .venv/bin/python bench/answer_digest.py [--parts route,assign,evrptw-small,evrptw-100,
        solomon,conversion] [--out answers.json]

Each part runs a fixed, deterministic workload and records its full answers (routes,
distances, flows, plans) with wall times removed; the script prints one SHA-256 per part and
writes the answers to ``--out`` (JSON) so two runs can be diffed. Deterministic workloads:

* ``route``: the 2,000 seeded queries of ``route_bench.py`` (``RouteResult.to_dict()``);
* ``assign``: the 2025 assignment at scales 1 and 2 (``AssignResult.to_dict()``);
* ``evrptw-small``: the 36 small E-VRPTW instances, ``solve_instance`` 5 s, seed 1 (the exact
  method finishes in well under a second, so the answer is the proven optimum);
* ``evrptw-100``: c101_21, r101_21, rc101_21 with an iteration budget (``SearchBudget``);
* ``solomon``: five Solomon instances, PyVRP with a fixed iteration count;
* ``conversion``: the default scenario's coordinates, path lengths and conversion plan.

The VRP parts read ``../shared/data/vrp`` (``freight.paths.vrp_data_dir``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

TIMING_KEYS = ("wall_s", "timings_s", "elapsed_s", "wall_ms")


def _strip(d: Any) -> Any:
    if isinstance(d, dict):
        return {k: _strip(v) for k, v in d.items() if k not in TIMING_KEYS}
    if isinstance(d, list):
        return [_strip(x) for x in d]
    return d


def route() -> Any:
    from freight.errors import InputError
    from freight.network.loader import default_network
    from freight.network.model import CargoForm
    from freight.routing import Cargo, Objective, RouteRequest, RoutingIndex, Unit, find_routes

    sys.path.insert(0, str(Path(__file__).parent))
    from route_bench import COMMODITY

    net = default_network()
    index = RoutingIndex(net)
    rng = random.Random(7)
    ids = sorted(n.id for n in net.nodes.values() if n.accepts_freight)
    base = datetime(2025, 3, 3, 0, 0)
    out: list[Any] = []
    for _ in range(2000):  # the draws of route_bench.py, in the same order
        o, d = rng.sample(ids, 2)
        form = rng.choice(list(CargoForm))
        unit = Unit.TEU if form is CargoForm.CONTAINER else Unit.T
        qty = rng.choice([1, 5, 40]) if unit is Unit.TEU else rng.choice([20, 200, 1500])
        req = RouteRequest(
            o, d, Cargo(COMMODITY[form], form, qty, unit),
            base + timedelta(minutes=rng.randrange(7 * 1440)),
            objective=rng.choice(list(Objective)), alternatives=3,
        )  # fmt: skip
        try:
            out.append(_strip(find_routes(index, req).to_dict()))
        except InputError as exc:
            out.append(["InputError", str(exc)])
    return out


def assign() -> Any:
    from freight.assign import AssignOptions
    from freight.assign import assign as run
    from freight.demand import load_shipments
    from freight.network.loader import default_network

    net, ships = default_network(), list(load_shipments(2025))
    opts = AssignOptions(time_limit_s=120)
    return {s: _strip(run(net, ships * s, opts, year=2025).to_dict()) for s in (1, 2)}


def _vrp_data(folder: str) -> Path:
    from freight.paths import require_vrp_data

    return require_vrp_data(folder)


def evrptw_small() -> Any:
    from freight.vrp import read_instance
    from freight.vrp.solve import solve_instance

    out = {}
    for f in sorted(_vrp_data("evrptw").glob("*C*.txt")):
        sol = solve_instance(read_instance(f), 5.0, 1, bks_path=f)
        out[f.stem] = [sol.vehicles, round(sol.distance, 9), sol.method, sol.optimal, sol.routes]
    return out


def evrptw_100() -> Any:
    from freight.vrp import EvrptwInstance, read_instance
    from freight.vrp.evrptw_heuristic import SearchBudget, solve_evrptw_heuristic

    budget = SearchBudget(rm_attempts=200, rm_pool_iters=600, restarts=1, lns_iters=1500)
    out = {}
    for name in ("c101_21", "r101_21", "rc101_21"):
        inst = read_instance(_vrp_data("evrptw") / f"{name}.txt")
        assert isinstance(inst, EvrptwInstance)
        sol = solve_evrptw_heuristic(inst, seed=1, budget=budget)
        out[name] = [sol.vehicles, round(sol.distance, 9), sol.routes]
    return out


def solomon() -> Any:
    from pyvrp import solve as pyvrp_solve
    from pyvrp.stop import MaxIterations

    from freight.vrp import VrptwInstance, check_solution, read_instance
    from freight.vrp.pyvrp_solver import TwRouting, _problem_data

    out = {}
    for name in ("C101", "R101", "RC101", "R201", "RC201"):
        inst = read_instance(_vrp_data("solomon") / f"{name}.txt")
        assert isinstance(inst, VrptwInstance)
        d = inst.distance_matrix()
        p = TwRouting(
            d, d, inst.demand, inst.ready, inst.due, inst.service, inst.capacity,
            inst.num_vehicles,
        )  # fmt: skip
        res = pyvrp_solve(_problem_data(p), MaxIterations(3000), seed=1, display=False)
        routes = [[a.idx + 1 for a in r if a.is_client()] for r in res.best.routes()]
        rep = check_solution(inst, routes)
        out[name] = [rep.vehicles, round(rep.distance, 9), routes]
    return out


def conversion() -> Any:
    from freight.conversion import load_scenario, plan_conversion

    sc = load_scenario()
    g = sc.geometry
    plan = re.sub(r"wall_s=[0-9.e+-]+", "", repr(plan_conversion(sc, time_limit_s=60)))
    return {
        "coords": sorted(g.coords.items()),
        "rail_km": sorted((list(k), v) for k, v in g.rail_km.items()),
        "road_km": sorted((list(k), v) for k, v in g.road_km.items()),
        "source": g.distance_source,
        "plan": plan,
    }


PARTS: dict[str, Callable[[], Any]] = {
    "route": route,
    "assign": assign,
    "evrptw-small": evrptw_small,
    "evrptw-100": evrptw_100,
    "solomon": solomon,
    "conversion": conversion,
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parts", default=",".join(PARTS))
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    answers = {}
    for name in args.parts.split(","):
        if name not in PARTS:
            raise SystemExit(f"--parts: unknown part {name!r} (known: {', '.join(PARTS)})")
        text = json.dumps(PARTS[name](), sort_keys=True, default=str)
        answers[name] = json.loads(text)
        print(f"{name:<14}{hashlib.sha256(text.encode()).hexdigest()}", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(answers, indent=0, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
