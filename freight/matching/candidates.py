"""The sparse candidate graph: for each truck (or delivered load) its k nearest feasible
next loads, and for each load its k nearest trucks that can reach it in time.

Everything sits on network nodes, so the search is per node pair: targets at a node are
sorted by deadline, the arrival times of all sources at another node are computed at once,
and ``searchsorted`` gives each source the loads it can still reach; target nodes are
scanned nearest first until each source has ``k`` candidates. Cost: about (nodes^2)
NumPy operations plus the candidates themselves, whatever the number of loads.
"""

from __future__ import annotations

import numpy as np

from freight.matching.roads import Table, travel


def _expand(
    src: np.ndarray, start: np.ndarray, take: np.ndarray, tgt_sorted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    total = int(take.sum())
    if total == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e
    s = np.repeat(src, take)
    first = np.repeat(start, take)
    off = np.arange(total) - np.repeat(np.cumsum(take) - take, take)
    return s, tgt_sorted[first + off]


def forward(
    table: Table,
    src_node: np.ndarray,
    src_time: np.ndarray,
    tgt_node: np.ndarray,
    tgt_deadline: np.ndarray,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (source, target): up to ``k`` targets per source, nearest km first, that a
    truck at ``src_node`` free at ``src_time`` reaches by ``tgt_deadline``.

    Among equally near targets, the earliest deadlines come first. Sources with a NaN
    time and targets with a NaN deadline take part in no pair.
    """
    out_s: list[np.ndarray] = []
    out_t: list[np.ndarray] = []
    ok_t = ~np.isnan(tgt_deadline)
    by_node: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for b in np.unique(tgt_node[ok_t]):
        ids = np.flatnonzero(ok_t & (tgt_node == b))
        order = np.argsort(tgt_deadline[ids], kind="stable")
        by_node[int(b)] = (ids[order], tgt_deadline[ids][order])
    tnodes = np.array(sorted(by_node), dtype=np.int64)
    ok_s = ~np.isnan(src_time)
    for a in np.unique(src_node[ok_s]):
        srcs = np.flatnonzero(ok_s & (src_node == a))
        taken = np.zeros(len(srcs), dtype=np.int64)
        near = tnodes[np.argsort(table.min_km[a, tnodes], kind="stable")]
        for b in near:
            if not np.isfinite(table.min_km[a, b]):
                break
            ids, dl = by_node[int(b)]
            arr, _ = travel(table, np.full(len(srcs), a), np.full(len(srcs), b), src_time[srcs])
            start = np.searchsorted(dl, arr, side="left")
            take = np.minimum(k - taken, len(dl) - start)
            take = np.maximum(take, 0)
            s, t = _expand(srcs, start, take, ids)
            out_s.append(s)
            out_t.append(t)
            taken += take
            if (taken >= k).all():
                break
    if not out_s:
        e = np.zeros(0, dtype=np.int64)
        return e, e
    return np.concatenate(out_s), np.concatenate(out_t)


def backward(
    table: Table,
    src_node: np.ndarray,
    src_time: np.ndarray,
    tgt_node: np.ndarray,
    tgt_deadline: np.ndarray,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (source, target): up to ``k`` sources per target, nearest km first; among
    equally near sources, those free latest (the least idle) first."""
    out_s: list[np.ndarray] = []
    out_t: list[np.ndarray] = []
    ok_s = ~np.isnan(src_time)
    by_node: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for a in np.unique(src_node[ok_s]):
        ids = np.flatnonzero(ok_s & (src_node == a))
        order = np.argsort(src_time[ids], kind="stable")
        by_node[int(a)] = (ids[order], src_time[ids][order])
    snodes = np.array(sorted(by_node), dtype=np.int64)
    ok_t = ~np.isnan(tgt_deadline)
    for b in np.unique(tgt_node[ok_t]):
        tgts = np.flatnonzero(ok_t & (tgt_node == b))
        taken = np.zeros(len(tgts), dtype=np.int64)
        near = snodes[np.argsort(table.min_km[snodes, b], kind="stable")]
        for a in near:
            if not np.isfinite(table.min_km[a, b]):
                break
            ids, times = by_node[int(a)]
            # arrival is non-decreasing in the start time (FIFO): a prefix of ``ids`` is in time
            arr, _ = travel(table, np.full(len(ids), a), np.full(len(ids), b), times)
            arr = np.maximum.accumulate(arr)
            cnt = np.searchsorted(arr, tgt_deadline[tgts], side="right")
            take = np.maximum(np.minimum(k - taken, cnt), 0)
            s, t = _expand(tgts, cnt - take, take, ids)
            out_s.append(t)
            out_t.append(s)
            taken += take
            if (taken >= k).all():
                break
    if not out_s:
        e = np.zeros(0, dtype=np.int64)
        return e, e
    return np.concatenate(out_s), np.concatenate(out_t)
