"""Solvers return checker-feasible plans; small cases match brute force / verified optima."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from freight.errors import InputError
from freight.vrp import (
    EvrptwInstance,
    VrptwInstance,
    check_solution,
    load_bks,
    read_instance,
    solve_file,
)
from freight.vrp.evrptw_exact import solve_evrptw_exact
from freight.vrp.evrptw_heuristic import StationInserter, solve_evrptw_heuristic
from freight.vrp.pyvrp_solver import solve_vrptw
from freight.vrp.solve import heuristic_upper_bound

DATA = Path(__file__).resolve().parents[2] / "data" / "vrp"


def _partitions(items: list[int]):
    if not items:
        yield []
        return
    head, rest = items[0], items[1:]
    for part in _partitions(rest):
        for k in range(len(part)):
            yield [*part[:k], [head, *part[k]], *part[k + 1 :]]
        yield [[head], *part]


def _brute_force(inst: VrptwInstance) -> float:
    best = float("inf")
    for part in _partitions(list(range(1, inst.num_customers + 1))):
        if len(part) > inst.num_vehicles:
            continue
        total = 0.0
        for block in part:
            blk = min(
                (check_solution_one(inst, list(p)) for p in itertools.permutations(block)),
                default=float("inf"),
            )
            total += blk
        best = min(best, total)
    return best


def check_solution_one(inst: VrptwInstance, route: list[int]) -> float:
    """Distance of one route if time/capacity feasible on its own, else inf."""
    rep = check_solution(inst, [route])
    own = [v for v in rep.violations if "served 0 times" not in v]
    return rep.distance if not own else float("inf")


@pytest.mark.parametrize("seed", [3, 11])
def test_tiny_vrptw_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    n = 6
    xs = [50.0] + [rng.uniform(0, 100) for _ in range(n)]
    ys = [50.0] + [rng.uniform(0, 100) for _ in range(n)]
    ready = [0.0] + [float(rng.randint(0, 150)) for _ in range(n)]
    due = [400.0] + [r + rng.randint(30, 120) for r in ready[1:]]
    inst = VrptwInstance(
        "rand", tuple(xs), tuple(ys), (0, *[rng.randint(1, 4) for _ in range(n)]),
        tuple(ready), tuple(due), (0, *[10.0] * n), 8, 3,
    )  # fmt: skip
    best = _brute_force(inst)
    sol = solve_vrptw(inst, time_limit_s=1.0, seed=1)
    rep = check_solution(inst, [list(map(int, r)) for r in sol.routes])
    assert rep.feasible and sol.feasible
    assert sol.distance == pytest.approx(best, abs=1e-2)


def test_solomon_and_cvrp_solutions_are_feasible() -> None:
    sol = solve_file(DATA / "solomon" / "RC101.txt", time_limit_s=1.0, seed=1)
    inst = read_instance(DATA / "solomon" / "RC101.txt")
    rep = check_solution(inst, [list(map(int, r)) for r in sol.routes])
    assert rep.feasible and sol.vehicles <= 25
    assert sol.distance == pytest.approx(rep.distance)
    assert sol.bks is not None and sol.gap_pct is not None and sol.gap_pct < 5
    cv = solve_file(DATA / "cvrplib" / "X-n101-k25.vrp", time_limit_s=1.0, seed=1)
    assert cv.feasible and cv.distance >= 27591 and float(cv.distance).is_integer()


# a few of the smallest verified optima (bks.csv "verified exact"), <1 s each
@pytest.mark.parametrize(
    "name", ["c101C5", "r104C5", "rc108C5", "r102C10", "rc102C10", "r105C15", "c202C10", "r203C10"]
)
def test_exact_evrptw_reaches_verified_optimum(name: str) -> None:
    path = DATA / "evrptw" / f"{name}.txt"
    inst = read_instance(path)
    assert isinstance(inst, EvrptwInstance)
    bks = load_bks(path)
    assert bks is not None
    sol = solve_evrptw_exact(inst, time_limit_s=5.0, bks=bks, upper_bound=heuristic_upper_bound)
    assert sol.feasible and sol.optimal
    assert check_solution(inst, sol.routes).feasible
    assert sol.vehicles == bks.vehicles
    assert round(sol.distance, 2) == pytest.approx(bks.distance, abs=0.006)


def test_heuristic_is_feasible_and_not_better_than_optimum() -> None:
    path = DATA / "evrptw" / "rc108C10.txt"
    inst = read_instance(path)
    assert isinstance(inst, EvrptwInstance)
    opt = solve_evrptw_exact(inst, 5.0, upper_bound=heuristic_upper_bound)
    heur = solve_evrptw_heuristic(inst, 1.0, seed=1)
    assert heur.feasible and check_solution(inst, heur.routes).feasible
    assert (heur.vehicles, heur.distance) >= (opt.vehicles, opt.distance - 1e-6)


def test_station_insertion_is_optimal_on_fixed_sequence() -> None:
    """Brute force over station choices (none or one per gap) equals the DP."""
    inst = read_instance(DATA / "evrptw" / "r104C5.txt")
    assert isinstance(inst, EvrptwInstance)
    ins = StationInserter(inst)
    idx = {s: i for i, s in enumerate(inst.ids)}
    for seq_ids in (["C1", "C71"], ["C5", "C99", "C87"], ["C1", "C71", "C87"]):
        seq = [idx[s] for s in seq_ids]
        got = ins.route(seq)
        best = float("inf")
        options = [None, *inst.stations]
        for choice in itertools.product(options, repeat=len(seq) + 1):
            path: list[str] = []
            for gap, c in zip(choice, [*seq, None], strict=True):
                if gap is not None:
                    path.append(inst.ids[gap])
                if c is not None:
                    path.append(inst.ids[c])
            rep = check_solution(inst, [path])
            own = [v for v in rep.violations if "served 0 times" not in v]
            if not own:
                best = min(best, rep.distance)
        if best == float("inf"):
            assert got is None
        else:
            assert got is not None and got[0] == pytest.approx(best)


def test_bad_time_limit_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="time-limit"):
        solve_vrptw(VrptwInstance("t", (0, 1), (0, 0), (0, 1), (0, 0), (10, 10), (0, 0), 5, 1), 0.0)
