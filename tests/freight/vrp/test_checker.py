"""The independent checker accepts known solutions and catches each kind of violation."""

from __future__ import annotations

from pathlib import Path

import pytest
import vrplib

from freight.vrp import EvrptwInstance, VrptwInstance, check_solution, load_bks, read_instance

DATA = Path(__file__).resolve().parents[2] / "data" / "vrp"


@pytest.mark.parametrize("name", ["X-n101-k25", "X-n200-k36"])
def test_cvrplib_bks_solutions_check_exactly(name: str) -> None:
    inst = read_instance(DATA / "cvrplib" / f"{name}.vrp")
    sol = vrplib.read_solution(str(DATA / "cvrplib" / f"{name}.sol"))
    rep = check_solution(inst, [[int(c) for c in r] for r in sol["routes"]])
    assert rep.feasible, rep.violations
    bks = load_bks(DATA / "cvrplib" / f"{name}.vrp")
    assert bks is not None
    assert rep.distance == bks.distance == sol["cost"]
    assert rep.vehicles == bks.vehicles


def _tiny() -> VrptwInstance:
    # depot (0,0) window [0,100]; customers at (3,0) [0,5] and (0,4) [0,50], capacity 2
    return VrptwInstance(
        "tiny", (0, 3, 0), (0, 0, 4), (0, 1, 1), (0, 0, 0), (100, 5, 50), (0, 1, 1), 2, 1
    )


def test_vrptw_checker_verdicts() -> None:
    inst = _tiny()
    ok = check_solution(inst, [[1, 2]])
    assert ok.feasible and ok.distance == pytest.approx(12.0)
    late = check_solution(inst, [[2, 1]])  # reaches customer 1 at 4 + 1 + 5 = 10 > 5
    assert not late.feasible and "after due 5" in late.violations[0]
    missing = check_solution(inst, [[1]])
    assert "customer 2 served 0 times" in missing.violations
    twice = check_solution(inst, [[1, 2, 2]])
    assert any("served 2 times" in v for v in twice.violations)
    assert any("load 3 exceeds capacity 2" in v for v in twice.violations)
    fleet = check_solution(inst, [[1], [2]])
    assert any("exceed the fleet of 1" in v for v in fleet.violations)
    junk = check_solution(inst, [[1, 7]])
    assert any("7 is not a customer" in v for v in junk.violations)


def test_evrptw_checker_catches_empty_battery_and_counts_recharge_time() -> None:
    inst = read_instance(DATA / "evrptw" / "r104C5.txt")
    assert isinstance(inst, EvrptwInstance)
    # optimal solution of the instance (bks.csv 2 / 136.69): station S3 is needed
    good = check_solution(inst, [["C1", "S3", "C71"], ["C5", "C99", "C87"]])
    assert good.feasible and round(good.distance, 2) == 136.69 and good.vehicles == 2
    no_station = check_solution(inst, [["C1", "C71"], ["C5", "C99", "C87"]])
    assert not no_station.feasible
    assert any("battery empty" in v for v in no_station.violations)
    unknown = check_solution(inst, [["C1", "S3", "X9"], ["C5", "C99", "C87", "C71"]])
    assert any("'X9' is not a customer or station" in v for v in unknown.violations)
