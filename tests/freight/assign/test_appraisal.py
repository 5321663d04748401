"""Investment appraisal: the CP-SAT portfolio equals brute force; ranking per CNY."""

from __future__ import annotations

import itertools
import random

import pytest

from freight.assign.appraisal import Project, appraise, brute_force
from freight.errors import InputError


def _pairwise(rng: random.Random, ids: list[str]):
    """A benefit with synergies and overlaps (multiples of 1,000 CNY)."""
    single = {i: 1000.0 * rng.randint(1, 60) for i in ids}
    pair = {k: 1000.0 * rng.randint(-25, 15) for k in itertools.combinations(ids, 2)}

    def evaluate(chosen: frozenset[str]) -> float:
        return sum(single[i] for i in chosen) + sum(
            v for (a, b), v in pair.items() if a in chosen and b in chosen
        )

    return evaluate


@pytest.mark.parametrize("seed", range(8))
def test_portfolio_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    ids = [f"p{k}" for k in range(rng.randint(3, 7))]
    projects = [Project(i, 1000.0 * rng.randint(5, 50)) for i in ids]
    budget = 1000.0 * rng.randint(20, 120)
    evaluate = _pairwise(rng, ids)
    got = appraise(projects, budget, evaluate)
    best_set, best_value = brute_force(projects, budget, evaluate)
    assert got.capital_cny <= budget
    assert got.measured_benefit_cny == pytest.approx(best_value)
    assert got.model_benefit_cny == pytest.approx(got.measured_benefit_cny)  # pairwise: exact
    assert got.status == "OPTIMAL"


def test_ranking_is_benefit_per_cny_and_bad_input_is_named() -> None:
    projects = [Project("a", 10_000.0), Project("b", 1_000.0), Project("c", 5_000.0)]
    values = {"a": 20_000.0, "b": 5_000.0, "c": 1_000.0}
    got = appraise(projects, 0.0, lambda s: sum(values[i] for i in s))
    assert [r.id for r in got.ranking] == ["b", "a", "c"]
    assert got.chosen == () and got.measured_benefit_cny == 0.0  # no budget, nothing built
    with pytest.raises(InputError) as e:
        Project("z", 0.0)
    assert e.value.issues[0].loc == "projects[z].capital_cny"


def test_real_assignment_benefit_prefers_the_project_that_serves_the_demand() -> None:
    from datetime import date

    from freight.assign.appraisal import assignment_benefit
    from freight.network.scenario import change_of
    from tests.freight.assign.test_assign import Ship

    demand = [
        Ship(f"q{i}", "kuytun", "kuqa", "general", "general", 2000.0, date(2025, 1 + i, 5))
        for i in range(12)
    ]
    road = {"mode": "road_expressway", "speed_kmh": 80, "capacity_per_day": 15000}
    shortcut = Project(
        "kuqa_shortcut",
        2e9,
        (change_of("add", "links", "d_x", {"source": "j_g30_kt", "target": "kuqa",
                                            "length_km": 345, **road}),),
    )  # fmt: skip
    elsewhere = Project(
        "wusu_huyanghe",
        1e9,
        (change_of("add", "links", "d_y", {"source": "wusu", "target": "huyanghe",
                                            "length_km": 40, **road}),),
    )  # fmt: skip
    evaluate = assignment_benefit(2025, [shortcut, elsewhere], demand, time_limit_s=5)
    got = appraise([shortcut, elsewhere], 2e9, evaluate)
    assert got.chosen == ("kuqa_shortcut",)
    assert got.ranking[0].id == "kuqa_shortcut" and got.ranking[0].benefit_cny > 0
    assert evaluate(frozenset({"wusu_huyanghe"})) == pytest.approx(0.0, abs=1.0)
