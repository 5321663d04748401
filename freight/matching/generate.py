"""Seeded random matching rounds on a network, for tests and benchmarks.

Nodes are drawn from the freight-accepting nodes that the road network connects both
ways; loads get pickup windows of a few hours within one day and a delivery deadline
that leaves room for the drive; trucks of every kind start at random nodes. The mix of
forms and kinds is a test mix, not a forecast (the replay's supply is in
demand_data/METHOD.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from freight.matching.model import Load, Powertrain, Vehicle, VehicleKind
from freight.matching.roads import BEIJING, road_tables
from freight.network.model import CargoForm, Network
from freight.routing.model import Cargo, Unit

_COMMODITY = {
    CargoForm.CONTAINER: "general",
    CargoForm.BULK: "coal",
    CargoForm.GENERAL: "steel",
    CargoForm.HAZMAT: "caustic_soda",
    CargoForm.REEFER: "cold_food",
}
_KIND = {
    CargoForm.CONTAINER: (VehicleKind.CONTAINER_TRUCK,),
    CargoForm.BULK: (VehicleKind.BULK_TRUCK,),
    CargoForm.GENERAL: (VehicleKind.FLATBED, VehicleKind.VAN),
    CargoForm.HAZMAT: (VehicleKind.TANKER,),
    CargoForm.REEFER: (VehicleKind.REEFER,),
}


@dataclass(frozen=True, slots=True)
class RandomRound:
    vehicles: tuple[Vehicle, ...]
    loads: tuple[Load, ...]


def usable_nodes(network: Network) -> list[str]:
    """Freight nodes joined both ways by road to most others (the big component)."""
    rt = road_tables(network)
    fin = np.isfinite(rt.general.min_km)
    ok = fin & fin.T
    best = int(np.argmax(ok.sum(axis=1)))
    return [rt.ids[j] for j in np.flatnonzero(ok[best]) if network.nodes[rt.ids[j]].accepts_freight]


def random_round(
    network: Network,
    n_loads: int,
    n_vehicles: int,
    seed: int = 0,
    *,
    forms: tuple[CargoForm, ...] = tuple(CargoForm),
    nodes: list[str] | None = None,
    day: datetime = datetime(2025, 6, 2, tzinfo=BEIJING),
    window_h: float = 4.0,
    bev_share: float = 0.1,
    capacities_t: tuple[float, ...] = (20.0, 30.0, 35.0),
) -> RandomRound:
    rng = np.random.default_rng(seed)
    pool = nodes or usable_nodes(network)
    rt = road_tables(network)
    loads: list[Load] = []
    for n in range(n_loads):
        form = forms[int(rng.integers(len(forms)))]
        o, d = rng.choice(len(pool), size=2, replace=False)
        start = day + timedelta(minutes=int(rng.integers(0, 20 * 60)))
        win = timedelta(minutes=int(rng.integers(30, int(window_h * 60) + 31)))
        km = float(rt.general.min_km[rt.index[pool[o]], rt.index[pool[d]]])
        drive = timedelta(
            hours=(km if np.isfinite(km) else 300.0) / 50.0 + 1.0 + float(rng.uniform(0, 4))
        )
        if form is CargoForm.CONTAINER:
            cargo = Cargo(_COMMODITY[form], form, float(rng.integers(1, 3)), Unit.TEU)
        else:
            cargo = Cargo(_COMMODITY[form], form, round(float(rng.uniform(5, 32)), 1), Unit.T)
        loads.append(
            Load(f"l{n:05d}", pool[o], pool[d], cargo, start, start + win, start + win + drive)
        )
    vehicles: list[Vehicle] = []
    for n in range(n_vehicles):
        form = forms[int(rng.integers(len(forms)))]
        kinds = _KIND[form]
        kind = kinds[int(rng.integers(len(kinds)))]
        bev = rng.random() < bev_share
        vehicles.append(
            Vehicle(
                id=f"v{n:05d}",
                kind=kind,
                capacity_t=float(rng.choice(capacities_t)),
                location=pool[int(rng.integers(len(pool)))],
                available_from=day + timedelta(minutes=int(rng.integers(0, 12 * 60))),
                available_until=day + timedelta(hours=36),
                capacity_teu=2 if kind is VehicleKind.CONTAINER_TRUCK else None,
                permits=frozenset({"hazmat"})
                if kind is VehicleKind.TANKER and rng.random() < 0.8
                else frozenset(),
                powertrain=Powertrain.BEV if bev else Powertrain.DIESEL,
                range_km=float(rng.choice([200.0, 300.0])) if bev else None,
            )
        )
    return RandomRound(tuple(vehicles), tuple(loads))
