"""Path-based capacitated assignment LP (OR-Tools ``pywraplp`` with GLOP).

Demand groups (OD, form, commodity, period) choose among candidate routes; every route
uses resources (road/rail links, terminals, train runs) per tonne. Capacity rows are per
resource and period, and unserved tonnes go to a slack column with a penalty larger than
any route, so the LP first serves as much as capacity allows, then as cheaply as possible.

min  sum_g,r c_r x_gr + P sum_g u_g
s.t. sum_r x_gr + u_g = T_g                       (conservation, per group)
     sum_{g,r: period(g)=p} a_rk x_gr <= C_kp     (capacity, per resource k and period p)
     x, u >= 0
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp

from freight.errors import SolverError


@dataclass(frozen=True, slots=True)
class Candidate:
    """One route a group may use: cost and resource use per tonne."""

    key: str  # route signature (unique within its OD/form)
    cost_cny_per_t: float  # incl. any CO2 price
    co2_kg_per_t: float
    uses: tuple[tuple[str, float], ...]  # (resource id, units per tonne)
    rail: bool
    rail_tkm_per_t: float = 0.0
    tkm_per_t: float = 0.0
    #: multimodal forms of the route: ``piggyback``, ``drop_and_hook``
    forms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Group:
    """Aggregated demand: tonnes of one OD/form/commodity in one period."""

    id: str
    period: str
    tonnes: float
    candidates: tuple[Candidate, ...]
    shipments: int = 1


@dataclass(frozen=True, slots=True)
class LpResult:
    status: str
    objective_cny: float  # route costs only (without the unserved penalty)
    flows: dict[tuple[str, str], float]  # (group id, candidate key) -> tonnes
    unassigned: dict[str, float]  # group id -> tonnes
    loads: dict[tuple[str, str], float]  # (resource, period) -> load
    duals: dict[tuple[str, str], float]  # (resource, period) -> CNY per unit of capacity
    wall_s: float
    penalty_cny_per_t: float = 0.0
    notes: tuple[str, ...] = field(default=())


def solve_lp(
    groups: list[Group],
    capacity: dict[tuple[str, str], float],
    *,
    time_limit_s: float = 30.0,
    penalty_cny_per_t: float | None = None,
) -> LpResult:
    """Solve the path LP; ``capacity[(resource, period)]`` bounds each resource's load."""
    t0 = time.perf_counter()
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with ortools
        raise SolverError("OR-Tools GLOP is not available")
    solver.SetTimeLimit(int(time_limit_s * 1000))
    max_cost = max((c.cost_cny_per_t for g in groups for c in g.candidates), default=0.0)
    penalty = penalty_cny_per_t if penalty_cny_per_t is not None else 10.0 * max_cost + 1000.0

    objective = solver.Objective()
    xs: list[tuple[Group, Candidate, pywraplp.Variable]] = []
    us: dict[str, pywraplp.Variable] = {}
    rows: dict[tuple[str, str], pywraplp.Constraint] = {}
    for gi, g in enumerate(groups):
        cons = solver.Constraint(g.tonnes, g.tonnes)
        u = solver.NumVar(0.0, solver.infinity(), f"u{gi}")
        cons.SetCoefficient(u, 1.0)
        objective.SetCoefficient(u, penalty)
        us[g.id] = u
        for ci, c in enumerate(g.candidates):
            x = solver.NumVar(0.0, solver.infinity(), f"x{gi}_{ci}")
            cons.SetCoefficient(x, 1.0)
            objective.SetCoefficient(x, c.cost_cny_per_t)
            xs.append((g, c, x))
            for res, coef in c.uses:
                k = (res, g.period)
                cap = capacity.get(k)
                if cap is None:
                    continue
                row = rows.get(k)
                if row is None:
                    row = solver.Constraint(-solver.infinity(), cap)
                    rows[k] = row
                row.SetCoefficient(x, row.GetCoefficient(x) + coef)
    objective.SetMinimization()
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise SolverError(f"assignment LP ended with status {status}")
    flows: dict[tuple[str, str], float] = {}
    loads: dict[tuple[str, str], float] = defaultdict(float)
    cost = 0.0
    for g, c, x in xs:
        v = x.solution_value()
        if v > 1e-7:
            flows[(g.id, c.key)] = flows.get((g.id, c.key), 0.0) + v
            cost += v * c.cost_cny_per_t
            for res, coef in c.uses:
                loads[(res, g.period)] += coef * v
    unassigned = {gid: u.solution_value() for gid, u in us.items() if u.solution_value() > 1e-6}
    duals = {k: -row.dual_value() for k, row in rows.items() if abs(row.dual_value()) > 1e-9}
    return LpResult(
        status="optimal" if status == pywraplp.Solver.OPTIMAL else "feasible",
        objective_cny=cost,
        flows=flows,
        unassigned=unassigned,
        loads=dict(loads),
        duals=duals,
        wall_s=time.perf_counter() - t0,
        penalty_cny_per_t=penalty,
    )
