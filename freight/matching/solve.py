"""One matching round: pick a method, build the plan, explain every unmatched load.

Objective (all methods): maximise the number of matched loads, then minimise empty km.
Cost (per-km rate of each truck's powertrain) and revenue (the load's price, else the
road tariff) are reported, not optimised.

On the network of a year (``freight.network.years``), a load to or from a node that year
lacks (not built yet, or closed) is unmatched with the reason ``not_in_network_year``
and a truck at such a node is left out of the round; an id no year knows is an error.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from enum import StrEnum

import numpy as np

from freight.errors import SolverError
from freight.matching.baselines import solve_exact, solve_greedy
from freight.matching.batched import solve_batched
from freight.matching.check import check_result
from freight.matching.flow import improve, solve_flow
from freight.matching.instance import Instance
from freight.matching.model import (
    Assignment,
    Kpis,
    LegPlan,
    Load,
    MatchingResult,
    Reason,
    Unmatched,
    Vehicle,
    check_nodes,
)
from freight.matching.reassign import reassign
from freight.matching.roads import from_min, road_tables, travel
from freight.network.model import Network
from freight.network.years import nodes_not_in_year

#: ``auto`` solves exactly up to this many loads (and trucks), by flow above.
EXACT_MAX_LOADS = 8
EXACT_MAX_VEHICLES = 6


class Method(StrEnum):
    AUTO = "auto"
    FLOW = "flow"
    EXACT = "exact"
    GREEDY = "greedy"
    BATCHED = "batched"


def match(
    network: Network,
    vehicles: Sequence[Vehicle],
    loads: Sequence[Load],
    *,
    declined: frozenset[tuple[str, str]] = frozenset(),
    method: Method = Method.AUTO,
    k_near: int = 12,
    id_prefix: str = "a",
    verify: bool = False,
) -> MatchingResult:
    """Match ``loads`` to ``vehicles`` for one round.

    ``declined`` holds (vehicle id, load id) pairs never to propose. Raises ``InputError``
    / ``NotFoundError`` for bad node ids; unmatched loads are reported, not raised. With
    ``verify`` the independent checker runs on the plan and a violation is a
    ``SolverError`` (a plan that fails it is never returned).
    """
    absent = nodes_not_in_year(network)
    usable = [v for v in vehicles if v.location not in absent and v.home not in absent]
    outside = [x for x in loads if x.origin in absent or x.destination in absent]
    if outside:
        gone = {x.id for x in outside}
        kept = [x for x in loads if x.id not in gone]
    else:
        kept = list(loads)
    result = _match(network, usable, kept, declined, method, k_near, id_prefix)
    if outside:
        year = network.meta.get("year", "?")
        extra = tuple(
            Unmatched(
                x.id,
                Reason.NOT_IN_YEAR,
                f"not in the network of {year}: "
                f"{x.origin if x.origin in absent else x.destination} not built yet (or "
                "closed) in that year",
            )
            for x in outside
        )
        kpis = replace(result.kpis, loads=len(loads))
        result = replace(result, unmatched=result.unmatched + extra, kpis=kpis)
    if verify:
        errors = check_result(network, vehicles, loads, result, declined)
        if errors:
            raise SolverError(f"{result.method} plan fails the checker: {'; '.join(errors[:3])}")
    return result


def _match(
    network: Network,
    vehicles: Sequence[Vehicle],
    loads: Sequence[Load],
    declined: frozenset[tuple[str, str]],
    method: Method,
    k_near: int,
    id_prefix: str,
) -> MatchingResult:
    t0 = time.perf_counter()
    for v in vehicles:
        check_nodes(network, v)
    for x in loads:
        check_nodes(network, x)
    inst = Instance(network, road_tables(network), vehicles, loads, declined)
    if method is Method.AUTO:
        small = len(loads) <= EXACT_MAX_LOADS and len(vehicles) <= EXACT_MAX_VEHICLES
        if not small:
            base = solve_greedy(inst)
            better = improve(inst, base, k=k_near, rounds=1)
            name = "auto:greedy+rechain" if better is not base else "auto:greedy"
            moved = reassign(inst, better)
            if moved is not better:
                better, name = moved, name + "+reassign"
            return build_result(inst, better, name, time.perf_counter() - t0, id_prefix)
        method = Method.EXACT
    if method is Method.EXACT:
        chains = solve_exact(inst)
    elif method is Method.GREEDY:
        chains = solve_greedy(inst)
    elif method is Method.BATCHED:
        chains = solve_batched(inst)
    else:
        chains = solve_flow(inst, k=k_near)
    return build_result(inst, chains, str(method), time.perf_counter() - t0, id_prefix)


def _score(inst: Instance, chains: dict[int, list[int]]) -> tuple[int, float]:
    """(matched loads, minus empty km): the objective, larger is better."""
    return inst.score(chains)


def build_result(
    inst: Instance, chains: dict[int, list[int]], method: str, solve_s: float, id_prefix: str
) -> MatchingResult:
    t0 = time.perf_counter()
    assignments: list[Assignment] = []
    matched: set[int] = set()
    for n, k in enumerate(sorted(chains, key=lambda v: inst.vehicles[v].id)):
        chain = chains[k]
        steps, _, ok = inst.run(k, chain)
        if ok != len(chain):
            from freight.errors import SolverError

            raise SolverError(f"{method}: chain of {inst.vehicles[k].id} breaks at step {ok}")
        if not steps:
            continue
        plan = tuple(
            LegPlan(
                inst.loads[s.load].id,
                from_min(s.pickup),
                from_min(s.deliver),
                round(s.empty_km, 3),
                round(s.loaded_km, 3),
            )
            for s in steps
        )
        empty = sum(s.empty_km for s in steps)
        loaded = sum(s.loaded_km for s in steps)
        assignments.append(
            Assignment(
                id=f"{id_prefix}{n + 1}",
                vehicle=inst.vehicles[k].id,
                loads=tuple(p.load for p in plan),
                plan=plan,
                empty_km=round(empty, 3),
                loaded_km=round(loaded, 3),
                cost_cny=round(float(inst.v_rate[k]) * (empty + loaded), 2),
                revenue_cny=round(sum(inst.revenue(s.load) for s in steps), 2),
            )
        )
        matched.update(s.load for s in steps)
    unmatched = tuple(
        Unmatched(inst.loads[i].id, *explain(inst, i))
        for i in range(len(inst.loads))
        if i not in matched
    )
    empty = sum(a.empty_km for a in assignments)
    loaded = sum(a.loaded_km for a in assignments)
    kpis = Kpis(
        loads=len(inst.loads),
        matched=len(matched),
        empty_km=round(empty, 3),
        loaded_km=round(loaded, 3),
        empty_share=round(empty / (empty + loaded), 6) if empty + loaded > 0 else 0.0,
        trucks_used=len(assignments),
        cost_cny=round(sum(a.cost_cny for a in assignments), 2),
        revenue_cny=round(sum(a.revenue_cny for a in assignments), 2),
    )
    return MatchingResult(
        assignments=tuple(assignments),
        unmatched=unmatched,
        kpis=kpis,
        method=method,
        wall_s=round(solve_s + time.perf_counter() - t0, 6),
        bound_matched=len(matched) if method == "exact" else None,  # exact: proven optimum
    )


def explain(inst: Instance, i: int) -> tuple[Reason, str]:
    """The binding constraint of unmatched load ``i``, checked from the hardest down."""
    load = inst.loads[i]
    form = inst.l_form[i]
    ks = np.flatnonzero(inst.v_form == form)
    if inst.l_haz[i]:
        ks = ks[inst.v_permit[ks]]
    if len(ks) == 0:
        return Reason.NO_COMPATIBLE_TRUCK, f"no open truck may carry {load.cargo.form} cargo"
    tab = inst.tables.hazmat if inst.l_haz[i] else inst.tables.general
    if not np.isfinite(tab.min_km[inst.l_o[i], inst.l_d[i]]):
        if inst.l_haz[i] and np.isfinite(inst.tables.general.min_km[inst.l_o[i], inst.l_d[i]]):
            return Reason.HAZMAT_ROAD, "no road route on links open to dangerous goods"
        return Reason.NO_ROAD, "no road route from origin to destination"
    if np.isnan(inst.pu_eff[i]):
        return Reason.WINDOW, "cannot be delivered by deliver_by even when picked up at pickup_from"
    ks = ks[inst.compatible(ks, np.full(len(ks), i))]
    if len(ks) == 0:
        return (
            Reason.CAPACITY,
            f"{inst.l_t[i]:g} t / {inst.l_teu[i]} TEU exceeds every compatible truck",
        )
    arr, ekm = travel(
        inst.tables.general, inst.v_node[ks], np.full(len(ks), inst.l_o[i]), inst.v_from[ks]
    )
    p = np.maximum(arr, inst.l_pf[i])
    dl, lkm = inst.deliver_at(np.full(len(ks), i), p)
    in_time = (p <= inst.pu_eff[i] + 1e-6) & (dl <= inst.v_until[ks] + 1e-6)
    if not in_time.any():
        return (
            Reason.WINDOW,
            "no compatible truck reaches it in its pickup window from where it is free",
        )
    in_range = in_time & (ekm + lkm <= inst.v_range[ks] + 1e-6)
    if not in_range.any():
        return Reason.RANGE, "beyond the range of every compatible truck that is in time"
    free = [int(k) for k in ks[in_range] if (int(k), i) not in inst.ban_pairs]
    if not free:
        return Reason.DECLINED, "every truck that could carry it has declined it"
    return Reason.TRUCKS_TAKEN, "trucks that could carry it carry other loads"
