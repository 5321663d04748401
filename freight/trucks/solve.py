"""The heavy-truck electrification MIP (OR-Tools ``pywraplp`` with SCIP).

    min  sum_o c_o x_o + sum_s (F_s open_s + B_s bays_s + Q_s batteries_s + C_s chargers_s)
    s.t. sum_{o in lane l} x_o = 1                                  every lane
         x_o <= open_s                         every site s an electric option o uses
         60 bays_s     >= sum_o busy_o,s,h x_o       every swap site s, hour h
         batteries_s   >= sum_o out_o,s,h x_o        every swap site s, hour h
         60 chargers_s >= sum_o busy_o,s,h x_o       every charge site s, hour h
         sum_o tkm_o x_o [o electric] >= target x total tkm
         new station capex <= budget
         open, bays, batteries, chargers >= what an earlier year built

``c_o`` is an option's yearly cost (trucks, drivers, energy, maintenance; see
``freight.trucks.options``); ``F, B, Q, C`` are annuities plus O&M of a site, a bay, a
spare battery and a charger. Range feasibility is built into the options (only feasible
energy-point sets exist), so every solution is a plan that drives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import pywraplp

from freight.errors import InfeasibleError, SolverError
from freight.trucks.model import Existing, Scenario, crf
from freight.trucks.options import Option

MAX_UNITS = 200


@dataclass(frozen=True, slots=True)
class UnitCosts:
    """Yearly cost (annuity + O&M) and capex of each station element, for one scenario."""

    swap_site_year: float
    bay_year: float
    battery_year: float
    charge_site_year: float
    charger_year: float
    battery_capex: float

    @staticmethod
    def of(sc: Scenario) -> UnitCosts:
        st, g = sc.stations, sc.general
        a = crf(g.discount_rate, st.life_years) + g.station_om_share
        ab = crf(g.discount_rate, st.battery_life_years)
        packs = [t.battery_kwh for t in sc.trucks if t.powertrain == "bev_swap"]
        battery_capex = max(packs, default=0.0) * st.battery_cny_per_kwh
        return UnitCosts(
            st.swap_site_cny * a, st.swap_bay_cny * a, battery_capex * ab,
            st.charge_site_cny * a, st.charger_cny * a, battery_capex,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Choice:
    """The solver's answer before it becomes a plan."""

    status: str
    objective: float
    bound: float
    chosen: dict[str, Option]  # lane id -> option
    sizes: dict[tuple[str, str], tuple[int, int, int]]  # (site, kind) -> bays, batteries, chargers
    wall_s: float


def _site_kinds(options: dict[str, list[Option]]) -> set[tuple[str, str]]:
    return {(ld.site, ld.kind) for opts in options.values() for o in opts for ld in o.loads}


@dataclass(frozen=True, slots=True)
class _Model:
    """The solver and its variables (x: lane options; per site and kind: open, units, bats)."""

    solver: pywraplp.Solver
    x: dict[tuple[str, int], pywraplp.Variable]
    opn: dict[tuple[str, str], pywraplp.Variable]
    units: dict[tuple[str, str], pywraplp.Variable]
    bats: dict[tuple[str, str], pywraplp.Variable]


def _variables(
    solver: pywraplp.Solver, options: dict[str, list[Option]], sk: list[tuple[str, str]]
) -> _Model:
    x = {(lid, k): solver.BoolVar(f"x[{lid}|{k}]") for lid, opts in options.items()
         for k in range(len(opts))}  # fmt: skip
    opn = {s: solver.BoolVar(f"open[{s[0]}|{s[1]}]") for s in sk}
    units = {s: solver.IntVar(0, MAX_UNITS, f"units[{s[0]}|{s[1]}]") for s in sk}
    bats = {s: solver.IntVar(0, 10 * MAX_UNITS, f"bat[{s[0]}]") for s in sk if s[1] == "swap"}
    return _Model(solver, x, opn, units, bats)


def _hourly_rows(
    m: _Model, options: dict[str, list[Option]], existing: dict[tuple[str, str], Existing]
) -> None:
    """Each option needs its sites open; every hour's minutes and batteries are covered."""
    solver = m.solver
    rows: dict[tuple[str, str], list[list[tuple[pywraplp.Variable, float]]]] = {
        s: [[] for _ in range(48)] for s in m.opn
    }
    for lid, opts in options.items():
        for k, o in enumerate(opts):
            for ld in o.loads:
                s = (ld.site, ld.kind)
                solver.Add(m.x[lid, k] <= m.opn[s])
                for h in range(24):
                    if ld.busy_min[h] > 0:
                        rows[s][h].append((m.x[lid, k], ld.busy_min[h]))
                    if ld.batteries[h] > 0:
                        rows[s][24 + h].append((m.x[lid, k], ld.batteries[h]))
    for s, units in m.units.items():
        solver.Add(units <= MAX_UNITS * m.opn[s])
        for h in range(24):
            if rows[s][h]:
                solver.Add(60.0 * units >= sum(c * v for v, c in rows[s][h]))
            if s in m.bats and rows[s][24 + h]:
                solver.Add(m.bats[s] >= sum(c * v for v, c in rows[s][24 + h]))
        if s in existing:
            e = existing[s]
            solver.Add(m.opn[s] == 1)
            solver.Add(units >= (e.bays if s[1] == "swap" else e.chargers))
            if s in m.bats:
                solver.Add(m.bats[s] >= e.batteries)


def _objective(m: _Model, options: dict[str, list[Option]], uc: UnitCosts) -> Any:
    cost: Any = sum(o.cost_cny_year * m.x[lid, k] for lid, opts in options.items()
                    for k, o in enumerate(opts))  # fmt: skip
    for s, opn in m.opn.items():
        swap = s[1] == "swap"
        cost += opn * (uc.swap_site_year if swap else uc.charge_site_year)
        cost += m.units[s] * (uc.bay_year if swap else uc.charger_year)
        if swap:
            cost += m.bats[s] * uc.battery_year
    return cost


def solve_mip(
    sc: Scenario, options: dict[str, list[Option]], *, time_limit_s: float = 60.0,
    rel_gap: float = 0.005, seed: int = 0,
) -> Choice:  # fmt: skip
    """Solve the MIP; raise :class:`InfeasibleError` naming the binding constraint."""
    t0 = time.perf_counter()
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:
        raise SolverError("OR-Tools SCIP is not available")
    uc = UnitCosts.of(sc)
    existing = {(e.site, e.kind): e for e in sc.existing}
    m = _variables(solver, options, sorted(_site_kinds(options) | set(existing)))
    for lid, opts in options.items():
        solver.Add(sum(m.x[lid, k] for k in range(len(opts))) == 1)
    _hourly_rows(m, options, existing)
    for lid, tt in sc.kept_lanes:
        same = [k for k, o in enumerate(options.get(lid, ())) if o.truck_type == tt]
        if same:
            solver.Add(sum(m.x[lid, k] for k in same) == 1)
    _target_and_budget(m, sc, options, existing, uc)
    solver.Minimize(_objective(m, options, uc))
    solver.SetTimeLimit(int(time_limit_s * 1000))
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, rel_gap)
    solver.SetSolverSpecificParametersAsString(f"randomization/randomseedshift = {seed}\n")
    code = solver.Solve(params)
    if code == pywraplp.Solver.INFEASIBLE:
        raise explain_infeasible(sc, options)
    if code not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise SolverError(f"SCIP found no plan within {time_limit_s} s (status {code})")
    obj = solver.Objective().Value()
    bound = solver.Objective().BestBound()
    gap = abs(obj - bound) / max(abs(obj), 1e-9)
    chosen = {lid: opts[k] for lid, opts in options.items() for k in range(len(opts))
              if m.x[lid, k].solution_value() > 0.5}  # fmt: skip
    sizes = {
        s: (
            round(m.units[s].solution_value()) if s[1] == "swap" else 0,
            round(m.bats[s].solution_value()) if s in m.bats else 0,
            round(m.units[s].solution_value()) if s[1] == "charge" else 0,
        )
        for s in m.opn if m.opn[s].solution_value() > 0.5
    }  # fmt: skip
    status = "optimal" if code == pywraplp.Solver.OPTIMAL and gap <= rel_gap + 1e-9 else "feasible"
    return Choice(status, obj, min(bound, obj), chosen, sizes, time.perf_counter() - t0)


def total_tkm(options: dict[str, list[Option]]) -> float:
    return sum(opts[0].tkm_year for opts in options.values() if opts)


def _target_and_budget(
    m: _Model, sc: Scenario, options: dict[str, list[Option]],
    existing: dict[tuple[str, str], Existing], uc: UnitCosts,
) -> None:  # fmt: skip
    if sc.target_tkm_share > 0:
        m.solver.Add(
            sum(o.tkm_year * m.x[lid, k] for lid, opts in options.items()
                for k, o in enumerate(opts) if o.electric)
            >= sc.target_tkm_share * total_tkm(options) - 1e-6
        )  # fmt: skip
    if sc.budget_cny is None:
        return
    st = sc.stations
    capex: Any = 0.0
    for s, opn in m.opn.items():
        e = existing.get(s)
        swap = s[1] == "swap"
        if e is None:
            capex += opn * (st.swap_site_cny if swap else st.charge_site_cny)
        done = 0 if e is None else (e.bays if swap else e.chargers)
        capex += (m.units[s] - done) * (st.swap_bay_cny if swap else st.charger_cny)
        if s in m.bats:
            capex += (m.bats[s] - (0 if e is None else e.batteries)) * uc.battery_capex
    m.solver.Add(capex <= sc.budget_cny)


def max_electrified_tkm(sc: Scenario, options: dict[str, list[Option]], budget: bool) -> float:
    """The largest electrified t-km reachable (with or without the budget), by the MIP."""
    from dataclasses import replace

    probe = replace(sc, target_tkm_share=0.0, budget_cny=sc.budget_cny if budget else None)
    flipped = {
        lid: [replace(o, cost_cny_year=-1000.0 * o.tkm_year if o.electric else 0.0) for o in opts]
        for lid, opts in options.items()
    }
    ch = solve_mip(probe, flipped, time_limit_s=20, rel_gap=1e-4) if flipped else None
    if ch is None:
        return 0.0
    return sum(o.tkm_year for o in ch.chosen.values() if o.electric)


def explain_infeasible(sc: Scenario, options: dict[str, list[Option]]) -> InfeasibleError:
    """Say which constraint binds: the range of the trucks, or the budget."""
    total = total_tkm(options) or 1.0
    reach = sum(max((o.tkm_year for o in opts if o.electric), default=0.0)
                for opts in options.values())  # fmt: skip
    no_range = sorted(lid for lid, opts in options.items() if not any(o.electric for o in opts))
    if reach < sc.target_tkm_share * total - 1e-6:
        return InfeasibleError(
            f"target_tkm_share {sc.target_tkm_share:.3f} is out of reach: with the candidate "
            f"sites, only {reach / total:.3f} of the t-km can be driven electric within range "
            f"({len(no_range)} lanes have no feasible station set, e.g. {', '.join(no_range[:3])})",
            binding=["target_tkm_share", "range"],
        )
    best = max_electrified_tkm(sc, options, budget=True) if sc.budget_cny is not None else reach
    return InfeasibleError(
        f"target_tkm_share {sc.target_tkm_share:.3f} needs more than budget_cny "
        f"{sc.budget_cny:,.0f}: the budget reaches {best / total:.3f} of the t-km",
        binding=["target_tkm_share", "budget_cny"],
    )
