"""The Kuytun EV fleet routing problem (EV-VRPTW with charging stops): domain objects.

One frozen dataclass per concept, validated once at construction; ``FleetProblem`` checks
cross-references (depot ids, unique ids, the travel matrix). ``parse_problem`` reads the
fleet problem JSON contract and names the JSON path of every bad value (``$.stops[3].window``).
Times are minutes after midnight (float), distances km, energy kWh, money CNY.

Travel between two locations is the haversine distance times ``road_factor`` at
``speed_kmh``, unless the problem carries an explicit ``matrix`` of km and minutes.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from freight.errors import InputError, IssueCollector
from freight.jsonread import JsonReader
from freight.units import EARTH_RADIUS_KM, format_hhmm, parse_hhmm

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


# ---------------------------------------------------------------------------------------
# JSON contract
# ---------------------------------------------------------------------------------------


class _Reader(JsonReader):
    """The shared JSON reader plus the fleet contract's times and coordinates."""

    def time(
        self, v: Any, path: str, default: float | None = None, *, required: bool = True
    ) -> float | None:
        if v is None:
            if default is None and required:
                self.add(path, 'required time "HH:MM"')
            return default
        try:
            return float(parse_hhmm(v))
        except ValueError as exc:
            self.add(path, str(exc))
            return default

    def latlon(self, o: Mapping[str, Any], path: str) -> tuple[float, float] | None:
        lat = self.number(o, "lat", path)
        lon = self.number(o, "lon", path)
        if lat is None or lon is None:
            return None
        if not -90 <= lat <= 90:
            self.add(f"{path}.lat", f"must be within [-90, 90], got {lat}")
            return None
        if not -180 <= lon <= 180:
            self.add(f"{path}.lon", f"must be within [-180, 180], got {lon}")
            return None
        return lat, lon


def _construct(issues: IssueCollector, path: str, cls: type, *args: Any) -> Any:
    try:
        return cls(*args)
    except ValueError as exc:
        issues.add(path, str(exc))
        return None


def parse_problem(data: Any) -> FleetProblem:
    """Build a validated ``FleetProblem`` from the fleet problem JSON dict.

    Raises ``InputError`` listing every bad value with its JSON path, e.g.
    ``$.stops[3].window: window opens 14:00 after it closes 12:00``.
    """
    r = _Reader()
    issues = r.issues
    root = r.obj(data, "$")
    if root is None:
        issues.raise_if_any("invalid fleet problem", InputError)
        raise InputError("invalid fleet problem")  # pragma: no cover
    road_factor = r.number(root, "road_factor", "$", default=DEFAULT_ROAD_FACTOR)
    speed = r.number(root, "speed_kmh", "$", default=DEFAULT_SPEED_KMH)
    if road_factor is not None and road_factor <= 0:
        issues.add("$.road_factor", f"must be > 0, got {road_factor}")
    if speed is not None and speed <= 0:
        issues.add("$.speed_kmh", f"must be > 0, got {speed}")

    depots: list[Depot] = []
    for k, d in enumerate(r.array(root, "depots", "$", required=True)):
        p = f"$.depots[{k}]"
        o = r.obj(d, p)
        if o is None:
            continue
        did, ll = r.text(o, "id", p), r.latlon(o, p)
        op = r.time(o.get("open"), f"{p}.open", 0.0)
        cl = r.time(o.get("close"), f"{p}.close", 24 * 60.0)
        if did and ll and op is not None and cl is not None:
            dep = _construct(issues, p, Depot, did, ll[0], ll[1], op, cl)
            if dep is not None:
                depots.append(dep)
    if not depots and "$.depots" not in {i.loc for i in issues.issues}:
        issues.add("$.depots", "needs at least one depot")
    depot_by_id = {d.id: d for d in depots}

    sites: list[ChargingSite] = []
    for k, s in enumerate(r.array(root, "charging_sites", "$", required=False)):
        p = f"$.charging_sites[{k}]"
        o = r.obj(s, p)
        if o is None:
            continue
        sid, ll = r.text(o, "id", p), r.latlon(o, p)
        pw = r.number(o, "power_kw", p)
        cnt = r.integer(o, "count", p, minimum=1)
        if pw is not None and pw <= 0:
            issues.add(f"{p}.power_kw", f"must be > 0, got {pw}")
            pw = None
        if sid and ll and pw is not None and cnt is not None:
            site = _construct(issues, p, ChargingSite, sid, ll[0], ll[1], pw, cnt)
            if site is not None:
                sites.append(site)

    vts: list[VehicleType] = []
    for k, v in enumerate(r.array(root, "vehicle_types", "$", required=True)):
        p = f"$.vehicle_types[{k}]"
        o = r.obj(v, p)
        if o is None:
            continue
        vid, dep_id = r.text(o, "id", p), r.text(o, "depot", p)
        dep = depot_by_id.get(dep_id) if dep_id else None
        if dep_id and dep is None and depots:
            issues.add(f"{p}.depot", f"unknown depot {dep_id!r}")
        cnt = r.integer(o, "count", p, minimum=0)
        cap_kg = r.number(o, "capacity_kg", p, minimum=0.0)
        cap_m3 = r.number(o, "capacity_m3", p, minimum=0.0)
        if "battery_kwh" not in o:
            issues.add(f"{p}.battery_kwh", "required (a number, or null for a PHEV)")
        battery = r.number(o, "battery_kwh", p, required=False, nullable=True)
        if battery is not None and battery <= 0:
            issues.add(f"{p}.battery_kwh", f"must be > 0 or null, got {battery}")
            battery = None
        min_soc = r.number(o, "min_soc_kwh", p, default=0.0, minimum=0.0)
        if battery is not None and min_soc is not None and min_soc >= battery:
            issues.add(f"{p}.min_soc_kwh", f"must be below battery_kwh {battery:g}, got {min_soc}")
        kpk = r.number(
            o, "kwh_per_km", p, default=None if battery is not None else 0.0, minimum=0.0
        )
        kpt = r.number(o, "kwh_per_km_per_tonne", p, default=0.0, minimum=0.0)
        fixed = r.number(o, "fixed_cost_cny", p, default=0.0, minimum=0.0)
        cpk = r.number(o, "cost_per_km_cny", p, default=0.0, minimum=0.0)
        cph = r.number(o, "cost_per_hour_cny", p, default=0.0, minimum=0.0)
        refr = r.boolean(o, "refrigerated", p, default=False)
        s0 = r.time(o.get("shift_start"), f"{p}.shift_start", dep.open_min if dep else 0.0)
        s1 = r.time(o.get("shift_end"), f"{p}.shift_end", dep.close_min if dep else 1440.0)
        if s0 is not None and s1 is not None and s0 > s1:
            issues.add(
                f"{p}.shift_end",
                f"shift starts {format_hhmm(s0)} after it ends {format_hhmm(s1)}",
            )
            continue
        vals = (cnt, cap_kg, cap_m3, min_soc, kpk, kpt, fixed, cpk, s0, s1, cph)
        if vid and dep and all(x is not None for x in vals):
            vt = _construct(
                issues,
                p,
                VehicleType,
                vid,
                dep.id,
                cnt,
                cap_kg,
                cap_m3,
                battery,
                min_soc,
                kpk,
                kpt,
                fixed,
                cpk,
                refr,
                s0,
                s1,
                cph,
            )
            if vt is not None:
                vts.append(vt)

    stops: list[Stop] = []
    for k, s in enumerate(r.array(root, "stops", "$", required=True)):
        p = f"$.stops[{k}]"
        o = r.obj(s, p)
        if o is None:
            continue
        sid, ll = r.text(o, "id", p), r.latlon(o, p)
        kg = r.number(o, "demand_kg", p, default=0.0, minimum=0.0)
        m3 = r.number(o, "demand_m3", p, default=0.0, minimum=0.0)
        svc = r.number(o, "service_min", p, default=0.0, minimum=0.0)
        win = o.get("window")
        w0: float | None = 0.0
        w1: float | None = 24 * 60.0
        if win is not None:
            if not isinstance(win, list) or len(win) != 2:
                issues.add(f"{p}.window", 'expected ["HH:MM", "HH:MM"]')
                w0 = w1 = None
            else:
                w0 = r.time(win[0], f"{p}.window[0]")
                w1 = r.time(win[1], f"{p}.window[1]")
                if w0 is not None and w1 is not None and w0 > w1:
                    issues.add(
                        f"{p}.window",
                        f"window opens {format_hhmm(w0)} after it closes {format_hhmm(w1)}",
                    )
                    continue
        refr = r.boolean(o, "refrigerated", p, default=False)
        if sid and ll and None not in (kg, m3, svc, w0, w1):
            st = _construct(issues, p, Stop, sid, ll[0], ll[1], kg, m3, svc, w0, w1, refr)
            if st is not None:
                stops.append(st)

    # unique ids across every location kind
    seen: dict[str, str] = {}
    groups: tuple[tuple[str, Sequence[Depot | ChargingSite | Stop]], ...] = (
        ("depots", depots),
        ("charging_sites", sites),
        ("stops", stops),
    )
    for kind, objs in groups:
        for k, x in enumerate(objs):
            if x.id in seen:
                issues.add(f"$.{kind}[{k}].id", f"id {x.id!r} already used in {seen[x.id]}")
            else:
                seen[x.id] = f"$.{kind}[{k}]"
    seen_vt: set[str] = set()
    for k, vt in enumerate(vts):
        if vt.id in seen_vt:
            issues.add(f"$.vehicle_types[{k}].id", f"id {vt.id!r} used twice")
        seen_vt.add(vt.id)

    matrix = _parse_matrix(root.get("matrix"), [*depots, *sites, *stops], issues)
    issues.raise_if_any("invalid fleet problem", InputError)
    try:
        return FleetProblem(
            tuple(depots),
            tuple(sites),
            tuple(vts),
            tuple(stops),
            float(road_factor or DEFAULT_ROAD_FACTOR),
            float(speed or DEFAULT_SPEED_KMH),
            matrix,
        )
    except ValueError as exc:
        raise InputError(f"invalid fleet problem: {exc}") from None


def _parse_matrix(
    raw: Any, locs: Sequence[Depot | ChargingSite | Stop], issues: IssueCollector
) -> TravelMatrix | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        issues.add("$.matrix", 'expected {"ids": [...], "km": [[...]], "minutes": [[...]]}')
        return None
    ids = raw.get("ids")
    if ids is None:
        ids = [x.id for x in locs]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        issues.add("$.matrix.ids", "expected a list of location ids")
        return None
    known = {x.id for x in locs}
    for i in sorted(known - set(ids)):
        issues.add("$.matrix.ids", f"location {i!r} is missing")
        break
    arrays: dict[str, np.ndarray] = {}
    for key in ("km", "minutes"):
        try:
            a = np.asarray(raw.get(key), dtype=float)
        except (TypeError, ValueError):
            issues.add(f"$.matrix.{key}", "expected a square list of lists of numbers")
            continue
        if a.shape != (len(ids), len(ids)):
            issues.add(f"$.matrix.{key}", f"expected {len(ids)}x{len(ids)}, got shape {a.shape}")
            continue
        bad = np.argwhere(~np.isfinite(a) | (a < 0))
        if len(bad):
            bi, bj = int(bad[0][0]), int(bad[0][1])
            issues.add(
                f"$.matrix.{key}[{bi}][{bj}]", f"must be a finite number >= 0, got {a[bi, bj]}"
            )
            continue
        arrays[key] = a
    if len(arrays) != 2 or len(set(ids)) != len(ids):
        if len(set(ids)) != len(ids):
            issues.add("$.matrix.ids", "ids must be unique")
        return None
    return TravelMatrix(tuple(ids), arrays["km"], arrays["minutes"])


def problem_to_dict(p: FleetProblem) -> dict[str, Any]:
    """The JSON contract of ``p`` (inverse of ``parse_problem``; the matrix is omitted)."""
    return {
        "road_factor": p.road_factor,
        "speed_kmh": p.speed_kmh,
        "depots": [
            {
                "id": d.id,
                "lat": d.lat,
                "lon": d.lon,
                "open": format_hhmm(d.open_min),
                "close": format_hhmm(d.close_min),
            }
            for d in p.depots
        ],
        "charging_sites": [
            {"id": s.id, "lat": s.lat, "lon": s.lon, "power_kw": s.power_kw, "count": s.count}
            for s in p.charging_sites
        ],
        "vehicle_types": [
            {
                "id": v.id,
                "depot": v.depot,
                "count": v.count,
                "capacity_kg": v.capacity_kg,
                "capacity_m3": v.capacity_m3,
                "battery_kwh": v.battery_kwh,
                "min_soc_kwh": v.min_soc_kwh,
                "kwh_per_km": v.kwh_per_km,
                "kwh_per_km_per_tonne": v.kwh_per_km_per_tonne,
                "fixed_cost_cny": v.fixed_cost_cny,
                "cost_per_km_cny": v.cost_per_km_cny,
                "cost_per_hour_cny": v.cost_per_hour_cny,
                "refrigerated": v.refrigerated,
                "shift_start": format_hhmm(v.shift_start_min),
                "shift_end": format_hhmm(v.shift_end_min),
            }
            for v in p.vehicle_types
        ],
        "stops": [
            {
                "id": s.id,
                "lat": s.lat,
                "lon": s.lon,
                "demand_kg": s.demand_kg,
                "demand_m3": s.demand_m3,
                "service_min": s.service_min,
                "window": [format_hhmm(s.window_open_min), format_hhmm(s.window_close_min)],
                "refrigerated": s.refrigerated,
            }
            for s in p.stops
        ],
    }
