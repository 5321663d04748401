"""Rolling batched assignment: chronological slices, each an optimal truck–load matching.

Loads are taken in slices of ``slice_min`` by ``pickup_from``. In each slice an OR-Tools
min-cost flow (a linear assignment) gives every load of the slice at most one truck, from
where that truck is free after its earlier loads, maximising the number matched and then
minimising empty km; loads left over stay for the next slices while their window lasts.
Times are the real ones (earliest pickup after the truck's previous delivery), so chains
need no repair. It is the greedy rule with each slice solved optimally instead of load by
load.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from freight.errors import SolverError
from freight.matching.candidates import backward
from freight.matching.instance import UNLOAD_MIN, Instance
from freight.matching.roads import travel

BIG = 10**10


def solve_batched(
    inst: Instance, slice_min: float = 30.0, k: int = 16, k_last: int = 256
) -> dict[int, list[int]]:
    """Chains per truck from slice-by-slice optimal assignments (see module doc)."""
    nv, nl = len(inst.vehicles), len(inst.loads)
    node, t, km = inst.v_node.copy(), inst.v_from.copy(), np.zeros(nv)
    chains: dict[int, list[int]] = {}
    alive = ~np.isnan(inst.pu_eff)
    if not alive.any() or nv == 0:
        return chains
    done = np.zeros(nl, dtype=bool)
    start = float(np.nanmin(inst.l_pf[alive]))
    last = float(np.nanmax(inst.l_pf[alive]))
    g = inst.tables.general
    edge = start + slice_min
    while edge - slice_min <= last:
        cur = np.flatnonzero(alive & ~done & (inst.l_pf < edge))
        edge += slice_min
        if len(cur) == 0:
            continue
        # loads whose window closes before the next slice look further for a truck
        urgent = inst.pu_eff[cur] < edge
        kv_parts, li_parts = [], []
        for mask, kk in ((~urgent, k), (urgent, k_last)):
            if mask.any():
                a, b = backward(g, node, t, inst.l_o[cur[mask]], inst.pu_eff[cur[mask]], kk)
                kv_parts.append(a)
                li_parts.append(cur[mask][b])
        kv, li = np.concatenate(kv_parts), np.concatenate(li_parts)
        ok = inst.compatible(kv, li)
        arr, ekm = travel(g, node[kv], inst.l_o[li], t[kv])
        p = np.maximum(arr, inst.l_pf[li])
        dl, lkm = inst.deliver_at(li, p)
        ok &= (p <= inst.pu_eff[li] + 1e-6) & (dl <= inst.v_until[kv] + 1e-6)
        ok &= km[kv] + ekm + lkm <= inst.v_range[kv] + 1e-6
        if inst.ban_pairs:
            ok &= np.array(
                [(int(x), int(y)) not in inst.ban_pairs for x, y in zip(kv, li, strict=True)],
                dtype=bool,
            )
        if not ok.any():
            alive &= ~(inst.pu_eff < edge)  # windows that closed can never be served
            continue
        kv, li, ekm, lkm, p, dl = kv[ok], li[ok], ekm[ok], lkm[ok], p[ok], dl[ok]
        pick = assign_pairs(kv, li, ekm)
        for j in pick:
            v, i = int(kv[j]), int(li[j])
            chains.setdefault(v, []).append(i)
            done[i] = True
            node[v], t[v], km[v] = inst.l_d[i], dl[j] + UNLOAD_MIN, km[v] + ekm[j] + lkm[j]
    return chains


def assign_pairs(kv: np.ndarray, li: np.ndarray, ekm: np.ndarray) -> list[int]:
    """Indices of the chosen (truck, load) pairs: most pairs, then fewest empty km."""
    trucks, ti = np.unique(kv, return_inverse=True)
    loads, lj = np.unique(li, return_inverse=True)
    nt, nl = len(trucks), len(loads)
    s, sink = 0, 1 + nt + nl
    tails = np.concatenate([np.full(nt, s), 1 + ti, 1 + nt + np.arange(nl), [s]])
    heads = np.concatenate([1 + np.arange(nt), 1 + nt + lj, np.full(nl, sink), [sink]])
    costs = np.concatenate([np.zeros(nt), np.round(ekm * 1000) - BIG, np.zeros(nl), [0]]).astype(
        np.int64
    )
    caps = np.concatenate([np.ones(nt + len(kv) + nl), [nt]]).astype(np.int64)
    mcf = min_cost_flow.SimpleMinCostFlow()
    arcs = mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supply = np.zeros(sink + 1, dtype=np.int64)
    supply[s], supply[sink] = nt, -nt
    mcf.set_nodes_supplies(np.arange(sink + 1), supply)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        raise SolverError(f"slice assignment failed with status {status}")
    flows = mcf.flows(arcs)[nt : nt + len(kv)]
    return [int(j) for j in np.flatnonzero(flows)]
