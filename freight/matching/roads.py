"""Ban-aware truck travel times and distances between every pair of network nodes.

Trucks leave on the next ``STEP_MIN`` mark (the model's departure rule). For every node
pair and every departure mark of the day, the table holds the earliest arrival (minutes
after departure) and the km of that earliest-arrival road route. Daily truck entry bans
repeat every day, so one day of departure marks covers any date.

Two variants: ``general`` uses every road link; ``hazmat`` only the links that the
dangerous-goods rule of the routing index allows (marked links inside the city, any road
outside it). Empty trucks and non-hazmat loads use ``general``; a loaded hazmat leg uses
``hazmat``.

The table is computed by a label-correcting search whose labels are arrays over (source
node, departure mark): one pass relaxes one link for all sources and all departure times
at once, so the whole table costs a few hundred NumPy operations per pass. Waiting at a
link's entry for a ban to end is the only waiting; with it, arrival never decreases with
departure time (FIFO), so the table is exact at each mark.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import numpy as np

from freight.network.model import CargoForm, Network
from freight.routing.index import RoutingIndex

STEP_MIN = 5
MARKS = 1440 // STEP_MIN
DAY_MIN = 1440.0
#: Bans are local (Beijing) time; solver times are minutes since the Unix epoch, UTC.
LOCAL_OFFSET_MIN = 480.0
BEIJING = timezone(timedelta(hours=8))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_min(t: datetime) -> float:
    """Minutes since the Unix epoch of an aware datetime."""
    return (t - _EPOCH).total_seconds() / 60.0


def from_min(m: float) -> datetime:
    """Aware datetime (Beijing offset) of minutes since the epoch, to the whole second."""
    return (_EPOCH + timedelta(seconds=round(m * 60.0))).astimezone(BEIJING)


def _ban_wait(t: np.ndarray, bans: tuple[tuple[int, int], ...]) -> np.ndarray:
    wait = np.zeros_like(t)
    for _ in range(3):
        m = np.mod(t + wait + LOCAL_OFFSET_MIN, DAY_MIN)
        moved = np.zeros(t.shape, dtype=bool)
        for s, e in bans:
            inside = (m >= s) & (m < e) if s <= e else (m >= s) | (m < e)
            if inside.any():
                wait = wait + np.where(inside, np.mod(e - m, DAY_MIN), 0.0)
                moved |= inside
        if not moved.any():
            break
    return wait


@dataclass(frozen=True)
class Arc:
    u: int
    v: int
    km: float
    minutes: float
    bans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Table:
    """``minutes[a, b, k]``: travel minutes a->b leaving at mark k; ``km`` likewise."""

    minutes: np.ndarray  # (N, N, MARKS) whole seconds in minutes, inf when unreachable
    km: np.ndarray  # float32 (N, N, MARKS)
    min_km: np.ndarray  # float32 (N, N): shortest km over all marks


class RoadTables:
    """Per-network travel tables (build once, share between rounds)."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.ids: tuple[str, ...] = tuple(sorted(network.nodes))
        self.index: dict[str, int] = {n: i for i, n in enumerate(self.ids)}
        ri = RoutingIndex(network)
        self.general = self._table(self._arcs(ri, CargoForm.GENERAL))
        self.hazmat = self._table(self._arcs(ri, CargoForm.HAZMAT))

    def _arcs(self, ri: RoutingIndex, form: CargoForm) -> list[Arc]:
        out = []
        for u, arcs in ri.view(form).road.items():
            for a in arcs:
                out.append(Arc(self.index[u], self.index[a.to], a.km, a.minutes, a.bans))
        return out

    def _table(self, arcs: list[Arc]) -> Table:
        n = len(self.ids)
        dep = np.arange(MARKS, dtype=np.float64) * STEP_MIN - LOCAL_OFFSET_MIN  # UTC-based
        arr = np.full((n, n, MARKS), np.inf)  # [node, source, mark] absolute arrival
        km = np.zeros((n, n, MARKS))
        for s in range(n):
            arr[s, s, :] = dep
        active = set(range(n))
        with np.errstate(invalid="ignore"):
            self._relax(arcs, arr, km, active)
            minutes = (arr - dep[None, None, :]).transpose(1, 0, 2)  # [source, node, mark]
        kmt = km.transpose(1, 0, 2)
        kmt = np.where(np.isfinite(minutes), kmt, np.inf)
        seconds = np.where(
            np.isfinite(minutes), np.ceil(np.nan_to_num(minutes, posinf=0) * 60 - 1e-6), np.inf
        )
        return Table(
            minutes=np.ascontiguousarray(seconds / 60.0, dtype=np.float64),
            km=np.ascontiguousarray(kmt, dtype=np.float32),
            min_km=np.min(kmt, axis=2).astype(np.float32),
        )

    @staticmethod
    def _relax(arcs: list[Arc], arr: np.ndarray, km: np.ndarray, active: set[int]) -> None:
        """Label-correcting passes until no arrival improves (ties: fewer km)."""
        out_arcs: dict[int, list[Arc]] = {}
        for a in arcs:
            out_arcs.setdefault(a.u, []).append(a)
        while active:
            changed: set[int] = set()
            for u in sorted(active):
                tu = arr[u]
                for a in out_arcs.get(u, ()):
                    cand = tu + a.minutes
                    if a.bans:
                        cand = cand + _ban_wait(tu, a.bans)
                    kc = km[u] + a.km
                    cur = arr[a.v]
                    tie = (np.abs(cand - cur) <= 1e-9) & (kc < km[a.v] - 1e-9)
                    better = (cand < cur - 1e-9) | tie
                    if better.any():
                        arr[a.v] = np.where(better, cand, cur)
                        km[a.v] = np.where(better, kc, km[a.v])
                        changed.add(a.v)
            active = changed

    def table(self, hazmat: bool) -> Table:
        return self.hazmat if hazmat else self.general


def mark_of(t: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """(departure time on the next mark, mark index) for times ``t`` in epoch minutes."""
    t = np.asarray(t, dtype=np.float64)
    k = np.ceil((t + LOCAL_OFFSET_MIN) / STEP_MIN - 1e-9)
    depart = k * STEP_MIN - LOCAL_OFFSET_MIN
    return depart, (k.astype(np.int64) % MARKS)


def travel(
    table: Table, a: np.ndarray | int, b: np.ndarray | int, t: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """(arrival minutes, km) from node index ``a`` to ``b`` when ready at ``t``.

    Staying put (a == b) takes no time and does not wait for a mark.
    """
    depart, k = mark_of(t)
    a = np.asarray(a)
    b = np.asarray(b)
    same = a == b
    arrive = np.where(same, np.asarray(t, dtype=np.float64), depart + table.minutes[a, b, k])
    dist = np.where(same, 0.0, table.km[a, b, k].astype(np.float64))
    return arrive, dist


#: Networks whose tables are kept (most recently used): each holds two (N, N, 288) tables,
#: ~50 MB for the Kuytun network, and a service may see rounds of many network years.
CACHE_NETWORKS = 4
_CACHE: OrderedDict[int, tuple[weakref.ref[Network], RoadTables]] = OrderedDict()
_LOCK = threading.RLock()  # re-entrant: a finalizer may run (GC) while it is held


def road_tables(network: Network) -> RoadTables:
    """The network's tables, built on first use and kept while the network lives and is
    among the ``CACHE_NETWORKS`` most recently used."""
    with _LOCK:
        got = _CACHE.get(id(network))
        if got is not None and got[0]() is network:
            _CACHE.move_to_end(id(network))
            return got[1]
    tables = RoadTables(network)  # outside the lock: seconds of work
    with _LOCK:
        _CACHE[id(network)] = (weakref.ref(network), tables)
        while len(_CACHE) > CACHE_NETWORKS:
            _CACHE.popitem(last=False)
    weakref.finalize(network, _forget, id(network))
    return tables


def _forget(key: int) -> None:
    with _LOCK:
        _CACHE.pop(key, None)
