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

K_TRUCKS = 16


def reassign(
    inst: Instance, chains: dict[int, list[int]], k: int = K_TRUCKS
) -> dict[int, list[int]]:
    """Chains re-assigned to trucks for the fewest empty km (see module doc)."""
    seqs = [(v, c) for v, c in chains.items() if c]
    if len(seqs) < 2:
        return chains
    g = inst.tables.general
    kv: list[int] = []
    ci: list[int] = []
    km: list[float] = []
    for n, (own, chain) in enumerate(seqs):
        first = chain[0]
        ks = np.flatnonzero(inst.compatible(np.arange(len(inst.vehicles)), first))
        if len(ks) > k:
            d = g.min_km[inst.v_node[ks], inst.l_o[first]]
            ks = ks[np.argpartition(d, k)[:k]]
        for v in {int(x) for x in ks} | {own}:
            steps, _, ok = inst.run(v, chain)
            if ok == len(chain):
                kv.append(v)
                ci.append(n)
                km.append(sum(s.empty_km for s in steps))
    pick = assign_pairs(np.array(kv), np.array(ci), np.array(km))
    new = {kv[j]: list(seqs[ci[j]][1]) for j in pick}
    if len(new) != len(seqs):  # cannot happen (the plan itself is a solution); keep it
        return chains
    return new if inst.score(new) > inst.score(chains) else chains
