"""Labels of the route search and what is read off them.

``Label``: one partial route (cost, time, CO2, transfers at a state, with the move that
made it); ``LabelBags``: the non-dominated labels per state; ``Rates``: the consignment's
costs and CO2 per km; ``rebuild_alternative``: a label chain as the legs and transfers of
an ``Alternative``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from freight.network.model import CargoForm, Network
from freight.routing.index import FormView
from freight.routing.model import PIGGYBACK_MODE, Alternative, Leg, RouteRequest, Transfer, Unit

__all__ = ["Label", "LabelBags", "Rates", "consignment_rates", "rebuild_alternative"]


class Label:
    """A partial route at state (``node``, ``where``): totals so far, the move that made it
    (a tuple whose first item names the kind) and its parent; ``dead`` once dominated."""

    __slots__ = ("cost", "t", "co2", "ntr", "node", "where", "parent", "move", "dead")

    def __init__(
        self,
        cost: float,
        t: float,
        co2: float,
        ntr: int,
        node: str,
        where: int,
        parent: Label | None,
        move: tuple[Any, ...] | None,
    ) -> None:
        self.cost = cost
        self.t = t
        self.co2 = co2
        self.ntr = ntr
        self.node = node
        self.where = where
        self.parent = parent
        self.move = move
        self.dead = False


@dataclass(frozen=True, slots=True)
class Rates:
    """Per-query costs: CNY and kg CO2 per km of the whole consignment, and fixed parts."""

    road_cny_km: float
    road_fixed: float
    road_co2_km: float
    rail_cny_km: float
    rail_fixed: float
    rail_co2_km: float
    tonnes: float
    teu: float
    #: road semitrailers the consignment fills, and the piggyback tariff for all of them
    trailers: int = 0
    pb_cny_km: float = math.inf
    pb_fixed: float = math.inf
    pb_co2_km: float = 0.0
    #: what a drop-and-hook transfer saves of the tractor's time (share of the road fixed)
    tractor_saved: float = 0.0


def _quantities(network: Network, req: RouteRequest) -> tuple[float, float]:
    c = req.cargo
    per_teu = network.costs.teu_to_t(c.commodity)
    if c.unit is Unit.TEU:
        return c.quantity * per_teu, c.quantity
    return c.quantity, c.quantity / per_teu


def consignment_rates(network: Network, view: FormView, req: RouteRequest) -> Rates:
    tonnes, teu = _quantities(network, req)
    vals: dict[str, tuple[float, float, float]] = {}
    for fam, ok in (("road", view.road_ok), ("rail", view.rail_ok)):
        if not ok:
            vals[fam] = (math.inf, math.inf, math.inf)
            continue
        mc = network.costs.mode_cost(fam, view.form)
        if view.form is CargoForm.CONTAINER:
            vals[fam] = (
                mc.cost_cny_per_teu_km * teu,
                mc.fixed_cny_per_teu * teu,
                mc.co2_g_per_tkm * tonnes / 1000.0,
            )
        else:
            vals[fam] = (
                mc.cost_cny_per_tkm * tonnes,
                mc.fixed_cny_per_t * tonnes,
                mc.co2_g_per_tkm * tonnes / 1000.0,
            )
    tr = network.costs.trailer
    if tr is None:
        return Rates(*vals["road"], *vals["rail"], tonnes, teu)
    n = tr.trailers(tonnes, teu, view.form is CargoForm.CONTAINER)
    saved = tr.tractor_fixed_share_saved * vals["road"][1] if view.road_ok else 0.0
    return Rates(
        *vals["road"], *vals["rail"], tonnes, teu, n,
        tr.cost_cny_per_trailer_km * n, tr.fixed_cny_per_trailer * n,
        tr.co2_g_per_trailer_km * n / 1000.0, saved,
    )  # fmt: skip


class LabelBags:
    """Non-dominated labels per state."""

    def __init__(self, use_ntr: bool) -> None:
        self.bags: dict[tuple[str, int], list[Label]] = defaultdict(list)
        self.use_ntr = use_ntr

    def dominated(self, lab: Label, bag: list[Label]) -> bool:
        for o in bag:
            if (
                o.cost <= lab.cost + 1e-6
                and o.t <= lab.t + 1e-6
                and o.co2 <= lab.co2 + 1e-6
                and (not self.use_ntr or o.ntr <= lab.ntr)
            ):
                return True
        return False

    def insert(self, lab: Label) -> bool:
        """Add ``lab`` unless a label in its bag dominates it; kill labels it dominates.

        Same test as ``dominated`` inlined with locals (the hot spot of a route query).
        """
        k = (lab.node, lab.where)
        bag = self.bags.get(k)
        if not bag:
            self.bags[k] = [lab]
            return True
        cost, t, co2, ntr = lab.cost, lab.t, lab.co2, lab.ntr
        use_ntr = self.use_ntr
        c_hi, t_hi, g_hi = cost + 1e-6, t + 1e-6, co2 + 1e-6
        for o in bag:
            if o.cost <= c_hi and o.t <= t_hi and o.co2 <= g_hi and (not use_ntr or o.ntr <= ntr):
                return False
        keep = []
        for o in bag:
            if (
                cost <= o.cost + 1e-6
                and t <= o.t + 1e-6
                and co2 <= o.co2 + 1e-6
                and (not use_ntr or ntr <= o.ntr)
            ):
                o.dead = True
            else:
                keep.append(o)
        keep.append(lab)
        self.bags[k] = keep
        return True


def rebuild_alternative(
    fin: Label, rank: int, rates: Rates, to_dt: Callable[[float], datetime], t0: float
) -> Alternative:
    """Turn a label chain into legs and transfers (consecutive road links form one leg)."""
    moves: list[tuple[Any, ...]] = []
    lab: Label | None = fin.parent
    while lab is not None:
        if lab.move is not None and lab.move[0] != "start":
            moves.append(lab.move)
        lab = lab.parent
    moves.reverse()
    legs: list[Leg] = []
    transfers: list[Transfer] = []
    road_fixed_due = True  # first road leg of the route (and after each rail->road) pays it
    i = 0
    while i < len(moves):
        m = moves[i]
        kind = m[0]
        if kind in ("road", "shunt"):
            j = i
            links: list[str] = []
            km = 0.0
            wait = 0.0
            while j < len(moves) and moves[j][0] == kind:
                links.append(moves[j][1])
                km += moves[j][6]
                if kind == "road":
                    wait += moves[j][7]
                j += 1
            last = moves[j - 1]
            if kind == "road":
                cost = rates.road_cny_km * km + (rates.road_fixed if road_fixed_due else 0.0)
                road_fixed_due = False
                co2 = rates.road_co2_km * km
                mode = "road"
            else:
                cost, co2, mode = rates.rail_cny_km * km, rates.rail_co2_km * km, "siding"
            legs.append(
                Leg(mode, m[2], last[3], tuple(links), None, to_dt(m[4]), to_dt(last[5]),
                    km, cost, co2, wait / 60.0)
            )  # fmt: skip
            i = j
            continue
        if kind == "ride":
            _, sid, a, b, dep, arr, km, links_t, _run = m
            legs.append(
                Leg("rail", a, b, links_t, sid, to_dt(dep), to_dt(arr), km,
                    rates.rail_fixed + rates.rail_cny_km * km, rates.rail_co2_km * km)
            )  # fmt: skip
        elif kind == "pbride":
            _, sid, a, b, dep, arr, km, links_t, _run = m
            legs.append(
                Leg(PIGGYBACK_MODE, a, b, links_t, sid, to_dt(dep), to_dt(arr), km,
                    rates.pb_fixed + rates.pb_cny_km * km, rates.pb_co2_km * km,
                    trailers=rates.trailers)
            )  # fmt: skip
        else:  # xfer
            _, xk, node, start, hours, cost, co2, *extra = m
            saved = extra[0] if extra else None
            transfers.append(
                Transfer(node, xk, to_dt(start), hours, cost, co2,
                         drop_and_hook=saved is not None, tractor_saved_cny=saved or 0.0,
                         trailers=rates.trailers if saved is not None or "piggyback" in xk else 0)
            )  # fmt: skip
            if xk in ("rail->road", "piggyback->road"):
                road_fixed_due = True
        i += 1
    cost = sum(leg.cost_cny for leg in legs) + sum(t.cost_cny for t in transfers)
    co2 = sum(leg.co2_kg for leg in legs) + sum(t.co2_kg for t in transfers)
    dist = sum(leg.distance_km for leg in legs)
    return Alternative(
        rank, cost, (fin.t - t0) / 60.0, co2, dist, to_dt(fin.t), tuple(legs), tuple(transfers)
    )
