"""Backhaul chains by min-cost flow on the compatible-successor graph, with repair.

Per cargo form (the vehicle kinds that serve one form serve no other, so the forms are
independent problems), one OR-Tools min-cost flow covers loads by truck chains:

    source -> truck k -> load i (in) -> load i (out) -> load j (in) -> ... -> sink

``truck k -> load i`` exists when k may carry i and reaches it in time from its start;
``load i -> load j`` when a truck that picked i up as late as allowed still reaches j in
time (conservative times, so every chain of such arcs keeps all load windows, and the
graph is acyclic). Arc costs are empty metres; each load's in->out arc earns ``BIG``, so
the flow maximises the number of loads covered, then minimises empty km. This is exact
for trucks of one form that are interchangeable apart from their start; truck-specific
limits (capacity, ``available_until``, range, declined pairs) are enforced afterwards by
simulating each chain and cutting it where it breaks. Loads cut off, and those the
conservative arcs could not chain, get further passes in which used trucks start from
where their chain ends.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from freight.matching.baselines import solve_greedy
from freight.matching.candidates import backward, forward
from freight.matching.instance import UNLOAD_MIN, Instance, State
from freight.matching.roads import travel

#: Reward of one covered load (metres of empty driving it outweighs): more than any sum
#: of empty metres of a round, so the count comes first.
BIG = 10**11
K_NEAR = 12
PASSES = 3


def _arcs_vehicles(
    inst: Instance,
    ks: np.ndarray,
    st: list[State],
    loads: np.ndarray,
    k: int,
    deadline: np.ndarray,
    forced: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """(truck position in ``ks``, load position in ``loads``) first-load candidates."""
    g = inst.tables.general
    vn = np.array([s.node for s in st], dtype=np.int64)
    vt = np.array([s.t for s in st])
    a1, b1 = forward(g, vn, vt, inst.l_o[loads], deadline, k)
    a2, b2 = backward(g, vn, vt, inst.l_o[loads], deadline, k)
    both = [np.concatenate([a1, a2, forced[0]]), np.concatenate([b1, b2, forced[1]])]
    pairs = np.unique(np.stack(both), axis=1)
    a, b = pairs[0], pairs[1]
    kv, li = ks[a], loads[b]
    ok = inst.compatible(kv, li)
    arr, ekm = travel(g, vn[a], inst.l_o[li], vt[a])
    p = np.maximum(arr, inst.l_pf[li])
    dl, lkm = inst.deliver_at(li, p)
    km = np.array([st[x].km for x in a]) + ekm + lkm
    ok &= (
        (p <= deadline[b] + 1e-6)
        & (dl <= inst.v_until[kv] + 1e-6)
        & (km <= inst.v_range[kv] + 1e-6)
    )
    if inst.ban_pairs:
        ok &= np.array(
            [(int(x), int(y)) not in inst.ban_pairs for x, y in zip(kv, li, strict=True)],
            dtype=bool,
        )
    return a[ok], b[ok]


def _arcs_successors(
    inst: Instance,
    loads: np.ndarray,
    free: np.ndarray,
    k: int,
    tiers: tuple[np.ndarray, np.ndarray],
    deadline: np.ndarray,
    forced: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Load i -> load j when a truck free after i at ``free[i]`` reaches j by
    ``deadline[j]``, and ``free[i] < free[j]`` (which keeps the graph acyclic); plus the
    ``forced`` arcs (those of a plan being improved)."""
    g = inst.tables.general
    a, b = forward(g, inst.l_d[loads], free, inst.l_o[loads], deadline, k)
    keep = free[a] < free[b]
    t_tier, teu_tier = tiers
    keep &= (t_tier[a] >= t_tier[b]) & (teu_tier[a] >= teu_tier[b])
    pairs = np.unique(
        np.stack([np.concatenate([a[keep], forced[0]]), np.concatenate([b[keep], forced[1]])]),
        axis=1,
    )
    return pairs[0], pairs[1]


def _tiers(inst: Instance, ks: np.ndarray, loads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per load, the smallest truck capacity (t, TEU) of the form that can carry it.

    Successor arcs never go up a tier, so a chain fits every truck that fits its first
    load: capacity needs no repair.
    """
    caps = np.unique(inst.v_cap_t[ks])
    teus = np.unique(inst.v_teu[ks])
    ti = np.searchsorted(caps, inst.l_t[loads] - 1e-9, side="left")
    ui = np.searchsorted(teus, inst.l_teu[loads], side="left")
    return ti, ui


def cover(
    inst: Instance,
    ks: np.ndarray,
    starts: list[State],
    loads: np.ndarray,
    k: int = K_NEAR,
    free: np.ndarray | None = None,
    deadline: np.ndarray | None = None,
    forced: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
) -> dict[int, list[int]]:
    """Min-cost-flow chain cover: truck (index into ``inst.vehicles``) -> load chain.

    ``free[n]``: when a truck is free after load ``loads[n]`` if picked up by
    ``deadline[n]`` (default: the planning window's end, which makes every chain keep
    all load windows). ``forced``: (truck, load) and (load, load) position arcs that are
    added whatever the candidate search finds.
    """
    nv, nl = len(ks), len(loads)
    if nv == 0 or nl == 0:
        return {}
    free = inst.plan_free[loads] if free is None else free
    deadline = inst.plan_pu[loads] if deadline is None else deadline
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    f_first, f_succ = forced if forced is not None else (none, none)
    va, vb = _arcs_vehicles(inst, ks, starts, loads, k, deadline, f_first)
    sa, sb = _arcs_successors(inst, loads, free, k, _tiers(inst, ks, loads), deadline, f_succ)
    g = inst.tables.general
    vn = np.array([s.node for s in starts], dtype=np.int64)
    vt = np.array([s.t for s in starts])
    _, v_km = travel(g, vn[va], inst.l_o[loads[vb]], vt[va])
    _, s_km = travel(g, inst.l_d[loads[sa]], inst.l_o[loads[sb]], free[sa])
    S, T = 0, 1
    vnode = 2 + np.arange(nv)
    lin = 2 + nv + np.arange(nl)
    lout = 2 + nv + nl + np.arange(nl)
    tails = np.concatenate([np.full(nv, S), vnode, vnode[va], lin, lout[sa], lout])
    heads = np.concatenate([vnode, np.full(nv, T), lin[vb], lout, lin[sb], np.full(nl, T)])
    costs = np.concatenate(
        [
            np.zeros(nv),
            np.zeros(nv),
            np.round(v_km * 1000),
            np.full(nl, -BIG),
            np.round(s_km * 1000),
            np.zeros(nl),
        ]
    ).astype(np.int64)
    caps = np.ones(len(tails), dtype=np.int64)
    mcf = min_cost_flow.SimpleMinCostFlow()
    arcs = mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(2 + nv + 2 * nl, dtype=np.int64)
    supplies[S], supplies[T] = nv, -nv
    mcf.set_nodes_supplies(np.arange(len(supplies)), supplies)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        from freight.errors import SolverError

        raise SolverError(f"min-cost flow failed with status {status}")
    flows = mcf.flows(arcs)
    nxt: dict[int, int] = {}
    first: dict[int, int] = {}
    off = 2 * nv
    for j in np.flatnonzero(flows[off : off + len(va)]):
        first[int(va[j])] = int(vb[j])
    off2 = off + len(va) + nl
    for j in np.flatnonzero(flows[off2 : off2 + len(sa)]):
        nxt[int(sa[j])] = int(sb[j])
    chains: dict[int, list[int]] = {}
    for v, b in first.items():
        chain = [b]
        while chain[-1] in nxt:
            chain.append(nxt[chain[-1]])
        chains[int(ks[v])] = [int(loads[x]) for x in chain]
    return chains


def solve_flow(inst: Instance, k: int = K_NEAR, passes: int = PASSES) -> dict[int, list[int]]:
    """Chains for every truck: per form, flow rounds with refined successor times, chain
    repair, passes from chain ends, then first-come insertion of what is left."""
    chains: dict[int, list[int]] = {}
    ends: dict[int, State] = {}
    for form in np.unique(inst.l_form):
        ks = np.flatnonzero(inst.v_form == form)
        loads = np.flatnonzero((inst.l_form == form) & ~np.isnan(inst.pu_eff))
        got, state = _refine(inst, ks, loads, k, passes)
        chains.update(got)
        taken = {x for c in got.values() for x in c}
        pending = np.array([i for i in loads if int(i) not in taken], dtype=np.int64)
        for _ in range(passes):
            if len(pending) == 0:
                break
            more = cover(inst, ks, [state[int(v)] for v in ks], pending, k)
            done: set[int] = set()
            for v, chain in more.items():
                kept, end = _repair(inst, v, state[v], chain)
                if kept:
                    chains.setdefault(v, []).extend(kept)
                    state[v] = end
                    done.update(kept)
            if not done:
                break
            pending = np.array([i for i in pending if int(i) not in done], dtype=np.int64)
        ends.update({v: state[v] for v in chains if inst.v_form[v] == form})
    return solve_greedy(inst, chains, ends)


def _refine(
    inst: Instance, ks: np.ndarray, loads: np.ndarray, k: int, rounds: int
) -> tuple[dict[int, list[int]], dict[int, State]]:
    """Flow rounds: the first with conservative free times, later ones with the free times
    the previous plan reached (unmatched loads keep the conservative one). Best kept."""
    free = inst.plan_free[loads].copy()
    pos = {int(x): n for n, x in enumerate(loads)}
    starts = [inst.start(int(v)) for v in ks]
    best: tuple[tuple[int, float], dict[int, list[int]], dict[int, State]] | None = None
    for _ in range(max(1, rounds)):
        got = cover(inst, ks, starts, loads, k, free)
        chains: dict[int, list[int]] = {}
        state = {int(v): s for v, s in zip(ks, starts, strict=True)}
        empty = 0.0
        nxt = inst.plan_free[loads].copy()
        for v, chain in got.items():
            s = state[v]
            for i in chain:
                step = inst.step(v, s, i)
                if isinstance(step, tuple):
                    s, st = step
                    chains.setdefault(v, []).append(i)
                    empty += st.empty_km
                    nxt[pos[i]] = s.t
            state[v] = s
        score = (sum(len(c) for c in chains.values()), -empty)
        if best is None or score > best[0]:
            best = (score, chains, state)
        if np.array_equal(nxt, free):
            break
        free = nxt
    assert best is not None
    return best[1], best[2]


def _repair(inst: Instance, v: int, s: State, chain: list[int]) -> tuple[list[int], State]:
    """Run ``chain`` on truck ``v`` from ``s``, skipping loads it cannot do in turn."""
    kept: list[int] = []
    for i in chain:
        got = inst.step(v, s, i)
        if isinstance(got, tuple):
            s = got[0]
            kept.append(i)
    return kept, s


def improve(
    inst: Instance, chains: dict[int, list[int]], k: int = K_NEAR, rounds: int = 2
) -> dict[int, list[int]]:
    """Re-chain a feasible plan by min-cost flow with its timing frozen.

    Trucks are grouped into classes that can carry the same loads (form, capacity, TEU,
    permit; battery trucks keep their chains, range is not in the flow). Per class, every
    load on its trucks gets the window [planned pickup, planned pickup] and the free time
    the plan reaches; loads nobody carries join (conservative window) when every truck of
    the class may carry them. The plan's own arcs are added, so the plan is a solution of
    the class's flow: its optimum (most loads, then least empty km) is at least as good.
    A class's new chains are kept only if they score better after simulation.
    """
    best, best_score = chains, inst.score(chains)
    for _ in range(rounds):
        got = dict(best)
        taken = {i for c in got.values() for i in c}
        for cls in _classes(inst):
            mine = {v: got[v] for v in cls if v in got}
            pool = [i for c in mine.values() for i in c]
            free_mask = ~np.isnan(inst.pu_eff)
            free_mask[list(taken)] = False
            extra = np.flatnonzero(
                free_mask
                & inst.compatible(np.full(len(free_mask), cls[0]), np.arange(len(free_mask)))
            )
            loads = np.array(sorted(pool + [int(i) for i in extra]), dtype=np.int64)
            new = _improve_class(inst, mine, cls, loads, k)
            if inst.score(new) > inst.score(mine):
                for v in cls:
                    got.pop(int(v), None)
                got.update(new)
                taken = {i for c in got.values() for i in c}
        score = inst.score(got)
        if score <= best_score:
            break
        best, best_score = got, score
    return best


def _classes(inst: Instance) -> list[np.ndarray]:
    """Trucks that may carry exactly the same loads (battery trucks left out)."""
    groups: dict[tuple[int, float, int, bool], list[int]] = {}
    for v in range(len(inst.vehicles)):
        if np.isfinite(inst.v_range[v]):
            continue
        key = (
            int(inst.v_form[v]),
            float(inst.v_cap_t[v]),
            int(inst.v_teu[v]),
            bool(inst.v_permit[v]),
        )
        groups.setdefault(key, []).append(v)
    return [np.array(g, dtype=np.int64) for _, g in sorted(groups.items())]


def _improve_class(
    inst: Instance, chains: dict[int, list[int]], ks: np.ndarray, loads: np.ndarray, k: int
) -> dict[int, list[int]]:
    if len(ks) == 0 or len(loads) == 0:
        return {}
    pos = {int(x): n for n, x in enumerate(loads)}
    vpos = {int(v): n for n, v in enumerate(ks)}
    deadline = inst.plan_pu[loads].copy()
    free = inst.plan_free[loads].copy()
    first: list[tuple[int, int]] = []
    succ: list[tuple[int, int]] = []
    for v, chain in chains.items():
        steps, _, _ = inst.run(v, chain)
        for n, st in enumerate(steps):
            deadline[pos[st.load]] = st.pickup
            free[pos[st.load]] = st.deliver + UNLOAD_MIN
            if n == 0:
                first.append((vpos[v], pos[st.load]))
            else:
                succ.append((pos[steps[n - 1].load], pos[st.load]))

    def arr(xs: list[tuple[int, int]], j: int) -> np.ndarray:
        return np.array([x[j] for x in xs], dtype=np.int64)

    forced = ((arr(first, 0), arr(first, 1)), (arr(succ, 0), arr(succ, 1)))
    starts = [inst.start(int(v)) for v in ks]
    got = cover(inst, ks, starts, loads, k, free, deadline, forced)
    out: dict[int, list[int]] = {}
    for v, chain in got.items():
        kept, _ = _repair(inst, v, starts[vpos[v]], chain)
        if kept:
            out[v] = kept
    return out
