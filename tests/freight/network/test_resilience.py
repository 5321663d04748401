"""The network-resilience runner against exact reliability of small networks."""

from __future__ import annotations

import itertools
import math

import pytest

from freight.errors import InputError
from freight.network.resilience import Edge, simulate, wilson_interval

BRIDGE = [  # the classic bridge network: s-a, s-b, a-b, a-t, b-t
    Edge("sa", "s", "a", 1.0),
    Edge("sb", "s", "b", 2.0),
    Edge("ab", "a", "b", 1.0),
    Edge("at", "a", "t", 2.0),
    Edge("bt", "b", "t", 1.0),
]


def exact_connectivity(edges: list[Edge], o: str, d: str, p: float) -> float:
    """Brute force over all 2^m failure patterns (second method)."""
    total = 0.0
    for alive in itertools.product([True, False], repeat=len(edges)):
        prob = math.prod((1 - p) if a else p for a in alive)
        adj: dict[str, set[str]] = {}
        for e, a in zip(edges, alive, strict=True):
            if a:
                adj.setdefault(e.u, set()).add(e.v)
                adj.setdefault(e.v, set()).add(e.u)
        seen, stack = {o}, [o]
        while stack:
            for n in adj.get(stack.pop(), ()):
                if n not in seen:
                    seen.add(n)
                    stack.append(n)
        total += prob if d in seen else 0.0
    return total


def test_estimate_matches_brute_force_reliability() -> None:
    p = 0.2
    exact = exact_connectivity(BRIDGE, "s", "t", p)
    res = simulate(BRIDGE, [("s", "t")], p, samples=4000, seed=3, time_limit_s=60)
    pair = res.pairs[0]
    assert not res.partial and res.samples_done == 4000
    assert pair.base_km == 3.0  # s-a-b-t
    sigma = math.sqrt(exact * (1 - exact) / 4000)
    assert abs(pair.connected_share - exact) < 4 * sigma
    lo, hi = pair.connected_ci95
    assert lo <= pair.connected_share <= hi


def test_same_seed_same_answer_and_time_limit_gives_partial_prefix() -> None:
    a = simulate(BRIDGE, [("s", "t")], 0.3, samples=300, seed=9, time_limit_s=60)
    b = simulate(BRIDGE, [("s", "t")], 0.3, samples=300, seed=9, time_limit_s=60)
    assert a.pairs == b.pairs and a.critical_links == b.critical_links
    cut = simulate(BRIDGE, [("s", "t")], 0.3, samples=10_000_000, seed=9, time_limit_s=0.3)
    assert cut.partial and 0 < cut.samples_done < 10_000_000


def test_unknown_node_names_json_path() -> None:
    with pytest.raises(InputError) as info:
        simulate(BRIDGE, [("s", "nowhere")], 0.1, samples=10, seed=0, time_limit_s=5)
    assert info.value.issues[0].loc == "$.pairs[0][1]"


def test_wilson_interval_contains_phat_and_is_bounded() -> None:
    assert wilson_interval(0, 10)[0] == 0.0
    lo, hi = wilson_interval(50, 100)
    assert lo < 0.5 < hi and hi - lo < 0.25


def test_default_study_of_the_shipped_network_runs() -> None:
    """The default pairs all lie on the default modes (a 422 for the defaults was a bug)."""
    from freight.network.resilience import DEFAULT_PAIRS, run

    out = run({"samples": 20, "seed": 3, "time_limit_s": 30}, lambda f, m: None)
    assert out["samples_done"] == 20 and not out["partial"]
    assert [(p["origin"], p["destination"]) for p in out["pairs"]] == list(DEFAULT_PAIRS)
    assert all(p["base_km"] is not None for p in out["pairs"])  # connected when nothing fails
