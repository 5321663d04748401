"""E-VRPTW heuristic: route minimisation, ruin and recreate, determinism, bad input.

Every plan is re-checked by the independent checker; vehicle counts and distances are
compared with verified optima (small instances, exact enumeration) or best-known values.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from freight.errors import InfeasibleError, InputError
from freight.vrp import EvrptwInstance, check_solution, load_bks, read_instance
from freight.vrp.evrptw_heuristic import SearchBudget, StationInserter, solve_evrptw_heuristic
from freight.vrp.evrptw_lns import ruin_recreate
from freight.vrp.evrptw_routemin import _eject_insert, _Search, empty_pool, minimise_routes

DATA = Path(__file__).resolve().parents[2] / "data" / "vrp" / "evrptw"
FAST = SearchBudget(rm_attempts=100, rm_pool_iters=300, restarts=1, lns_iters=300)


def _load(name: str) -> EvrptwInstance:
    inst = read_instance(DATA / f"{name}.txt")
    assert isinstance(inst, EvrptwInstance)
    return inst


def _check(inst: EvrptwInstance, ins: StationInserter, seqs: list[tuple[int, ...]]) -> float:
    """Every customer once, every route feasible by the checker; returns the distance."""
    assert sorted(c for s in seqs for c in s) == sorted(inst.customers)
    paths = []
    for s in seqs:
        got = ins.route(s)
        assert got is not None
        paths.append([inst.ids[i] for i in got[1]])
    rep = check_solution(inst, paths)
    assert rep.feasible, rep.violations
    return rep.distance


@pytest.mark.parametrize("name", ["c101C10", "r102C15", "rc103C15", "rc108C15", "r105C15"])
def test_budgeted_heuristic_reaches_verified_vehicle_count(name: str) -> None:
    """From singleton routes the ejection pool reaches the proven minimum fleet; the
    distance is never below the verified optimum and, on these, within 3 % of it."""
    inst = _load(name)
    bks = load_bks(DATA / f"{name}.txt")
    assert bks is not None
    sol = solve_evrptw_heuristic(inst, seed=1, budget=FAST)
    rep = check_solution(inst, sol.routes)
    assert rep.feasible and sol.feasible, rep.violations
    assert sol.vehicles == bks.vehicles
    assert sol.distance >= bks.distance - 0.006
    assert sol.distance <= 1.03 * bks.distance


def test_same_seed_and_budget_give_the_same_plan() -> None:
    inst = _load("rc108C15")
    a = solve_evrptw_heuristic(inst, seed=4, budget=FAST)
    b = solve_evrptw_heuristic(inst, seed=4, budget=FAST)
    assert a.routes == b.routes and a.distance == b.distance


def test_route_minimisation_on_r101_21_reaches_best_known_fleet() -> None:
    """The 100-customer instance where the PyVRP-based heuristic stayed at 19 routes."""
    inst = _load("r101_21")
    ins = StationInserter(inst)
    res = minimise_routes(
        ins, [(c,) for c in inst.customers], seed=0, max_iters=2000, patience=1, min_routes=18
    )  # min_routes=18 only stops it there (no claim that 17 is impossible)
    assert res.vehicles == len(res.routes) == 18  # best-known: 18
    assert res.distance == pytest.approx(_check(inst, ins, list(res.routes)))


@pytest.mark.parametrize("seed", [1, 2])
def test_ejection_pool_reinserts_a_removed_route(seed: int) -> None:
    """Dissolving one route of a feasible plan: the pool is emptied into the others or the
    call reports failure; a returned plan is complete and feasible."""
    inst = _load("r105C15")
    ins = StationInserter(inst)
    rng = random.Random(seed)
    cust = list(inst.customers)
    rng.shuffle(cust)
    seqs = [(c,) for c in cust]
    out = empty_pool(ins, seqs[3:], [c for s in seqs[:3] for c in s], seed=seed, max_iters=200)
    assert out is not None and len(out) == len(cust) - 3
    _check(inst, ins, out)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_ejection_choice_matches_brute_force(seed: int) -> None:
    """The filtered insert-and-eject search finds the minimum penalty sum that plain
    enumeration of every route, position and ejection set (exact DP only) finds."""
    inst = _load("rc108C15")
    ins = StationInserter(inst)
    rng = random.Random(seed)
    cust = list(inst.customers)
    rng.shuffle(cust)
    v, rest = cust[0], cust[1:]
    seqs: list[tuple[int, ...]] = []
    for c in rest:  # greedy merge keeps every route feasible
        if seqs and ins.route((*seqs[-1], c)) is not None:
            seqs[-1] = (*seqs[-1], c)
        else:
            seqs.append((c,))
    p = {c: rng.randint(1, 4) for c in cust}
    got = _eject_insert(_Search(ins, random.Random(0)), seqs, v, p, 2)
    brute: int | None = None
    for sb in seqs:
        for pos in range(len(sb) + 1):
            full = (*sb[:pos], v, *sb[pos:])
            others = [k for k in range(len(full)) if k != pos]
            for k in (1, 2):
                for drop in itertools.combinations(others, k):
                    cand = tuple(c for i, c in enumerate(full) if i not in drop)
                    if ins.route(cand) is not None:
                        psum = sum(p[full[i]] for i in drop)
                        brute = psum if brute is None else min(brute, psum)
    if brute is None:
        assert got is None
        return
    assert got is not None
    b, cand, out = got
    assert sum(p[c] for c in out) == brute
    assert v in cand and ins.route(cand) is not None
    assert sorted((*cand, *out)) == sorted((*seqs[b], v))


def test_ruin_recreate_never_worsens_and_stays_feasible() -> None:
    inst = _load("rc108C15")
    ins = StationInserter(inst)
    seqs = [(c,) for c in inst.customers]
    before = _check(inst, ins, seqs)
    res = ruin_recreate(ins, seqs, seed=3, max_iters=200)
    after = _check(inst, ins, list(res.routes))
    assert len(res.routes) <= len(seqs)
    assert after == pytest.approx(res.distance)
    assert after < before  # singleton routes leave room for obvious merges


def test_bad_inputs_raise_named_errors() -> None:
    inst = _load("c101C5")
    ins = StationInserter(inst)
    cust = list(inst.customers)
    with pytest.raises(InputError, match="not feasible"):
        # one route with every customer of c101C5 breaks time windows
        minimise_routes(ins, [tuple(cust)])
    with pytest.raises(InputError, match="not feasible"):
        empty_pool(ins, [tuple(cust)], [])
    with pytest.raises(InputError, match="not feasible"):
        ruin_recreate(ins, [tuple(cust)])
    with pytest.raises(InputError, match=">= 0"):
        SearchBudget(lns_iters=-1)
    with pytest.raises(InputError, match="time-limit"):
        solve_evrptw_heuristic(inst, 0.0)


def test_customer_out_of_battery_range_is_infeasible() -> None:
    """A customer 100 units away with a 60-unit battery and no station near it."""
    inst = EvrptwInstance(
        name="far",
        ids=("D0", "S0", "C1", "C2"),
        node_type=("d", "f", "c", "c"),
        x=(0.0, 0.0, 10.0, 100.0),
        y=(0.0, 0.0, 0.0, 0.0),
        demand=(0.0, 0.0, 1.0, 1.0),
        ready=(0.0, 0.0, 0.0, 0.0),
        due=(1000.0, 1000.0, 1000.0, 1000.0),
        service=(0.0, 0.0, 1.0, 1.0),
        battery=60.0,
        capacity=10.0,
        consumption_rate=1.0,
        recharge_rate=1.0,
        velocity=1.0,
    )
    with pytest.raises(InfeasibleError, match="C2"):
        solve_evrptw_heuristic(inst, 1.0)
