"""The fleet problem's JSON contract: ``parse_problem`` (JSON -> ``FleetProblem``) and back.

Every bad value is reported with its JSON path (``$.stops[3].window: window opens 14:00
after it closes 12:00``), all at once, as one :class:`~freight.errors.InputError`. Each kind
of location is read by its own function; ``FleetProblem`` then checks cross-references.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from freight.errors import InputError, IssueCollector
from freight.fleet.problem import (
    DEFAULT_ROAD_FACTOR,
    DEFAULT_SPEED_KMH,
    ChargingSite,
    Depot,
    FleetProblem,
    Stop,
    TravelMatrix,
    VehicleType,
)
from freight.jsonread import JsonReader
from freight.units import format_hhmm, parse_hhmm

__all__ = ["parse_problem", "problem_to_dict"]


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
    depots = _read_depots(r, root)
    sites = _read_sites(r, root)
    vts = _read_vehicle_types(r, root, {d.id: d for d in depots}, bool(depots))
    stops = _read_stops(r, root)
    _check_unique_ids(issues, depots, sites, stops, vts)
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


def _read_depots(r: _Reader, root: Mapping[str, Any]) -> list[Depot]:
    issues = r.issues
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
    return depots


def _read_sites(r: _Reader, root: Mapping[str, Any]) -> list[ChargingSite]:
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
            r.issues.add(f"{p}.power_kw", f"must be > 0, got {pw}")
            pw = None
        if sid and ll and pw is not None and cnt is not None:
            site = _construct(r.issues, p, ChargingSite, sid, ll[0], ll[1], pw, cnt)
            if site is not None:
                sites.append(site)
    return sites


def _read_vehicle_types(
    r: _Reader, root: Mapping[str, Any], depot_by_id: Mapping[str, Depot], any_depot: bool
) -> list[VehicleType]:
    vts: list[VehicleType] = []
    for k, v in enumerate(r.array(root, "vehicle_types", "$", required=True)):
        p = f"$.vehicle_types[{k}]"
        o = r.obj(v, p)
        if o is not None and (vt := _read_vehicle_type(r, o, p, depot_by_id, any_depot)):
            vts.append(vt)
    return vts


def _battery(r: _Reader, o: Mapping[str, Any], p: str) -> float | None:
    """``battery_kwh``: required, a number or null (a PHEV)."""
    if "battery_kwh" not in o:
        r.issues.add(f"{p}.battery_kwh", "required (a number, or null for a PHEV)")
    battery = r.number(o, "battery_kwh", p, required=False, nullable=True)
    if battery is not None and battery <= 0:
        r.issues.add(f"{p}.battery_kwh", f"must be > 0 or null, got {battery}")
        return None
    return battery


def _read_vehicle_type(
    r: _Reader, o: Mapping[str, Any], p: str, depot_by_id: Mapping[str, Depot], any_depot: bool
) -> VehicleType | None:
    issues = r.issues
    vid, dep_id = r.text(o, "id", p), r.text(o, "depot", p)
    dep = depot_by_id.get(dep_id) if dep_id else None
    if dep_id and dep is None and any_depot:
        issues.add(f"{p}.depot", f"unknown depot {dep_id!r}")
    cnt = r.integer(o, "count", p, minimum=0)
    cap_kg = r.number(o, "capacity_kg", p, minimum=0.0)
    cap_m3 = r.number(o, "capacity_m3", p, minimum=0.0)
    battery = _battery(r, o, p)
    min_soc = r.number(o, "min_soc_kwh", p, default=0.0, minimum=0.0)
    if battery is not None and min_soc is not None and min_soc >= battery:
        issues.add(f"{p}.min_soc_kwh", f"must be below battery_kwh {battery:g}, got {min_soc}")
    kpk = r.number(o, "kwh_per_km", p, default=None if battery is not None else 0.0, minimum=0.0)
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
        return None
    vals = (cnt, cap_kg, cap_m3, min_soc, kpk, kpt, fixed, cpk, s0, s1, cph)
    if not (vid and dep and all(x is not None for x in vals)):
        return None
    vt: VehicleType | None = _construct(
        issues, p, VehicleType, vid, dep.id, cnt, cap_kg, cap_m3, battery, min_soc, kpk, kpt,
        fixed, cpk, refr, s0, s1, cph,
    )  # fmt: skip
    return vt


def _read_stops(r: _Reader, root: Mapping[str, Any]) -> list[Stop]:
    stops: list[Stop] = []
    for k, s in enumerate(r.array(root, "stops", "$", required=True)):
        p = f"$.stops[{k}]"
        o = r.obj(s, p)
        if o is not None and (st := _read_stop(r, o, p)) is not None:
            stops.append(st)
    return stops


def _read_stop(r: _Reader, o: Mapping[str, Any], p: str) -> Stop | None:
    issues = r.issues
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
                return None
    refr = r.boolean(o, "refrigerated", p, default=False)
    if not (sid and ll and None not in (kg, m3, svc, w0, w1)):
        return None
    st: Stop | None = _construct(issues, p, Stop, sid, ll[0], ll[1], kg, m3, svc, w0, w1, refr)
    return st


def _check_unique_ids(
    issues: IssueCollector,
    depots: Sequence[Depot],
    sites: Sequence[ChargingSite],
    stops: Sequence[Stop],
    vts: Sequence[VehicleType],
) -> None:
    """Location ids are unique across every location kind; vehicle type ids among types."""
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
