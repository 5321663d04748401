"""Integer data both search engines share for one zone (metres, seconds, prize, energy cap).

The engines search a conservative model: the battery is a route-length cap valid at full
load, so their routes never need charging; exact scheduling with charging comes after.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from freight.fleet.problem import FleetProblem, VehicleType
from freight.fleet.routing.params import COST_PER_CNY, M_PER_KM, S_PER_MIN


@dataclass(frozen=True, slots=True)
class IntModel:
    """Integer data shared by both engines for one zone."""

    dist_m: np.ndarray  # (depots + stops) square, metres rounded up
    dur_s: np.ndarray  # seconds rounded up
    stops: list[int]
    prize: int


def int_model(problem: FleetProblem, stops: list[int]) -> IntModel:
    locs = np.array(
        list(range(len(problem.depots))) + [problem.first_stop_index + i for i in stops]
    )
    km = problem.km_block(locs, locs)
    mins = problem.minutes_block(locs, locs)
    dist_m = np.ceil(km * M_PER_KM - 1e-6).astype(np.int64)
    dur_s = np.ceil(mins * S_PER_MIN - 1e-6).astype(np.int64)
    np.fill_diagonal(dist_m, 0)
    np.fill_diagonal(dur_s, 0)
    max_fixed = max(vt.fixed_cost_cny for vt in problem.vehicle_types)
    max_cpk = max(vt.cost_per_km_cny for vt in problem.vehicle_types)
    max_cph = max(vt.cost_per_hour_cny for vt in problem.vehicle_types)
    route_bound = (
        max_fixed + max_cpk * 4 * float(km.max(initial=0.0)) + max_cph * 24
    ) * COST_PER_CNY
    prize = int(min(1e14, 10 * route_bound + 1e7))
    return IntModel(dist_m, dur_s, stops, prize)


def energy_cap_m(vt: VehicleType, optimistic: bool = False) -> int:
    """Route-length cap that keeps SoC >= min at full load without charging.

    ``optimistic`` uses the empty-vehicle rate instead: its routes may need a charge or
    lose a stop when scheduled exactly, but it finds load-light long routes.
    """
    if vt.battery_kwh is None:
        return 2**50
    load_t = 0.0 if optimistic else vt.capacity_kg / 1000.0
    per_km = vt.kwh_per_km + vt.kwh_per_km_per_tonne * load_t
    if per_km <= 0:
        return 2**50
    return int(math.floor(vt.usable_kwh / per_km * M_PER_KM * 0.999))
