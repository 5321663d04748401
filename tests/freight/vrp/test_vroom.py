"""VROOM-format solving: optimality vs brute force, feasibility by the independent checker,
errors naming JSON paths."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path
from typing import Any

import pytest

from freight.errors import InputError
from freight.vrp.vroom.answer import RoutePlan, VrpAnswer
from freight.vrp.vroom.check import check_vroom_answer
from freight.vrp.vroom.model import Task
from freight.vrp.vroom.parse import parse_vroom
from freight.vrp.vroom.solver import solve_vroom

DATA = Path(__file__).resolve().parents[2] / "data" / "vrp" / "vroom"

#: The custom-matrix example of VROOM's docs/API.md (shared with ``bench/vroom_bench.py``);
#: VROOM answers cost 7268.
DOC_EXAMPLE: dict[str, Any] = json.loads((DATA / "doc_matrix.json").read_text())


def solve_checked(payload: dict[str, Any], limit: float = 0.3) -> dict[str, Any]:
    answer = solve_vroom(parse_vroom(payload), limit).to_dict()
    report = check_vroom_answer(payload, answer)
    assert report.feasible, report.violations
    return answer


def test_documented_example_matches_vroom() -> None:
    out = solve_checked(DOC_EXAMPLE)
    assert out["summary"]["cost"] == 7268 and out["unassigned"] == []
    ids = [s.get("id") for s in out["routes"][0]["steps"]]
    assert ids == [None, 5, 4, 1, 6, 2, 3, None]


def random_problem(rng: random.Random, n_jobs: int, vehicles: int) -> dict[str, Any]:
    n = n_jobs + 3
    pts = [(rng.uniform(0, 100), rng.uniform(0, 100)) for _ in range(n)]
    dur = [[round(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 * 10) for b in pts] for a in pts]
    jobs = []
    for k in range(1, n_jobs + 1):
        job: dict[str, Any] = {"id": k, "location_index": k, "service": rng.choice([0, 60]),
                               "delivery": [rng.randint(0, 3)], "pickup": [rng.randint(0, 2)],
                               "priority": rng.choice([0, 0, 5])}  # fmt: skip
        if rng.random() < 0.5:
            a = rng.randint(0, 1500)
            job["time_windows"] = [[a, a + rng.randint(200, 900)]]
        if rng.random() < 0.3:
            job["skills"] = [1]
        jobs.append(job)
    vehs = [{"id": 10 + v, "start_index": 0, "end_index": 0, "capacity": [rng.randint(4, 7)],
             "skills": [1] if v == 0 else [], "time_window": [0, 3000],
             "costs": {"fixed": rng.choice([0, 500])}} for v in range(vehicles)]  # fmt: skip
    ship = {"pickup": {"id": 1, "location_index": n - 2, "setup": 30},
            "delivery": {"id": 1, "location_index": n - 1}, "amount": [2]}  # fmt: skip
    return {"vehicles": vehs, "jobs": jobs, "shipments": [ship], "matrix": dur}


def brute_force(payload: dict[str, Any]) -> tuple[int, int, float]:
    """Best (priority, assigned, -cost) over every assignment and order (the checker judges)."""
    prob = parse_vroom(payload)
    tasks = [j.task for j in prob.jobs] + [prob.shipments[0].pickup, prob.shipments[0].delivery]
    best = (-1, -1, -float("inf"))
    nv = len(prob.vehicles)
    for owner in itertools.product(range(-1, nv), repeat=len(tasks) - 1):
        owner = (*owner, owner[-1])  # the delivery rides with its pickup
        groups: list[list[Task]] = [
            [t for t, o in zip(tasks, owner, strict=True) if o == v] for v in range(nv)
        ]
        for orders in itertools.product(*(itertools.permutations(g) for g in groups)):
            plans = tuple(RoutePlan(v, tuple(o), prob.vehicles[v].tw_start)
                          for v, o in enumerate(orders) if o)  # fmt: skip
            out = [t for t, o in zip(tasks, owner, strict=True) if o < 0]
            ans = VrpAnswer(prob, plans, tuple(out), 0, 0).to_dict()
            rep = check_vroom_answer(payload, ans)
            if rep.feasible:
                best = max(best, (rep.priority, rep.assigned, -rep.cost))
    return best


@pytest.mark.parametrize("seed", range(4))
def test_optimal_on_small_instances(seed: int) -> None:
    payload = random_problem(random.Random(seed), n_jobs=4, vehicles=2)
    out = solve_checked(payload, 0.5)
    rep = check_vroom_answer(payload, out)
    prio, assigned, neg_cost = brute_force(payload)
    assert (rep.priority, rep.assigned) == (prio, assigned)
    assert rep.cost == pytest.approx(-neg_cost)


def test_skills_priorities_and_unassigned() -> None:
    # one vehicle, capacity 1: only one of the two jobs fits; the one with priority wins
    payload = {
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "capacity": [1], "skills": [7]}],
        "jobs": [{"id": 1, "location_index": 1, "delivery": [1]},
                 {"id": 2, "location_index": 2, "delivery": [1], "priority": 9},
                 {"id": 3, "location_index": 1, "skills": [8]}],
        "matrix": [[0, 10, 500], [10, 0, 500], [500, 500, 0]],
    }  # fmt: skip
    out = solve_checked(payload)
    served = [s["id"] for s in out["routes"][0]["steps"] if s["type"] == "job"]
    assert served == [2]
    assert sorted(u["id"] for u in out["unassigned"]) == [1, 3]
    assert out["summary"]["priority"] == 9 and out["summary"]["unassigned"] == 2


def test_when_not_all_fit_the_higher_priority_is_served() -> None:
    # every job is servable alone, but capacity 1 fits one: the all-required search finds
    # no plan and the prize-collecting one keeps the job with priority
    payload = {
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "capacity": [1]}],
        "jobs": [{"id": 1, "location_index": 1, "delivery": [1]},
                 {"id": 2, "location_index": 2, "delivery": [1], "priority": 3}],
        "matrix": [[0, 10, 500], [10, 0, 500], [500, 500, 0]],
    }  # fmt: skip
    out = solve_checked(payload)
    assert [s["id"] for s in out["routes"][0]["steps"] if s["type"] == "job"] == [2]
    assert [u["id"] for u in out["unassigned"]] == [1]


def test_shipment_pickup_before_delivery_and_multiple_windows() -> None:
    payload = {
        "vehicles": [{"id": 1, "start_index": 0, "end_index": 0, "capacity": [2],
                      "time_window": [0, 10_000]}],
        "jobs": [{"id": 5, "location_index": 3, "time_windows": [[0, 5], [4000, 4100]]}],
        "shipments": [{"pickup": {"id": 1, "location_index": 2}, "delivery": {
            "id": 1, "location_index": 1}, "amount": [2]}],
        "matrix": [[0, 100, 900, 100], [100, 0, 100, 100], [900, 100, 0, 100],
                   [100, 100, 100, 0]],
    }  # fmt: skip
    out = solve_checked(payload)
    steps = out["routes"][0]["steps"]
    kinds = [s["type"] for s in steps]
    assert kinds.index("pickup") < kinds.index("delivery")
    job = next(s for s in steps if s["type"] == "job")
    assert 4000 <= job["arrival"] + job["waiting_time"] <= 4100


def test_checker_catches_broken_answers() -> None:
    out = solve_checked(DOC_EXAMPLE)
    bad = {**out, "routes": [{**out["routes"][0], "steps": out["routes"][0]["steps"][:-2]
                              + out["routes"][0]["steps"][-1:]}]}  # fmt: skip
    rep = check_vroom_answer(DOC_EXAMPLE, bad)
    assert not rep.feasible and any("job 3 appears 0 times" in v for v in rep.violations)


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"jobs": [{"id": 1, "location_index": 8}]}, "$.jobs[0].location_index"),
        ({"matrix": [[0, 1], [1]]}, "$.matrix[1]"),
        ({"jobs": [{"id": 1, "location_index": 1, "delivery": [-2]}]}, "$.jobs[0].delivery[0]"),
        ({"jobs": [{"id": 1, "location_index": 1, "skills": ["fast"]}]}, "$.jobs[0].skills[0]"),
        ({"shipments": [{"pickup": {"id": 1, "location_index": 1}}]}, "$.shipments[0].delivery"),
        ({"vehicles": [{"id": 0, "start_index": 0, "breaks": []}]}, "$.vehicles[0].breaks"),
        ({"jobs": [{"id": 1, "location_index": 1, "delivery": [1]},
                   {"id": 2, "location_index": 2, "delivery": [1, 1]}]}, "$.jobs[1].delivery"),
    ],
)  # fmt: skip
def test_bad_input_names_the_json_path(patch: dict[str, Any], loc: str) -> None:
    with pytest.raises(InputError) as err:
        parse_vroom({**DOC_EXAMPLE, **patch})
    assert loc in [i.loc for i in err.value.issues], err.value


def test_cli_solves_a_vroom_file(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from freight.cli.main import app

    path = tmp_path / "problem.json"
    path.write_text(json.dumps(DOC_EXAMPLE))
    res = CliRunner().invoke(app, ["vrp", "vroom", str(path), "--time-limit", "0.5"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["summary"]["cost"] == 7268 and check_vroom_answer(DOC_EXAMPLE, out).feasible
    path.write_text(json.dumps({**DOC_EXAMPLE, "matrix": [[0, 1], [1]]}))
    bad = CliRunner().invoke(app, ["vrp", "vroom", str(path)])
    assert bad.exit_code != 0 and "$.matrix[1]" in bad.output
