"""Investment appraisal: candidate projects (scenario patches with a capital cost) ranked by
what they buy per CNY, and the best portfolio under a budget.

A project's *benefit* is a weighted sum of what the assignment of the year improves:
generalised cost saved (CNY/yr), CO2 avoided (t/yr, at ``co2_cny_per_t``) and tonnes no
longer unassigned (at ``unassigned_cny_per_t``). Projects interact (two railways into one
place share its traffic), so the portfolio model is a knapsack with pairwise terms: the
benefit of a set = Σ single benefits + Σ pair interactions, each interaction measured by
re-running the assignment with both projects; CP-SAT picks the set, and the chosen set is
re-assigned once more so the report gives its measured benefit next to the model's.
``evaluate`` is injected, so the optimiser is tested against brute force on small lists.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from freight.errors import FieldIssue, InputError

SCALE = 1_000  # CNY -> integer units of CP-SAT (kCNY)


@dataclass(frozen=True, slots=True)
class Project:
    """A candidate: an id, its capital cost and its scenario patch (opaque here)."""

    id: str
    capital_cny: float
    changes: tuple[object, ...] = ()

    def __post_init__(self) -> None:
        if not self.capital_cny > 0:
            raise InputError(
                f"project {self.id}: capital_cny must be > 0",
                issues=[FieldIssue(f"projects[{self.id}].capital_cny", "<= 0")],
            )


#: benefit (CNY/yr) of running the assignment with a set of project ids built
Evaluate = Callable[[frozenset[str]], float]


@dataclass(frozen=True, slots=True)
class Ranked:
    id: str
    capital_cny: float
    benefit_cny: float
    benefit_per_cny: float


@dataclass(frozen=True, slots=True)
class Portfolio:
    kind: str
    chosen: tuple[str, ...]
    capital_cny: float
    budget_cny: float
    model_benefit_cny: float  # singles + pair interactions
    measured_benefit_cny: float  # the chosen set assigned together
    ranking: tuple[Ranked, ...]
    status: str
    wall_s: float


def _interactions(
    ids: Sequence[str], single: dict[str, float], evaluate: Evaluate
) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for a, b in itertools.combinations(ids, 2):
        out[(a, b)] = evaluate(frozenset((a, b))) - single[a] - single[b]
    return out


def appraise(projects: Sequence[Project], budget_cny: float, evaluate: Evaluate) -> Portfolio:
    """Rank ``projects`` and choose the best set within ``budget_cny`` (see module doc)."""
    t0 = time.perf_counter()
    if budget_cny < 0:
        raise InputError("budget_cny must be >= 0", issues=[FieldIssue("budget_cny", "< 0")])
    ids = [p.id for p in projects]
    if len(set(ids)) != len(ids):
        raise InputError(
            "project ids must be unique", issues=[FieldIssue("projects", "duplicate id")]
        )
    cost = {p.id: p.capital_cny for p in projects}
    single = {i: evaluate(frozenset((i,))) for i in ids}
    pair = _interactions(ids, single, evaluate)
    ranking = tuple(
        sorted(
            (Ranked(i, cost[i], single[i], single[i] / cost[i]) for i in ids),
            key=lambda r: (-r.benefit_per_cny, r.id),
        )
    )
    m = cp_model.CpModel()
    x = {i: m.new_bool_var(f"x_{i}") for i in ids}
    y = {}
    for a, b in pair:
        y[(a, b)] = v = m.new_bool_var(f"y_{a}_{b}")
        m.add_implication(v, x[a])
        m.add_implication(v, x[b])
        m.add_bool_or([x[a].Not(), x[b].Not(), v])
    m.add(sum(round(cost[i] / SCALE) * x[i] for i in ids) <= int(budget_cny // SCALE))
    m.maximize(
        sum(round(single[i] / SCALE) * x[i] for i in ids)
        + sum(round(pair[k] / SCALE) * y[k] for k in pair)
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    status = solver.solve(m)
    chosen = tuple(sorted(i for i in ids if solver.value(x[i])))
    model = sum(single[i] for i in chosen) + sum(
        v for (a, b), v in pair.items() if a in chosen and b in chosen
    )
    measured = evaluate(frozenset(chosen)) if chosen else 0.0
    return Portfolio(
        kind="investment-portfolio",
        chosen=chosen,
        capital_cny=sum(cost[i] for i in chosen),
        budget_cny=budget_cny,
        model_benefit_cny=model,
        measured_benefit_cny=measured,
        ranking=ranking,
        status=solver.status_name(status),
        wall_s=time.perf_counter() - t0,
    )


def brute_force(
    projects: Sequence[Project], budget_cny: float, evaluate: Evaluate
) -> tuple[tuple[str, ...], float]:
    """Best set by enumerating every subset within budget (for tests; 2^n evaluations)."""
    best: tuple[tuple[str, ...], float] = ((), 0.0)
    ids = [p.id for p in projects]
    cost = {p.id: p.capital_cny for p in projects}
    for k in range(1, len(ids) + 1):
        for combo in itertools.combinations(ids, k):
            if sum(cost[i] for i in combo) <= budget_cny:
                v = evaluate(frozenset(combo))
                if v > best[1] + 1e-9:
                    best = (tuple(sorted(combo)), v)
    return best


def assignment_benefit(
    year: int,
    projects: Sequence[Project],
    shipments: Sequence[object],
    *,
    co2_cny_per_t: float = 100.0,
    unassigned_cny_per_t: float = 500.0,
    time_limit_s: float = 60.0,
) -> Evaluate:
    """``Evaluate`` on the real assignment of ``year``: each set's network is the year's
    network with the projects' patches applied (``freight.network.scenario``); results are
    cached per set. Unassigned tonnes are priced because the assignment does not cost them.
    """
    from freight.assign.solve import AssignOptions, assign
    from freight.network.scenario import Change, apply_scenario

    by_id = {p.id: p for p in projects}
    cache: dict[frozenset[str], float] = {}

    def score(chosen: frozenset[str]) -> float:
        changes = tuple(c for i in sorted(chosen) for c in by_id[i].changes)
        net = apply_scenario(year, tuple(c for c in changes if isinstance(c, Change)))
        r = assign(net, shipments, AssignOptions(time_limit_s=time_limit_s), year=year)  # type: ignore[arg-type]
        return -(
            r.objective_cny
            + co2_cny_per_t * r.co2_kg / 1000.0
            + unassigned_cny_per_t * r.tonnes_unassigned
        )

    base = score(frozenset())

    def evaluate(chosen: frozenset[str]) -> float:
        if chosen not in cache:
            cache[chosen] = score(chosen) - base
        return cache[chosen]

    return evaluate
