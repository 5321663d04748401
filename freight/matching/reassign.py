"""Truck–chain reassignment: the same load sequences, each on the truck that serves it
with the fewest empty km.

A plan built load by load (greedy, or re-chained) fixes its sequences early and gives
each the truck nearest at that moment; a later sequence may have been better served by
a truck an earlier one took. Here the sequences are kept and the trucks re-assigned as
one linear assignment (min-cost flow): each sequence's candidates are the ``k`` trucks
nearest its first origin plus its own, every pair simulated exactly (window, deadline,
availability, range, declined pairs), the cost its total empty km. The current
assignment is a solution, so every sequence keeps a truck (the matched count is fixed)
and the empty km cannot grow.
"""

from __future__ import annotations

import numpy as np

from freight.matching.batched import assign_pairs
from freight.matching.instance import Instance
from freight.matching.roads import travel

K_TRUCKS = 16


def reassign(
    inst: Instance, chains: dict[int, list[int]], k: int = K_TRUCKS
) -> dict[int, list[int]]:
    """Chains re-assigned to trucks for the fewest empty km (see module doc)."""
    seqs = [(v, c) for v, c in chains.items() if c]
    if len(seqs) < 2:
        return chains
    g = inst.tables.general
    kv: list[np.ndarray] = []
    ci: list[np.ndarray] = []
    km: list[np.ndarray] = []
    all_v = np.arange(len(inst.vehicles))
    for n, (own, chain) in enumerate(seqs):
        first = chain[0]
        ks = np.flatnonzero(inst.compatible(all_v, first))
        if len(ks) > k:
            d = g.min_km[inst.v_node[ks], inst.l_o[first]]
            ks = ks[np.argpartition(d, k)[:k]]
        ks = np.union1d(ks, [own])
        if len(chain) == 1:  # one load: vectorised, the same rules as Instance.step
            got_k, got_km = _single(inst, ks, first)
        else:
            got_k, got_km = _runs(inst, ks, chain)
        kv.append(got_k)
        ci.append(np.full(len(got_k), n))
        km.append(got_km)
    kv_a, ci_a = np.concatenate(kv), np.concatenate(ci)
    pick = assign_pairs(kv_a, ci_a, np.concatenate(km))
    new = {int(kv_a[j]): list(seqs[int(ci_a[j])][1]) for j in pick}
    if len(new) != len(seqs):  # cannot happen (the plan itself is a solution); keep it
        return chains
    return new if inst.score(new) > inst.score(chains) else chains


def _single(inst: Instance, ks: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Trucks ``ks`` that can carry load ``i`` alone, and their empty km."""
    arr, ekm = travel(
        inst.tables.general, inst.v_node[ks], np.full(len(ks), inst.l_o[i]), inst.v_from[ks]
    )
    p = np.maximum(arr, inst.l_pf[i])
    dl, lkm = inst.deliver_at(np.full(len(ks), i), p)
    ok = np.isfinite(arr) & (p <= inst.pu_eff[i] + 1e-6)
    ok &= (dl <= inst.v_until[ks] + 1e-6) & (dl <= inst.l_db[i] + 1e-6)
    ok &= ekm + lkm <= inst.v_range[ks] + 1e-6
    if inst.ban_pairs:
        ok &= np.array([(int(v), i) not in inst.ban_pairs for v in ks], dtype=bool)
    return ks[ok], ekm[ok]


def _runs(inst: Instance, ks: np.ndarray, chain: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Trucks ``ks`` that can carry the whole ``chain``, and its empty km on each."""
    got_k, got_km = [], []
    for v in ks:
        steps, _, ok = inst.run(int(v), chain)
        if ok == len(chain):
            got_k.append(int(v))
            got_km.append(sum(s.empty_km for s in steps))
    return np.array(got_k, dtype=np.int64), np.array(got_km, dtype=float)
