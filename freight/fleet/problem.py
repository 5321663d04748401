"""The Kuytun EV fleet routing problem (EV-VRPTW with charging stops): domain objects.

One frozen dataclass per concept, validated once at construction; ``FleetProblem`` checks
cross-references (depot ids, unique ids, the travel matrix). ``problem_json.parse_problem``
reads the fleet problem JSON contract and names the JSON path of every bad value
(``$.stops[3].window``).
Times are minutes after midnight (float), distances km, energy kWh, money CNY.

Travel between two locations is the haversine distance times ``road_factor`` at
``speed_kmh``, unless the problem carries an explicit ``matrix`` of km and minutes.

>>> from freight.fleet.problem_json import parse_problem
>>> p = parse_problem({
...     "speed_kmh": 30,
...     "depots": [{"id": "d", "lat": 44.42, "lon": 84.90, "open": "06:00", "close": "22:00"}],
...     "vehicle_types": [{"id": "ev", "depot": "d", "count": 1, "capacity_kg": 1000,
...                        "capacity_m3": 10, "battery_kwh": 80, "kwh_per_km": 0.3}],
...     "stops": [{"id": "s1", "lat": 44.43, "lon": 84.91, "demand_kg": 100,
...                "window": ["08:00", "12:00"]}]})
>>> p.stops[0].window_open_min, p.vehicle_types[0].usable_kwh
(480.0, 80.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from freight.units import EARTH_RADIUS_KM, format_hhmm

#: Default road factor (the fleet problem contract: "road_factor (default 1.3)").
DEFAULT_ROAD_FACTOR = 1.3
#: Default urban delivery speed when neither ``speed_kmh`` nor a matrix is given.
#: Assumption (see docs/fleet-METHOD.md): 30 km/h door-to-door average in a city of Kuytun's size.
DEFAULT_SPEED_KMH = 30.0


def _check(cond: bool, what: str, msg: str) -> None:
    if not cond:
        raise ValueError(f"{what}: {msg}")


@dataclass(frozen=True, slots=True)
class Depot:
    """A vehicle base: vehicles leave no earlier than ``open_min``, return by ``close_min``."""

    id: str
    lat: float
    lon: float
    open_min: float
    close_min: float

    def __post_init__(self) -> None:
        w = f"Depot {self.id!r}"
        _check(-90 <= self.lat <= 90 and -180 <= self.lon <= 180, w, "lat/lon out of range")
        _check(
            self.open_min <= self.close_min,
            w,
            f"opens {format_hhmm(self.open_min)} after it closes {format_hhmm(self.close_min)}",
        )


@dataclass(frozen=True, slots=True)
class ChargingSite:
    """Public/depot chargers: ``count`` plugs of ``power_kw`` each (linear charging)."""

    id: str
    lat: float
    lon: float
    power_kw: float
    count: int

    def __post_init__(self) -> None:
        w = f"ChargingSite {self.id!r}"
        _check(-90 <= self.lat <= 90 and -180 <= self.lon <= 180, w, "lat/lon out of range")
        _check(self.power_kw > 0, w, f"power_kw must be > 0, got {self.power_kw}")
        _check(self.count >= 1, w, f"count must be >= 1, got {self.count}")


@dataclass(frozen=True, slots=True)
class VehicleType:
    """A class of delivery vehicles based at ``depot``; ``battery_kwh=None`` is a PHEV."""

    id: str
    depot: str
    count: int
    capacity_kg: float
    capacity_m3: float
    battery_kwh: float | None
    min_soc_kwh: float
    kwh_per_km: float
    kwh_per_km_per_tonne: float
    fixed_cost_cny: float
    cost_per_km_cny: float
    refrigerated: bool
    shift_start_min: float
    shift_end_min: float
    #: Cost per hour of route duration, depot departure to return, waiting included (the
    #: driver's paid time). 0 (default): routes cost fixed + per-km only.
    cost_per_hour_cny: float = 0.0

    def __post_init__(self) -> None:
        w = f"VehicleType {self.id!r}"
        _check(self.count >= 0, w, f"count must be >= 0, got {self.count}")
        _check(self.capacity_kg >= 0, w, "capacity_kg must be >= 0")
        _check(self.capacity_m3 >= 0, w, "capacity_m3 must be >= 0")
        if self.battery_kwh is not None:
            _check(self.battery_kwh > 0, w, f"battery_kwh must be > 0, got {self.battery_kwh}")
            _check(
                0 <= self.min_soc_kwh < self.battery_kwh,
                w,
                f"min_soc_kwh must be in [0, battery_kwh), got {self.min_soc_kwh}",
            )
        _check(self.kwh_per_km >= 0, w, "kwh_per_km must be >= 0")
        _check(self.kwh_per_km_per_tonne >= 0, w, "kwh_per_km_per_tonne must be >= 0")
        _check(self.fixed_cost_cny >= 0, w, "fixed_cost_cny must be >= 0")
        _check(self.cost_per_km_cny >= 0, w, "cost_per_km_cny must be >= 0")
        _check(
            math.isfinite(self.cost_per_hour_cny) and self.cost_per_hour_cny >= 0,
            w,
            f"cost_per_hour_cny must be a finite number >= 0, got {self.cost_per_hour_cny}",
        )
        _check(
            self.shift_start_min <= self.shift_end_min,
            w,
            f"shift starts {format_hhmm(self.shift_start_min)} after it ends "
            f"{format_hhmm(self.shift_end_min)}",
        )

    @property
    def is_electric(self) -> bool:
        """True when the battery limits the route (False for PHEVs with ``battery_kwh=None``)."""
        return self.battery_kwh is not None

    @property
    def usable_kwh(self) -> float:
        """Energy between a full battery and ``min_soc_kwh`` (``inf`` for a PHEV)."""
        return math.inf if self.battery_kwh is None else self.battery_kwh - self.min_soc_kwh

    def leg_kwh(self, km: float, load_kg: float) -> float:
        """Energy of a leg of ``km`` with ``load_kg`` on board (the contract's formula)."""
        return km * (self.kwh_per_km + self.kwh_per_km_per_tonne * load_kg / 1000.0)

    def route_cost_cny(self, km: float, duration_min: float) -> float:
        """Cost of one route: fixed + per km + per hour of duration (waiting included)."""
        return (
            self.fixed_cost_cny
            + self.cost_per_km_cny * km
            + self.cost_per_hour_cny * duration_min / 60.0
        )


@dataclass(frozen=True, slots=True)
class Stop:
    """A delivery: service must start within ``[window_open_min, window_close_min]``."""

    id: str
    lat: float
    lon: float
    demand_kg: float
    demand_m3: float
    service_min: float
    window_open_min: float
    window_close_min: float
    refrigerated: bool

    def __post_init__(self) -> None:
        w = f"Stop {self.id!r}"
        _check(-90 <= self.lat <= 90 and -180 <= self.lon <= 180, w, "lat/lon out of range")
        _check(self.demand_kg >= 0, w, f"demand_kg must be >= 0, got {self.demand_kg}")
        _check(self.demand_m3 >= 0, w, f"demand_m3 must be >= 0, got {self.demand_m3}")
        _check(self.service_min >= 0, w, f"service_min must be >= 0, got {self.service_min}")
        _check(
            self.window_open_min <= self.window_close_min,
            w,
            f"window opens {format_hhmm(self.window_open_min)} after it closes "
            f"{format_hhmm(self.window_close_min)}",
        )


@dataclass(frozen=True, slots=True, eq=False)
class TravelMatrix:
    """Explicit travel data: ``km[i][j]``, ``minutes[i][j]`` from ``ids[i]`` to ``ids[j]``."""

    ids: tuple[str, ...]
    km: np.ndarray
    minutes: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.ids)
        _check(self.km.shape == (n, n), "matrix", f"km must be {n}x{n}")
        _check(self.minutes.shape == (n, n), "matrix", f"minutes must be {n}x{n}")
        _check(bool(np.all(np.isfinite(self.km))), "matrix", "km must be finite")
        _check(bool(np.all(self.km >= 0)), "matrix", "km must be >= 0")
        _check(bool(np.all(np.isfinite(self.minutes))), "matrix", "minutes must be finite")
        _check(bool(np.all(self.minutes >= 0)), "matrix", "minutes must be >= 0")


@dataclass(frozen=True, slots=True)
class FleetProblem:
    """A day of EV distribution: depots, chargers, vehicle types, stops and travel data.

    Location indices (used by ``km``/``minutes``) are: depots, then charging sites, then
    stops, in the order given.
    """

    depots: tuple[Depot, ...]
    charging_sites: tuple[ChargingSite, ...]
    vehicle_types: tuple[VehicleType, ...]
    stops: tuple[Stop, ...]
    road_factor: float = DEFAULT_ROAD_FACTOR
    speed_kmh: float = DEFAULT_SPEED_KMH
    matrix: TravelMatrix | None = None
    _lat: np.ndarray = field(init=False, repr=False, compare=False)
    _lon: np.ndarray = field(init=False, repr=False, compare=False)
    _perm: np.ndarray | None = field(init=False, repr=False, compare=False)
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check(len(self.depots) >= 1, "FleetProblem", "needs at least one depot")
        _check(self.road_factor > 0, "FleetProblem", "road_factor must be > 0")
        _check(self.speed_kmh > 0, "FleetProblem", "speed_kmh must be > 0")
        index: dict[str, int] = {}
        ids = [x.id for x in self.depots] + [x.id for x in self.charging_sites]
        for loc_id in ids + [x.id for x in self.stops]:
            _check(loc_id not in index, f"id {loc_id!r}", "is used twice")
            index[loc_id] = len(index)
        depot_ids = {d.id for d in self.depots}
        for vt in self.vehicle_types:
            _check(vt.depot in depot_ids, f"VehicleType {vt.id!r}", f"unknown depot {vt.depot!r}")
        _check(
            len({vt.id for vt in self.vehicle_types}) == len(self.vehicle_types),
            "FleetProblem",
            "vehicle type ids must be unique",
        )
        locs: tuple[Depot | ChargingSite | Stop, ...] = (
            *self.depots,
            *self.charging_sites,
            *self.stops,
        )
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_lat", np.array([x.lat for x in locs], dtype=float))
        object.__setattr__(self, "_lon", np.array([x.lon for x in locs], dtype=float))
        perm = None
        if self.matrix is not None:
            pos = {mid: k for k, mid in enumerate(self.matrix.ids)}
            missing = [i for i in index if i not in pos]
            _check(not missing, "matrix", f"ids missing: {missing[:5]}")
            perm = np.array([pos[i] for i in index], dtype=np.int64)
        object.__setattr__(self, "_perm", perm)

    # -- locations -------------------------------------------------------------------------
    @property
    def num_locations(self) -> int:
        return len(self._index)

    def index_of(self, loc_id: str) -> int:
        """Location index of a depot, charging site or stop id."""
        return self._index[loc_id]

    def depot(self, depot_id: str) -> Depot:
        return self.depots[self._index[depot_id]]

    def depot_index(self, vt: VehicleType) -> int:
        return self._index[vt.depot]

    @property
    def first_site_index(self) -> int:
        return len(self.depots)

    @property
    def first_stop_index(self) -> int:
        return len(self.depots) + len(self.charging_sites)

    def vehicle_type(self, type_id: str) -> VehicleType:
        for vt in self.vehicle_types:
            if vt.id == type_id:
                return vt
        raise KeyError(type_id)

    # -- travel ----------------------------------------------------------------------------
    def km(self, i: int, j: int) -> float:
        """Road km from location ``i`` to ``j``."""
        if self._perm is not None and self.matrix is not None:
            return float(self.matrix.km[self._perm[i], self._perm[j]])
        lat1, lat2 = math.radians(self._lat[i]), math.radians(self._lat[j])
        dlon = math.radians(self._lon[j] - self._lon[i])
        a = (
            math.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a))) * self.road_factor

    def minutes(self, i: int, j: int) -> float:
        """Travel minutes from location ``i`` to ``j``."""
        if self._perm is not None and self.matrix is not None:
            return float(self.matrix.minutes[self._perm[i], self._perm[j]])
        return self.km(i, j) / self.speed_kmh * 60.0

    def km_block(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Road km between every ``rows`` location and every ``cols`` location (2-D array)."""
        if self._perm is not None and self.matrix is not None:
            return self.matrix.km[np.ix_(self._perm[rows], self._perm[cols])]
        lat1 = np.radians(self._lat[rows])[:, None]
        lat2 = np.radians(self._lat[cols])[None, :]
        dlat = lat2 - lat1
        dlon = np.radians(self._lon[cols])[None, :] - np.radians(self._lon[rows])[:, None]
        a = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
        km: np.ndarray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(1.0, a)))
        return km * self.road_factor

    def minutes_block(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Travel minutes between every ``rows`` and every ``cols`` location (2-D array)."""
        if self._perm is not None and self.matrix is not None:
            return self.matrix.minutes[np.ix_(self._perm[rows], self._perm[cols])]
        return self.km_block(rows, cols) / self.speed_kmh * 60.0

    def with_stops(self, stops: Sequence[Stop]) -> FleetProblem:
        """The same fleet and chargers with another set of stops (for decomposition)."""
        return FleetProblem(
            self.depots,
            self.charging_sites,
            self.vehicle_types,
            tuple(stops),
            self.road_factor,
            self.speed_kmh,
            self.matrix,
        )
