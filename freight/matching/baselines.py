"""Two reference methods: the greedy first-come nearest-truck rule and an exact optimum.

``solve_greedy`` is what a dispatcher without an optimiser does: take loads in the order
they were posted and give each to the truck that reaches it with the fewest empty km
(from wherever that truck's previous load left it). ``solve_exact`` enumerates every
feasible sequence of every truck and picks a best set of disjoint sequences with CP-SAT
(set packing): the optimum of the same objective, for small rounds.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from freight.errors import SolverError
from freight.matching.instance import UNLOAD_MIN, Instance, State
from freight.matching.roads import travel

BIG = 10**9


def first_come_order(inst: Instance) -> list[int]:
    posted = [
        (x.posted_at or x.pickup_from, x.pickup_from, x.id, i) for i, x in enumerate(inst.loads)
    ]
    return [p[-1] for p in sorted(posted)]


def solve_greedy(
    inst: Instance,
    chains: dict[int, list[int]] | None = None,
    ends: dict[int, State] | None = None,
) -> dict[int, list[int]]:
    """First come, nearest feasible truck (by empty km; ties: earliest pickup, then id).

    With ``chains`` and their ``ends``, appends the loads not yet in a chain to them.
    """
    nv = len(inst.vehicles)
    node = inst.v_node.copy()
    t = inst.v_from.copy()
    used_km = np.zeros(nv)
    chains = {k: list(c) for k, c in (chains or {}).items()}
    for k, s in (ends or {}).items():
        node[k], t[k], used_km[k] = s.node, s.t, s.km
    taken = {i for c in chains.values() for i in c}
    g = inst.tables.general
    of_form = {int(f): np.flatnonzero(inst.v_form == f) for f in np.unique(inst.v_form)}
    none = np.zeros(0, dtype=np.int64)
    for i in first_come_order(inst):
        if i in taken or np.isnan(inst.pu_eff[i]):
            continue
        ks = of_form.get(int(inst.l_form[i]), none)
        ks = ks[inst.compatible(ks, np.full(len(ks), i))]
        if len(ks) == 0:
            continue
        arr, ekm = travel(g, node[ks], np.full(len(ks), inst.l_o[i]), t[ks])
        p = np.maximum(arr, inst.l_pf[i])
        dl, lkm = inst.deliver_at(np.full(len(ks), i), p)
        ok = (p <= inst.pu_eff[i] + 1e-6) & (dl <= inst.v_until[ks] + 1e-6)
        ok &= used_km[ks] + ekm + lkm <= inst.v_range[ks] + 1e-6
        if inst.ban_pairs:
            ok &= np.array([(int(k), i) not in inst.ban_pairs for k in ks], dtype=bool)
        if not ok.any():
            continue
        cand = np.flatnonzero(ok)
        best = cand[np.lexsort((ks[cand], p[cand], ekm[cand]))[0]]
        k = int(ks[best])
        chains.setdefault(k, []).append(i)
        node[k] = inst.l_d[i]
        t[k] = dl[best] + UNLOAD_MIN
        used_km[k] += ekm[best] + lkm[best]
    return chains


def _enumerate(inst: Instance, k: int, limit: int) -> list[tuple[tuple[int, ...], float]]:
    """Every feasible load sequence of truck ``k`` with its empty km (at most ``limit``)."""
    out: list[tuple[tuple[int, ...], float]] = []
    cand = [i for i in range(len(inst.loads)) if inst.compatible(k, i)]

    def grow(seq: tuple[int, ...], s: State, empty: float) -> None:
        if len(out) > limit:
            raise SolverError(f"more than {limit} sequences for truck {inst.vehicles[k].id}")
        for i in cand:
            if i in seq:
                continue
            got = inst.step(k, s, i)
            if isinstance(got, tuple):
                ns, st = got
                nseq = seq + (i,)
                out.append((nseq, empty + st.empty_km))
                grow(nseq, ns, empty + st.empty_km)

    grow((), inst.start(k), 0.0)
    return out


def solve_exact(
    inst: Instance, limit: int = 200_000, time_limit_s: float = 30.0
) -> dict[int, list[int]]:
    """Best set of disjoint truck sequences: most loads, then fewest empty km (CP-SAT)."""
    cols: list[tuple[int, tuple[int, ...], float]] = []
    for k in range(len(inst.vehicles)):
        cols.extend((k, seq, km) for seq, km in _enumerate(inst, k, limit))
    if not cols:
        return {}
    m = cp_model.CpModel()
    x = [m.new_bool_var(f"c{c}") for c in range(len(cols))]
    by_v: dict[int, list[int]] = {}
    by_l: dict[int, list[int]] = {}
    for c, (k, seq, _) in enumerate(cols):
        by_v.setdefault(k, []).append(c)
        for i in seq:
            by_l.setdefault(i, []).append(c)
    for group in (*by_v.values(), *by_l.values()):
        m.add_at_most_one(x[c] for c in group)
    m.maximize(
        sum(x[c] * (BIG * len(seq) - round(km * 1000)) for c, (_, seq, km) in enumerate(cols))
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    status = solver.solve(m)
    if status != cp_model.OPTIMAL:
        raise SolverError(f"exact matching not proven optimal ({solver.status_name(status)})")
    return {cols[c][0]: list(cols[c][1]) for c in range(len(cols)) if solver.value(x[c])}
