"""Exact E-VRPTW method: legs, the Held-Karp completion bound and precedences are checked
against brute force and an unbounded second run; every small instance hits its verified
optimum."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest

from freight.errors import InputError
from freight.vrp import EvrptwInstance, check_solution, load_bks, read_instance
from freight.vrp.evrptw_bounds import CompletionBound, _path_table, must_precede
from freight.vrp.evrptw_exact import (
    ExactTimeout,
    _set_partition,
    enumerate_routes,
    solve_evrptw_exact,
)
from freight.vrp.evrptw_legs import ChainRule, Leg, build_legs
from freight.vrp.evrptw_stations import StationInserter
from freight.vrp.solve import heuristic_upper_bound

DATA = Path(__file__).resolve().parents[2] / "data" / "vrp" / "evrptw"
SMALL = sorted(f.stem for f in DATA.glob("*C*.txt"))
EPS = 1e-9


def _load(name: str) -> EvrptwInstance:
    inst = read_instance(DATA / f"{name}.txt")
    assert isinstance(inst, EvrptwInstance)
    return inst


def _reference_legs(
    inst: EvrptwInstance, d: np.ndarray, rule: ChainRule = ChainRule.ALL
) -> list[list[list[Leg]]]:
    """Every chain of 0..2 stations spelled out, then all-pairs dominance (slow, plain).

    ``TWO_IF_NEEDED``: two-station chains only for pairs no direct drive or single station
    connects."""
    n = len(inst.ids)
    q, r, g, v = inst.battery, inst.consumption_rate, inst.recharge_rate, inst.velocity
    st = inst.stations
    legs: list[list[list[Leg]]] = [[[] for _ in range(n)] for _ in range(n)]
    for i, j in itertools.permutations(range(n), 2):
        if "f" in (inst.node_type[i], inst.node_type[j]):
            continue
        direct = (
            [Leg((), d[i, j], r * d[i, j], d[i, j] / v, -1.0)] if r * d[i, j] <= q + EPS else []
        )
        chained = []
        for ch in [(s,) for s in st] + [(a, b) for a in st for b in st if a != b]:
            path = [i, *ch, j]
            hops = list(zip(path, path[1:], strict=False))
            if any(r * d[a, b] > q + EPS for a, b in hops):
                continue
            dist = float(sum(d[a, b] for a, b in hops))
            later = sum(g * r * d[a, b] for a, b in zip(ch, ch[1:], strict=False))
            fixed = dist / v + g * r * d[i, ch[0]] + later
            chained.append(Leg(ch, dist, r * d[i, ch[0]], fixed, q - r * d[ch[-1], j]))
        if rule is ChainRule.TWO_IF_NEEDED:
            singles = [a for a in chained if len(a.stations) == 1]
            chained = singles if singles or direct else chained
        keep = [
            a
            for a in chained
            if not any(
                b is not a
                and b.distance <= a.distance + EPS
                and b.fixed_time <= a.fixed_time + EPS
                and b.need_e <= a.need_e + EPS
                and b.e_at_j >= a.e_at_j - EPS
                and (b.distance, b.fixed_time, b.stations) < (a.distance, a.fixed_time, a.stations)
                for b in chained
            )
        ]
        legs[i][j] = direct + keep
    return legs


def _as_floats(legs: list[list[list[Leg]]]) -> list:
    return [
        [[(lg.stations, lg.distance, lg.need_e, lg.fixed_time, lg.e_at_j) for lg in u] for u in row]
        for row in legs
    ]


@pytest.mark.parametrize("name", ["c101C5", "rc204C15", "r102C15"])
def test_build_legs_equals_the_spelled_out_reference(name: str) -> None:
    inst = _load(name)
    d = inst.distance_matrix()
    got = build_legs(inst, d)
    assert _as_floats(got) == _as_floats(_reference_legs(inst, d))
    assert any(lg.stations for row in got for u in row for lg in u)


@pytest.mark.parametrize("name", ["c101C5", "rc204C15", "r102C15"])
def test_station_inserter_legs_follow_the_two_if_needed_rule(name: str) -> None:
    """The heuristic's legs come from the same enumeration, with the narrower rule."""
    inst = _load(name)
    d = inst.distance_matrix()
    want = _reference_legs(inst, d, ChainRule.TWO_IF_NEEDED)
    ins = StationInserter(inst)
    ends = [i for i in range(len(inst.ids)) if inst.node_type[i] != "f"]
    got = [[ins.legs(i, j) for j in ends if j != i] for i in ends]
    assert _as_floats(got) == _as_floats([[want[i][j] for j in ends if j != i] for i in ends])
    full = build_legs(inst, d)
    assert sum(len(u) for row in got for u in row) < sum(len(u) for i in ends for u in full[i])


def _brute_path(
    a: np.ndarray, rest: tuple[int, ...], i: int, routes: int, before: list[int]
) -> float:
    """Brute force of ``_path_table``: every order of ``rest`` and every split into routes."""
    best = np.inf
    for order in itertools.permutations(rest):
        for cut in range(len(order) + 1) if routes > 1 else [len(order)]:
            now, later = order[:cut], order[cut:]
            if routes == 1:
                # last route: nothing may come after a customer it must precede
                seq = (i, *now)
                if any(before[x] & (1 << (y - 1)) for k, x in enumerate(seq) for y in seq[k + 1 :]):
                    continue
            nodes = (i, *now, 0)
            cost = sum(a[x, y] for x, y in zip(nodes, nodes[1:], strict=False))
            if routes > 1:
                if not later:
                    continue
                cost += a[0, later[0]] + _brute_path(a, later[1:], later[0], routes - 1, before)
            best = min(best, cost)
    return float(best)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_path_table_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    m = 5
    a = np.array([[rng.uniform(1, 20) for _ in range(m + 1)] for _ in range(m + 1)])
    for _ in range(4):  # a few arcs no route may use
        x, y = rng.randrange(m + 1), rng.randrange(m + 1)
        a[x, y] = np.inf
    np.fill_diagonal(a, np.inf)
    before = [0] + [0] * m
    for _ in range(3):  # a few forced precedences (customer y before customer x)
        x, y = rng.randrange(1, m + 1), rng.randrange(1, m + 1)
        if x != y and not before[y] & (1 << (x - 1)):
            before[x] |= 1 << (y - 1)
    for k in (1, 2, 3):
        table = _path_table(a, k, before)
        for mask in range(1 << m):
            rest = tuple(c + 1 for c in range(m) if mask >> c & 1)
            for i in [0, *(c for c in range(1, m + 1) if not mask >> (c - 1) & 1)]:
                want = _brute_path(a, rest, i, k, before)
                assert table[mask, i] == pytest.approx(want), (k, mask, i)


@pytest.mark.parametrize("name", ["rc204C15", "r209C15", "rc201C10", "c202C15", "r202C15"])
def test_completion_bound_below_every_prefix_of_the_optimum(name: str) -> None:
    """Prefix distance + bound <= optimum for every prefix of every optimal route."""
    inst = _load(name)
    bks = load_bks(DATA / f"{name}.txt")
    assert bks is not None
    sol = solve_evrptw_exact(inst, 60.0, bks, upper_bound=heuristic_upper_bound)
    assert sol.optimal and sol.vehicles == bks.vehicles
    cb = CompletionBound(inst, build_legs(inst, inst.distance_matrix()), bks.vehicles)
    assert cb.root() <= sol.distance + 1e-6
    d = inst.distance_matrix()
    index = {sid: i for i, sid in enumerate(inst.ids)}
    bit = {c: 1 << k for k, c in enumerate(inst.customers)}
    for route in sol.routes:
        path = [0, *(index[s] for s in route)]
        mask = 0
        for k in range(1, len(path)):
            if inst.node_type[path[k]] != "c":
                continue
            mask |= bit[path[k]]
            prefix = sum(d[x, y] for x, y in zip(path[: k + 1], path[1 : k + 1], strict=False))
            assert prefix + cb(mask, path[k]) <= sol.distance + 1e-6


def test_one_route_bound_is_much_tighter_than_cheapest_arcs() -> None:
    """rc204C15: the Held-Karp root bound is the no-battery optimum 314.29 (arc sums: 229)."""
    inst = _load("rc204C15")
    cb = CompletionBound(inst, build_legs(inst, inst.distance_matrix()), 1)
    assert 314.0 < cb.root() < 384.86


@pytest.mark.parametrize("name", ["rc204C15", "c103C15", "r102C15", "rc202C15", "c208C15"])
def test_must_precede_holds_on_optimal_routes(name: str) -> None:
    inst = _load(name)
    before = must_precede(inst)
    local = {c: k + 1 for k, c in enumerate(inst.customers)}
    pos = {c: k for k, c in enumerate(inst.customers)}
    if name == "rc204C15":  # C1 (due 420) must come before C61 (ready 618)
        c1, c61 = inst.ids.index("C1"), inst.ids.index("C61")
        assert before[local[c61]] >> pos[c1] & 1
    sol = solve_evrptw_exact(inst, 60.0, upper_bound=heuristic_upper_bound)
    assert sol.optimal
    index = {sid: i for i, sid in enumerate(inst.ids)}
    for route in sol.routes:
        seq = [index[s] for s in route if inst.node_type[index[s]] == "c"]
        for k, x in enumerate(seq):
            for y in seq[k + 1 :]:
                assert not before[local[x]] >> pos[y] & 1, (route, inst.ids[x], inst.ids[y])


@pytest.mark.parametrize("name", ["c202C10", "r201C10", "rc201C10", "c104C10", "rc205C10"])
def test_bounded_enumeration_agrees_with_unbounded(name: str) -> None:
    """Second method: all feasible routes + set partitioning (no bound) gives the same plan
    value as the bounded enumeration, for the proven vehicle count."""
    inst = _load(name)
    legs = build_legs(inst, inst.distance_matrix())
    m = len(inst.customers)

    def best(routes: dict[int, tuple[float, tuple[int, ...]]]) -> tuple[int, float]:
        masks = list(routes)
        picked = _set_partition(masks, [routes[x][0] for x in masks], m, float("inf"))
        assert picked is not None
        return len(picked), sum(routes[masks[k]][0] for k in picked)

    every = enumerate_routes(inst, None, None, legs)
    k, dist = best(every)
    bounded = enumerate_routes(inst, None, (k, dist), legs)
    k2, dist2 = best(bounded)
    assert k2 == k and dist2 == pytest.approx(dist, abs=1e-6)
    assert len(bounded) < len(every)


@pytest.mark.parametrize("name", SMALL)
def test_every_small_instance_reaches_its_verified_optimum(name: str) -> None:
    inst = _load(name)
    bks = load_bks(DATA / f"{name}.txt")
    assert bks is not None
    sol = solve_evrptw_exact(inst, 60.0, bks, upper_bound=heuristic_upper_bound)
    rep = check_solution(inst, sol.routes)
    assert sol.optimal and rep.feasible, rep.violations
    assert (rep.vehicles, rep.distance) == (sol.vehicles, pytest.approx(sol.distance))
    assert sol.vehicles == bks.vehicles
    assert sol.distance == pytest.approx(bks.distance, abs=0.006)


def test_completion_bound_rejects_zero_routes() -> None:
    inst = _load("c101C5")
    with pytest.raises(InputError, match="at least one route"):
        CompletionBound(inst, build_legs(inst, inst.distance_matrix()), 0)


def test_no_time_left_gives_an_unproven_checked_plan_or_timeout() -> None:
    inst = _load("rc204C15")
    try:
        sol = solve_evrptw_exact(inst, 1e-3, upper_bound=heuristic_upper_bound)
    except ExactTimeout:
        return
    assert not sol.optimal and sol.method == "exact-timeout->incumbent"
    assert check_solution(inst, sol.routes).feasible
