"""A matching round as arrays, the truck-sequence simulation, and per-pair feasibility.

Timing rules (the model, shared by every solver and by the plans they return):

* a truck starts at ``location`` at ``available_from``; it drives empty to a load's origin
  on the ban-aware road tables, waits for ``pickup_from`` if early, loads for
  ``LOAD_MIN``, drives loaded (hazmat on dangerous-goods links only) and delivers; unloading
  takes ``UNLOAD_MIN`` before it can drive on;
* ``pickup_at`` must not be after ``pickup_until``, ``deliver_at`` not after
  ``deliver_by`` nor after the truck's ``available_until``;
* a ``bev`` truck starts fully charged and does not charge during a round: its empty plus
  loaded km stay within ``range_km``.

Arriving earlier never hurts (waiting is allowed and travel is FIFO), so a sequence is
timed by doing each step as early as possible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from freight.matching.model import (
    HAZMAT_PERMIT,
    KINDS_FOR_FORM,
    Load,
    Powertrain,
    Reason,
    Vehicle,
    VehicleKind,
    load_teu,
    load_tonnes,
)
from freight.matching.roads import (
    LOCAL_OFFSET_MIN,
    MARKS,
    STEP_MIN,
    RoadTables,
    Table,
    to_min,
    travel,
)
from freight.network.model import CargoForm, Network

#: Loading and unloading a full truckload (assumption: a 30 t semitrailer with a forklift
#: or a silo spout takes about half an hour each way; see docs/matching.md).
LOAD_MIN = 30.0
UNLOAD_MIN = 30.0
#: Operating cost per truck-km by powertrain (assumptions in docs/matching.md).
COST_CNY_PER_KM = {Powertrain.DIESEL: 2.6, Powertrain.LNG: 2.2, Powertrain.BEV: 1.4}
FORMS = tuple(CargoForm)
_FORM_OF_KIND = {k: f for f, kinds in KINDS_FOR_FORM.items() for k in kinds}


@dataclass(frozen=True, slots=True)
class State:
    """Where and when a truck is free, and the km it has driven since its last charge."""

    node: int
    t: float
    km: float


@dataclass(frozen=True, slots=True)
class Step:
    load: int
    pickup: float
    deliver: float
    empty_km: float
    loaded_km: float


class Instance:
    """Vehicles and loads of one round as arrays over the network's node index."""

    def __init__(
        self,
        network: Network,
        tables: RoadTables,
        vehicles: Sequence[Vehicle],
        loads: Sequence[Load],
        declined: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self.network = network
        self.tables = tables
        self.vehicles = tuple(vehicles)
        self.loads = tuple(loads)
        self.declined = declined
        idx = tables.index
        self.v_node = np.array([idx[v.location] for v in vehicles], dtype=np.int64)
        self.v_from = np.array([to_min(v.available_from) for v in vehicles])
        self.v_until = np.array([to_min(v.available_until) for v in vehicles])
        self.v_form = np.array(
            [FORMS.index(_FORM_OF_KIND[v.kind]) for v in vehicles], dtype=np.int64
        )
        self.v_cap_t = np.array([v.capacity_t for v in vehicles])
        self.v_teu = np.array([v.teu for v in vehicles], dtype=np.int64)
        self.v_permit = np.array([HAZMAT_PERMIT in v.permits for v in vehicles], dtype=bool)
        self.v_range = np.array(
            [
                v.range_km if v.powertrain is Powertrain.BEV and v.range_km else math.inf
                for v in vehicles
            ]
        )
        self.v_rate = np.array([COST_CNY_PER_KM[v.powertrain] for v in vehicles])
        self.l_o = np.array([idx[x.origin] for x in loads], dtype=np.int64)
        self.l_d = np.array([idx[x.destination] for x in loads], dtype=np.int64)
        self.l_pf = np.array([to_min(x.pickup_from) for x in loads])
        self.l_pu = np.array([to_min(x.pickup_until) for x in loads])
        self.l_db = np.array([to_min(x.deliver_by) for x in loads])
        self.l_form = np.array([FORMS.index(x.cargo.form) for x in loads], dtype=np.int64)
        self.l_haz = self.l_form == FORMS.index(CargoForm.HAZMAT)
        self.l_t = np.array([load_tonnes(network, x) for x in loads])
        self.l_teu = np.array([load_teu(x) for x in loads], dtype=np.int64)
        self.v_pos = {v.id: k for k, v in enumerate(vehicles)}
        self.l_pos = {x.id: i for i, x in enumerate(loads)}
        self.ban_pairs = {
            (self.v_pos[v], self.l_pos[x])
            for v, x in declined
            if v in self.v_pos and x in self.l_pos
        }
        self.pu_eff, self.free_late = self._latest_pickups()
        ok = ~np.isnan(self.pu_eff)
        d_pf, _ = self.deliver_at(np.arange(len(loads)), self.l_pf)
        self.free_early = np.where(ok, d_pf + UNLOAD_MIN, np.nan)
        self.plan_pu, self.plan_free = self.pu_eff, self.free_late
        self.plan_window(None)

    def plan_window(self, minutes: float | None) -> None:
        """Planning window of each load: ``[pickup_from, pickup_from + minutes]`` within its
        feasible window (None: all of it). Chains planned on it keep every load window."""
        if minutes is None:
            self.plan_pu, self.plan_free = self.pu_eff, self.free_late
            return
        pu = np.minimum(self.pu_eff, self.l_pf + minutes)
        d, _ = self.deliver_at(np.arange(len(self.loads)), np.nan_to_num(pu, nan=0.0))
        self.plan_pu = pu
        self.plan_free = np.where(np.isnan(pu), np.nan, d + UNLOAD_MIN)

    # -- per-load timing -------------------------------------------------------------------
    def deliver_at(self, i: np.ndarray, pickup: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(deliver time, loaded km) of loads ``i`` picked up at ``pickup``."""
        g, h = self.tables.general, self.tables.hazmat
        ag, kg = travel(g, self.l_o[i], self.l_d[i], pickup + LOAD_MIN)
        ah, kh = travel(h, self.l_o[i], self.l_d[i], pickup + LOAD_MIN)
        haz = self.l_haz[i]
        return np.where(haz, ah, ag), np.where(haz, kh, kg)

    def _latest_pickups(self) -> tuple[np.ndarray, np.ndarray]:
        """Latest pickup in the window that still delivers by ``deliver_by`` (NaN: none),
        and the time the truck is free again after picking up then."""
        n = len(self.loads)
        i = np.arange(n)
        lo, hi = self.l_pf.copy(), self.l_pu.copy()
        d_hi, _ = self.deliver_at(i, hi)
        ok_hi = d_hi <= self.l_db
        d_lo, _ = self.deliver_at(i, lo)
        ok_lo = d_lo <= self.l_db
        for _ in range(24):  # bisection to well under a minute on a 31-day window
            mid = (lo + hi) / 2
            d_mid, _ = self.deliver_at(i, mid)
            good = d_mid <= self.l_db
            lo = np.where(good, mid, lo)
            hi = np.where(good, hi, mid)
        pu = np.where(ok_hi, self.l_pu, np.where(ok_lo, np.floor(lo * 60) / 60, np.nan))
        d_pu, _ = self.deliver_at(i, np.nan_to_num(pu, nan=0.0))
        free = np.where(np.isnan(pu), np.nan, d_pu + UNLOAD_MIN)
        return pu, free

    # -- static compatibility ------------------------------------------------------------------
    def compatible(self, k: int | np.ndarray, i: int | np.ndarray) -> np.ndarray:
        """Kind, permit and capacity rules of the contract (no timing), vectorised."""
        ok = self.v_form[k] == self.l_form[i]
        ok &= ~self.l_haz[i] | self.v_permit[k]
        ok &= self.l_t[i] <= self.v_cap_t[k] + 1e-9
        ok &= self.l_teu[i] <= self.v_teu[k]
        return np.asarray(ok)

    # -- simulation ------------------------------------------------------------------------------
    def start(self, k: int) -> State:
        return State(int(self.v_node[k]), float(self.v_from[k]), 0.0)

    def step(self, k: int, s: State, i: int) -> tuple[State, Step] | Reason:
        """Truck ``k`` in state ``s`` carries load ``i`` next: the new state or why not."""
        if (k, i) in self.ban_pairs:
            return Reason.DECLINED
        if not self.compatible(k, i):
            return (
                Reason.CAPACITY if self.v_form[k] == self.l_form[i] else Reason.NO_COMPATIBLE_TRUCK
            )
        pu = self.pu_eff[i]
        if math.isnan(pu):
            return Reason.WINDOW
        arr, ekm = _travel1(self.tables.general, s.node, int(self.l_o[i]), s.t)
        if not math.isfinite(arr):
            return Reason.NO_ROAD
        p = max(arr, float(self.l_pf[i]))
        if p > pu + 1e-6:
            return Reason.WINDOW
        tab = self.tables.hazmat if self.l_haz[i] else self.tables.general
        dl, lkm = _travel1(tab, int(self.l_o[i]), int(self.l_d[i]), p + LOAD_MIN)
        if dl > self.v_until[k] + 1e-6 or dl > self.l_db[i] + 1e-6:
            return Reason.WINDOW
        km = s.km + ekm + lkm
        if km > self.v_range[k] + 1e-6:
            return Reason.RANGE
        return State(int(self.l_d[i]), dl + UNLOAD_MIN, km), Step(i, p, dl, ekm, lkm)

    def run(self, k: int, chain: Sequence[int]) -> tuple[list[Step], State, int]:
        """Steps of the longest feasible prefix of ``chain``, the end state, prefix length."""
        s = self.start(k)
        steps: list[Step] = []
        for n, i in enumerate(chain):
            got = self.step(k, s, i)
            if isinstance(got, Reason):
                return steps, s, n
            s, st = got
            steps.append(st)
        return steps, s, len(chain)

    def score(self, chains: dict[int, list[int]]) -> tuple[int, float]:
        """(matched loads, minus empty km) of a plan: the objective, larger is better."""
        count, empty = 0, 0.0
        for k, chain in chains.items():
            steps, _, _ = self.run(k, chain)
            count += len(steps)
            empty += sum(s.empty_km for s in steps)
        return count, -empty

    def revenue(self, i: int) -> float:
        """The load's price, else the road tariff of costs.toml for its loaded km."""
        load = self.loads[i]
        if load.price_cny is not None:
            return load.price_cny
        tab = self.tables.hazmat if self.l_haz[i] else self.tables.general
        km = float(tab.min_km[self.l_o[i], self.l_d[i]])
        if not math.isfinite(km):
            return 0.0
        mc = self.network.costs.mode_cost("road", load.cargo.form)
        if load.cargo.form is CargoForm.CONTAINER:
            teu = self.l_teu[i] or self.l_t[i] / self.network.costs.teu_to_t(load.cargo.commodity)
            return float(teu * (mc.cost_cny_per_teu_km * km + mc.fixed_cny_per_teu))
        return float(self.l_t[i] * (mc.cost_cny_per_tkm * km + mc.fixed_cny_per_t))


def _travel1(tab: Table, a: int, b: int, t: float) -> tuple[float, float]:
    """Scalar ``travel`` (the hot path of sequence simulation)."""
    if a == b:
        return t, 0.0
    k = math.ceil((t + LOCAL_OFFSET_MIN) / STEP_MIN - 1e-9)
    depart = k * STEP_MIN - LOCAL_OFFSET_MIN
    m = k % MARKS
    return depart + float(tab.minutes[a, b, m]), float(tab.km[a, b, m])


def vehicle_kinds_for(form: CargoForm) -> frozenset[VehicleKind]:
    return KINDS_FOR_FORM[form]
