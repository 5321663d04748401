"""The 散改集 MIP: mode per flow, equipment per terminal, container pool (OR-Tools SCIP).

Variables: one binary per (flow, option) where an option is bulk rail, road, or container
rail via terminal t (no splitting: a flow moves whole by one option); integer equipment
units per (terminal, type); integer owned and leased TEU. Constraints: each flow picks one
option; per terminal and month, converted tonnes <= sum(units × t/h × hours) and <= yard
limit; per month, TEU tied up (tonnes / t-per-TEU × round-trip days / month days × (1 +
reserve)) <= pool; optional policy floors on the converted share by commodity. Objective:
annual transport + handling + losses (value × loss rate) + CO2 price + equipment annuity and
opex + pool (purchase annuity + maintenance, or lease).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from freight.conversion.model import (
    MONTH_DAYS,
    ConversionPlan,
    Flow,
    FlowPlan,
    Mode,
    Scenario,
    TerminalPlan,
)
from freight.errors import InfeasibleError, SolverError
from freight.units import haversine_km


@dataclass(frozen=True, slots=True)
class Option:
    """One way to move one flow, with its annual cost and monthly resource needs."""

    flow_id: str
    mode: Mode
    terminal: str | None
    cost_cny: float  # transport + handling + losses + CO2 price, per year
    co2_t: float
    losses_t: float
    tonnes_month: tuple[float, ...]
    teu_month: tuple[float, ...]  # boxes tied up on average in each month (incl. reserve)


def distance_km(sc: Scenario, a: str, b: str, *, rail: bool) -> float:
    """Network path km if known, else haversine × the rail or road detour (0 if a == b)."""
    if a == b:
        return 0.0
    known = (sc.geometry.rail_km if rail else sc.geometry.road_km).get((a, b))
    if known is not None:
        return known
    (lat1, lon1), (lat2, lon2) = sc.geometry.coords[a], sc.geometry.coords[b]
    factor = sc.geometry.rail_detour if rail else sc.geometry.road_detour
    return haversine_km(lat1, lon1, lat2, lon2) * factor


def flow_options(sc: Scenario, flow: Flow) -> list[Option]:
    """All allowed options of ``flow`` with costs (CNY/yr), CO2 (t/yr) and losses (t/yr)."""
    c = sc.commodities[flow.commodity]
    m = sc.modes
    t = flow.annual_t
    months = tuple(flow.month_t(i) for i in range(12))
    zero = (0.0,) * 12
    price = sc.co2_price_cny_per_t
    out: list[Option] = []

    def make(
        mode: Mode,
        terminal: str | None,
        base: float,
        co2_t: float,
        loss_rate: float,
        teu: tuple[float, ...],
    ) -> Option:
        losses = t * loss_rate
        cost = base + losses * c.value_cny_per_t + co2_t * price
        return Option(flow.id, mode, terminal, cost, co2_t, losses, months, teu)

    if c.bulk_rail_allowed:
        km = distance_km(sc, flow.origin, flow.destination, rail=True)
        base = t * (m.bulk_rail_fixed_cny_per_t + m.bulk_rail_cny_per_tkm * km)
        out.append(
            make(
                Mode.BULK_RAIL,
                None,
                base,
                t * km * m.rail_co2_g_per_tkm / 1e6,
                c.bulk_loss_rate,
                zero,
            )
        )
    if c.road_allowed:
        km = distance_km(sc, flow.origin, flow.destination, rail=False)
        base = t * (m.road_fixed_cny_per_t + m.road_cny_per_tkm * km)
        out.append(
            make(Mode.ROAD, None, base, t * km * m.road_co2_g_per_tkm / 1e6, c.road_loss_rate, zero)
        )
    for term in sc.terminals:
        dray_km = distance_km(sc, flow.origin, term.id, rail=False)
        rail_km = distance_km(sc, term.id, flow.destination, rail=True)
        teu_year = t / c.tonnes_per_teu
        base = t * term.handling_cny_per_t
        if dray_km > 0:
            base += t * (m.drayage_fixed_cny_per_t + m.drayage_cny_per_tkm * dray_km)
        base += teu_year * (
            m.container_rail_fixed_cny_per_teu
            + (m.container_rail_cny_per_teu_km + m.empty_return_cny_per_teu_km) * rail_km
        )
        co2 = t * (dray_km * m.road_co2_g_per_tkm + rail_km * m.rail_co2_g_per_tkm) / 1e6
        cycle_days = (
            sc.pool.dwell_days
            + 2 * rail_km / sc.geometry.rail_km_per_day
            + 2 * dray_km / sc.geometry.road_km_per_day
        )
        teu = tuple(
            months[i] / c.tonnes_per_teu * cycle_days / MONTH_DAYS[i] * (1 + sc.pool.reserve_share)
            for i in range(12)
        )
        out.append(make(Mode.CONTAINER_RAIL, term.id, base, co2, c.container_loss_rate, teu))
    return out


def equipment_cost_cny(sc: Scenario, eq_id: str) -> float:
    """Yearly cost of one equipment unit: capex annuity + opex."""
    eq = next(e for e in sc.equipment if e.id == eq_id)
    return eq.capex_cny * sc.annuity_factor(eq.life_years) + eq.opex_cny_per_year


def pool_costs_cny(sc: Scenario) -> tuple[float, float]:
    """Yearly cost of one owned TEU and of one leased TEU."""
    p = sc.pool
    owned = (
        p.purchase_cny_per_teu * sc.annuity_factor(p.life_years) + p.maintenance_cny_per_teu_year
    )
    return owned, p.lease_cny_per_teu_day * 365.0


def constraint_groups(sc: Scenario) -> list[str]:
    """Names of the relaxable constraint groups (used to explain infeasibility)."""
    groups = [f"terminal_capacity:{t.id}" for t in sc.terminals]
    groups.append("container_pool")
    groups += [
        f"policy_floor:{name}"
        for name, c in sorted(sc.commodities.items())
        if c.min_converted_share > 0 and any(f.commodity == name for f in sc.flows)
    ]
    return groups


@dataclass
class _Model:
    solver: pywraplp.Solver
    options: dict[str, list[Option]]
    x: dict[tuple[str, int], pywraplp.Variable]
    units: dict[tuple[str, str], pywraplp.Variable]
    owned: pywraplp.Variable
    leased: pywraplp.Variable


def _build(sc: Scenario, relaxed: Iterable[str], force: Mode | None) -> _Model:
    relaxed = set(relaxed)
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:  # pragma: no cover - ortools build without SCIP
        raise SolverError("OR-Tools was built without SCIP")
    inf = solver.infinity()
    options = {f.id: flow_options(sc, f) for f in sc.flows}
    x: dict[tuple[str, int], pywraplp.Variable] = {}
    objective = solver.Objective()
    for f in sc.flows:
        opts = options[f.id]
        row = solver.Constraint(1, 1, f"one_option[{f.id}]")
        for k, opt in enumerate(opts):
            ub = 0 if force is not None and opt.mode != force else 1
            var = solver.IntVar(0, ub, f"x[{f.id},{k}]")
            x[(f.id, k)] = var
            row.SetCoefficient(var, 1)
            objective.SetCoefficient(var, opt.cost_cny)
    units: dict[tuple[str, str], pywraplp.Variable] = {}
    for term in sc.terminals:
        free = f"terminal_capacity:{term.id}" in relaxed
        for eq in sc.equipment:
            ub = inf if free else term.max_units.get(eq.id, 0)
            var = solver.IntVar(0, ub, f"n[{term.id},{eq.id}]")
            units[(term.id, eq.id)] = var
            objective.SetCoefficient(var, equipment_cost_cny(sc, eq.id))
        for month in range(12):
            need = solver.Constraint(-inf, 0, f"equip[{term.id},{month}]")
            yard = solver.Constraint(-inf, inf if free else term.max_t_per_month)
            for f in sc.flows:
                for k, opt in enumerate(options[f.id]):
                    if opt.terminal == term.id:
                        need.SetCoefficient(x[(f.id, k)], opt.tonnes_month[month])
                        yard.SetCoefficient(x[(f.id, k)], opt.tonnes_month[month])
            for eq in sc.equipment:
                need.SetCoefficient(
                    units[(term.id, eq.id)], -eq.throughput_t_per_h * term.hours_per_month
                )
    pool_free = "container_pool" in relaxed
    owned = solver.IntVar(0, inf if pool_free else sc.pool.max_owned_teu, "owned_teu")
    leased = solver.IntVar(0, inf if pool_free else sc.pool.max_leased_teu, "leased_teu")
    owned_cny, leased_cny = pool_costs_cny(sc)
    objective.SetCoefficient(owned, owned_cny)
    objective.SetCoefficient(leased, leased_cny)
    for month in range(12):
        row = solver.Constraint(-inf, 0, f"pool[{month}]")
        row.SetCoefficient(owned, -1)
        row.SetCoefficient(leased, -1)
        for f in sc.flows:
            for k, opt in enumerate(options[f.id]):
                if opt.teu_month[month]:
                    row.SetCoefficient(x[(f.id, k)], opt.teu_month[month])
    for name, c in sorted(sc.commodities.items()):
        if c.min_converted_share <= 0 or f"policy_floor:{name}" in relaxed:
            continue
        flows = [f for f in sc.flows if f.commodity == name]
        if not flows:
            continue
        total = sum(f.annual_t for f in flows)
        row = solver.Constraint(c.min_converted_share * total - 1e-6, inf, f"policy[{name}]")
        for f in flows:
            for k, opt in enumerate(options[f.id]):
                if opt.mode is Mode.CONTAINER_RAIL:
                    row.SetCoefficient(x[(f.id, k)], f.annual_t)
    objective.SetMinimization()
    return _Model(solver, options, x, units, owned, leased)


def _run(model: _Model, time_limit_s: float, relative_gap: float) -> int:
    solver = model.solver
    solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
    solver.SetNumThreads(1)  # determinism
    params = pywraplp.MPSolverParameters()
    params.SetDoubleParam(pywraplp.MPSolverParameters.RELATIVE_MIP_GAP, relative_gap)
    return int(solver.Solve(params))


def _feasible(sc: Scenario, relaxed: set[str], force: Mode | None, time_limit_s: float) -> bool:
    model = _build(sc, relaxed, force)
    # any feasible point answers the question: stop at the first solution
    model.solver.SetSolverSpecificParametersAsString("limits/solutions = 1\n")
    status = _run(model, time_limit_s, 1.0)
    if status in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return True
    if status == pywraplp.Solver.INFEASIBLE:
        return False
    raise SolverError("could not decide feasibility within the time limit while diagnosing")


def explain_infeasibility(
    sc: Scenario, force: Mode | None = None, time_limit_s: float = 10.0
) -> list[str]:
    """A minimal set of constraint groups that together make the scenario infeasible.

    Deletion filter over groups: start with every group enforced; drop a group for good if
    the rest stays infeasible without it. What remains binds (each one is necessary).
    """
    groups = constraint_groups(sc)
    if not _feasible(sc, set(groups), force, time_limit_s):
        return ["modes" if force is None else f"forced_mode:{force.value}"]
    kept = list(groups)
    for g in groups:
        trial = [h for h in kept if h != g]
        if not _feasible(sc, set(groups) - set(trial), force, time_limit_s):
            kept = trial
    return kept


def _chosen_options(sc: Scenario, model: _Model) -> list[Option]:
    """The option the MIP picked for each flow (its largest binary)."""
    chosen: list[Option] = []
    for f in sc.flows:
        opts = model.options[f.id]
        k = max(range(len(opts)), key=lambda i: model.x[(f.id, i)].solution_value())
        chosen.append(opts[k])
    return chosen


def _terminal_plans(sc: Scenario, model: _Model, chosen: list[Option]) -> tuple[TerminalPlan, ...]:
    """Equipment, throughput, capacity and peak utilisation of every terminal in use."""
    terminals = []
    for term in sc.terminals:
        eq = {e.id: round(model.units[(term.id, e.id)].solution_value()) for e in sc.equipment}
        here = [o for o in chosen if o.terminal == term.id]
        if not here and not any(eq.values()):
            continue
        cap = (
            sum(
                n * next(e for e in sc.equipment if e.id == eid).throughput_t_per_h
                for eid, n in eq.items()
            )
            * term.hours_per_month
        )
        peak = max(sum(o.tonnes_month[m] for o in here) for m in range(12))
        terminals.append(
            TerminalPlan(
                term.id,
                {k: v for k, v in eq.items() if v},
                sum(sum(o.tonnes_month) for o in here),
                cap,
                peak / cap if cap > 0 else 0.0,
                sum(n * equipment_cost_cny(sc, eid) for eid, n in eq.items()),
            )
        )
    return tuple(terminals)


def _kpis(sc: Scenario, flows: tuple[FlowPlan, ...]) -> dict[str, float]:
    total_t = sum(f.annual_t for f in sc.flows)
    rail_t = sum(f.tonnes for f in flows if f.mode is not Mode.ROAD)
    conv_t = sum(f.tonnes for f in flows if f.mode is Mode.CONTAINER_RAIL)
    return {
        "rail_share": round(rail_t / total_t, 6),
        "converted_share": round(conv_t / total_t, 6),
        "co2_t": round(sum(f.co2_t for f in flows), 3),
        "losses_t": round(sum(f.losses_t for f in flows), 3),
        "tonnes_total": total_t,
    }


def _baselines(
    sc: Scenario, start: float, time_limit_s: float, relative_gap: float
) -> dict[str, float | None]:
    """Cost with no conversion, and with every flow in containers (None if infeasible) in
    the time left of ``time_limit_s`` since ``start`` (at least 1 s)."""
    base: dict[str, float | None] = {"all_bulk": all_bulk_cost_cny(sc)}
    try:
        other = plan_conversion(
            sc,
            time_limit_s=max(1.0, time_limit_s - (time.perf_counter() - start)),
            relative_gap=relative_gap,
            force=Mode.CONTAINER_RAIL,
            baselines=False,
        )
        base["all_container"] = round(other.objective_cny, 2)
    except (InfeasibleError, SolverError):
        base["all_container"] = None
    return base


def _solve(
    sc: Scenario, time_limit_s: float, relative_gap: float, force: Mode | None
) -> tuple[_Model, int]:
    """Build and run the MIP; ``InfeasibleError`` naming what binds, or ``SolverError``."""
    model = _build(sc, (), force)
    status = _run(model, time_limit_s, relative_gap)
    if status == pywraplp.Solver.INFEASIBLE:
        binding = explain_infeasibility(sc, force)
        raise InfeasibleError(
            "no conversion plan satisfies every constraint; relax: " + ", ".join(binding),
            binding=binding,
        )
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise SolverError(f"SCIP found no plan within {time_limit_s:g} s (status {status})")
    return model, status


def plan_conversion(
    sc: Scenario,
    *,
    time_limit_s: float = 30.0,
    relative_gap: float = 1e-4,
    force: Mode | None = None,
    baselines: bool = True,
) -> ConversionPlan:
    """Solve the conversion MIP; raise ``InfeasibleError`` naming what binds if none exists.

    ``force`` restricts every flow to one mode (used for the all-container baseline).
    """
    start = time.perf_counter()
    model, status = _solve(sc, time_limit_s, relative_gap, force)
    objective_cny = model.solver.Objective().Value()
    bound_cny = model.solver.Objective().BestBound()
    if status == pywraplp.Solver.OPTIMAL and bound_cny > objective_cny:
        bound_cny = objective_cny
    gap = max(0.0, (objective_cny - bound_cny) / max(abs(objective_cny), 1.0))
    proven = status == pywraplp.Solver.OPTIMAL and gap <= relative_gap + 1e-9
    chosen = _chosen_options(sc, model)
    flows = tuple(
        FlowPlan(
            o.flow_id, f.commodity, f.annual_t, o.mode, o.terminal, o.cost_cny, o.co2_t, o.losses_t
        )
        for f, o in zip(sc.flows, chosen, strict=True)
    )
    terminals = _terminal_plans(sc, model, chosen)
    owned = round(model.owned.solution_value())
    leased = round(model.leased.solution_value())
    owned_cny, leased_cny = pool_costs_cny(sc)
    base: dict[str, float | None] = {}
    if baselines:
        base = _baselines(sc, start, time_limit_s, relative_gap)
    return ConversionPlan(
        status="optimal" if proven else "feasible",
        objective_cny=objective_cny,
        bound_cny=bound_cny,
        gap=round(gap, 8),
        flows=flows,
        terminals=terminals,
        containers_teu=owned + leased,
        owned_teu=owned,
        leased_teu=leased,
        pool_cost_cny=owned * owned_cny + leased * leased_cny,
        kpis=_kpis(sc, flows),
        baselines=base,
        wall_s=time.perf_counter() - start,
        distance_source=sc.geometry.distance_source,
        flows_source=sc.flows_source,
    )


def all_bulk_cost_cny(sc: Scenario) -> float | None:
    """Cost with no conversion: each flow on its cheaper of bulk rail and road."""
    total = 0.0
    for f in sc.flows:
        costs = [o.cost_cny for o in flow_options(sc, f) if o.mode is not Mode.CONTAINER_RAIL]
        if not costs:
            return None
        total += min(costs)
    return round(total, 2)


def check_plan(sc: Scenario, plan: ConversionPlan, tol: float = 1e-6) -> list[str]:
    """Independent feasibility check of a returned plan; returns the violations found."""
    problems: list[str] = []
    by_id = {f.id: f for f in sc.flows}
    if sorted(f.id for f in plan.flows) != sorted(by_id):
        problems.append("flows missing or duplicated")
    chosen: list[Option] = []
    for fp in plan.flows:
        f = by_id[fp.id]
        if abs(fp.tonnes - f.annual_t) > tol:
            problems.append(f"{fp.id}: tonnes {fp.tonnes} != {f.annual_t}")
        match = [o for o in flow_options(sc, f) if o.mode is fp.mode and o.terminal == fp.terminal]
        if not match:
            problems.append(f"{fp.id}: option {fp.mode}/{fp.terminal} not allowed")
            continue
        chosen.append(match[0])
    eq_thr = {e.id: e.throughput_t_per_h for e in sc.equipment}
    plans = {t.id: t for t in plan.terminals}
    for term in sc.terminals:
        tp = plans.get(term.id)
        eq = tp.equipment if tp else {}
        for eid, n in eq.items():
            if not isinstance(n, int) or n < 0 or n > term.max_units.get(eid, 0):
                problems.append(f"{term.id}: {n} × {eid} outside 0..{term.max_units.get(eid, 0)}")
        cap = sum(n * eq_thr[eid] for eid, n in eq.items()) * term.hours_per_month
        for m in range(12):
            load = sum(o.tonnes_month[m] for o in chosen if o.terminal == term.id)
            if load > cap * (1 + tol) + tol or load > term.max_t_per_month * (1 + tol) + tol:
                problems.append(f"{term.id}: month {m + 1} load {load:.0f} t over capacity")
    if plan.owned_teu > sc.pool.max_owned_teu or plan.leased_teu > sc.pool.max_leased_teu:
        problems.append("pool above its limits")
    for m in range(12):
        need = sum(o.teu_month[m] for o in chosen)
        if need > plan.containers_teu * (1 + tol) + tol:
            problems.append(f"month {m + 1}: {need:.1f} TEU needed > pool {plan.containers_teu}")
    for name, c in sc.commodities.items():
        flows = [f for f in plan.flows if f.commodity == name]
        if c.min_converted_share > 0 and flows:
            total = sum(f.tonnes for f in flows)
            conv = sum(f.tonnes for f in flows if f.mode is Mode.CONTAINER_RAIL)
            if conv < c.min_converted_share * total - 1e-3:
                problems.append(f"policy floor of {name} not met")
    return problems


def plan_cost_cny(sc: Scenario, plan: ConversionPlan) -> float:
    """Recompute a plan's objective from its decisions (independent of the solver)."""
    by_id = {f.id: f for f in sc.flows}
    total = 0.0
    for fp in plan.flows:
        opt = next(
            o
            for o in flow_options(sc, by_id[fp.id])
            if o.mode is fp.mode and o.terminal == fp.terminal
        )
        total += opt.cost_cny
    for tp in plan.terminals:
        total += sum(n * equipment_cost_cny(sc, eid) for eid, n in tp.equipment.items())
    owned_cny, leased_cny = pool_costs_cny(sc)
    return total + plan.owned_teu * owned_cny + plan.leased_teu * leased_cny


__all__ = [
    "Option",
    "all_bulk_cost_cny",
    "check_plan",
    "constraint_groups",
    "distance_km",
    "explain_infeasibility",
    "flow_options",
    "plan_conversion",
    "plan_cost_cny",
]
