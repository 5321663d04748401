"""Synthetic but realistic Kuytun delivery days (fixed seed), for examples, tests and bench.

Every number is an assumption stated here and in docs/fleet-METHOD.md:

* Stops scatter around Kuytun's centre (44.42 N, 84.90 E) with a 6 km typical radius, plus
  ~2 % outlying stops in Dushanzi, Wusu and Karamay (Karamay ~170 road-km away: only
  reachable by an EV with a charging visit on the way, at the Baijiantan site).
* Demand lognormal around 120 kg, density 150 kg/m3; service 5-15 min; 60 % of windows
  08:00-18:00, the rest two-hour slots; 5 % refrigerated (cold-chain share above the plan's
  0.5 % refrigerated-vehicle floor because food retail concentrates there).
* Vehicles: e-van 81 kWh (eSprinter, reference-figures e4) at 0.30 kWh/km (0.22 real-world
  summer +35 % for Kuytun winters, ICCT "up to 40 % below nominal"), 1.2 t / 11 m3;
  blue-plate e-truck 100 kWh at 0.40 kWh/km + 0.05 kWh/km per tonne, 1.8 t / 16 m3;
  refrigerated e-van 81 kWh at 0.38 kWh/km; PHEV truck without battery limit. Costs per
  day and per km are planning placeholders (CNY).
* Chargers 60 kW DC (avg. public charger 46.5 kW in 2025, NEA; rounded up for depot DC).
"""

from __future__ import annotations

import math

import numpy as np

from freight.fleet.problem import (
    ChargingSite,
    Depot,
    FleetProblem,
    Stop,
    VehicleType,
)

CENTRE = (44.42, 84.90)
#: Assumed coordinates of the logistics hubs used as depots.
DEPOTS = (
    Depot("hub_station_front", 44.433, 84.893, 6 * 60.0, 22 * 60.0),
    Depot("hub_east_industrial", 44.410, 84.975, 6 * 60.0, 22 * 60.0),
    Depot("hub_west_coldchain", 44.418, 84.835, 6 * 60.0, 22 * 60.0),
)
SITES = (
    ChargingSite("cs_centre", 44.425, 84.905, 60.0, 4),
    ChargingSite("cs_east", 44.405, 84.960, 60.0, 3),
    ChargingSite("cs_west", 44.420, 84.850, 60.0, 3),
    ChargingSite("cs_baijiantan", 45.20, 85.05, 60.0, 2),
)
OUTLYING = (  # (name, lat, lon)
    ("dushanzi", 44.33, 84.88),
    ("wusu", 44.43, 84.68),
    ("karamay", 45.58, 84.87),
)


def kuytun_day(n_stops: int, seed: int = 0, *, vehicles_per_100: float = 9.0) -> FleetProblem:
    """A Kuytun delivery day with ``n_stops`` stops and a fleet sized to it."""
    rng = np.random.default_rng(seed)
    stops: list[Stop] = []
    for k in range(n_stops):
        if rng.random() < 0.02:
            _, lat0, lon0 = OUTLYING[int(rng.integers(len(OUTLYING)))]
            lat = lat0 + rng.normal(0, 0.01)
            lon = lon0 + rng.normal(0, 0.01)
        else:
            r_km = abs(rng.normal(0, 6.0))
            ang = rng.uniform(0, 2 * math.pi)
            lat = CENTRE[0] + r_km * math.sin(ang) / 111.0
            lon = CENTRE[1] + r_km * math.cos(ang) / (111.0 * math.cos(math.radians(CENTRE[0])))
        kg = float(min(900.0, round(rng.lognormal(math.log(120), 0.6), 1)))
        if rng.random() < 0.6:
            w0, w1 = 8 * 60.0, 18 * 60.0
        else:
            w0 = float(rng.integers(8, 17)) * 60.0
            w1 = w0 + 120.0
        stops.append(
            Stop(
                f"s{k:05d}",
                round(lat, 5),
                round(lon, 5),
                kg,
                round(kg / 150.0, 3),
                float(rng.integers(5, 16)),
                w0,
                w1,
                bool(rng.random() < 0.05),
            )
        )
    per_depot = max(1, math.ceil(n_stops * vehicles_per_100 / 100 / len(DEPOTS)))
    types: list[VehicleType] = []
    for d in DEPOTS:
        types += [
            VehicleType(
                f"ev_van@{d.id}", d.id, per_depot, 1200, 11, 81.0, 8.0, 0.30, 0.0,
                180.0, 1.0, False, 7 * 60.0, 19 * 60.0,
            ),
            VehicleType(
                f"ev_truck@{d.id}", d.id, max(1, per_depot // 2), 1800, 16, 100.0, 10.0,
                0.40, 0.05, 260.0, 1.3, False, 7 * 60.0, 19 * 60.0,
            ),
            VehicleType(
                f"ev_reefer@{d.id}", d.id, max(1, per_depot // 4), 1000, 8, 81.0, 8.0,
                0.38, 0.0, 300.0, 1.5, True, 7 * 60.0, 19 * 60.0,
            ),
            VehicleType(
                f"phev_truck@{d.id}", d.id, max(1, per_depot // 4), 2000, 18, None, 0.0,
                0.0, 0.0, 280.0, 1.8, False, 7 * 60.0, 19 * 60.0,
            ),
        ]  # fmt: skip
    return FleetProblem(DEPOTS, SITES, tuple(types), tuple(stops), 1.3, 30.0)
