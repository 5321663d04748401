"""From a representative day's delivery points to routable parts (decomposition).

* **DeliveryPoint -> Stop**: same id, coordinates, kg, m3, service minutes, window (HH:MM to
  minutes) and refrigeration flag.
* **Depot rule**: each point goes to the *nearest* depot (haversine) among the depots whose
  ``zones`` list its zone; a zone no depot covers is a :class:`DataError`.
* **Parts**: per depot, ordinary and refrigerated stops separately (refrigerated stops only
  fit refrigerated vehicles, so mixing them into every sector would put one nearly empty
  reefer in each), each sorted by angle around the depot (ties: window opening, id) and
  cut into contiguous sectors of at most ``part_stops`` stops.
* **Vehicles per part**: every planner vehicle type based at the part's depot, with an
  ample count; the router picks types on cost (fixed = annualised vehicle cost per operating
  day, per km = energy/fuel + maintenance, per hour of route duration = the driver's pay,
  waiting included), so BEV vs PHEV is a cost decision and a route that waits for a late
  window pays for it (routes stay compact in time and chain into multi-trip duties).
* **Public chargers shared between parallel parts**: every public charging site's plugs are
  dealt out to the parts nearest to it (one plug at a time, round robin over the nearest
  parts), so each part sees the site with only its own share of plugs. Parts never hold more
  plugs of a site than the site has, so the merged day still passes the plug-count check.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from freight.demand.model import ChargingSiteCandidate, DeliveryPoint, UrbanDepot
from freight.errors import DataError
from freight.fleet.plan.defaults import FleetDefaults, VehicleSpec, capital_recovery_factor
from freight.fleet.problem import ChargingSite, Depot, FleetProblem, Stop, VehicleType
from freight.units import haversine_km

#: Public sites further than this from a part's centroid are not offered to it (km).
PUBLIC_SITE_RADIUS_KM = 40.0
#: Parts that share one public site's plugs (the nearest ones).
PARTS_PER_SITE = 6


def to_stop(p: DeliveryPoint) -> Stop:
    return Stop(
        p.id,
        p.lat,
        p.lon,
        p.demand_kg,
        p.demand_m3,
        p.service_min,
        float(p.window_open_min),
        float(p.window_close_min),
        p.refrigerated,
    )


def to_depot(d: UrbanDepot) -> Depot:
    return Depot(d.id, d.lat, d.lon, float(d.open_min), float(d.close_min))


def assign_depots(
    points: Sequence[DeliveryPoint], depots: Sequence[UrbanDepot]
) -> dict[str, list[DeliveryPoint]]:
    """Each point to the nearest depot covering its zone (documented rule)."""
    by_zone: dict[str, list[UrbanDepot]] = defaultdict(list)
    for d in depots:
        for z in d.zones:
            by_zone[z].append(d)
    out: dict[str, list[DeliveryPoint]] = {d.id: [] for d in depots}
    for p in points:
        cands = by_zone.get(p.zone)
        if not cands:
            raise DataError(
                f"delivery point {p.id!r}: no depot in urban_depots.csv covers zone {p.zone!r}"
            )
        best = min(cands, key=lambda d: (haversine_km(p.lat, p.lon, d.lat, d.lon), d.id))
        out[best.id].append(p)
    return out


def sample_points(
    points: Sequence[DeliveryPoint], max_stops: int | None, seed: int
) -> tuple[DeliveryPoint, ...]:
    """Deterministic seeded subsample (order kept), or all points."""
    if max_stops is None or max_stops >= len(points):
        return tuple(points)
    keep = sorted(random.Random(seed).sample(range(len(points)), max_stops))
    return tuple(points[k] for k in keep)


def router_vehicle_type(
    spec: VehicleSpec, depot: UrbanDepot, day: str, count: int, d: FleetDefaults
) -> VehicleType:
    """The routing model of a planner vehicle type at a depot on a season's day."""
    crf = capital_recovery_factor(d.discount_rate, spec.life_years)
    # the vehicle per day only: the driver is paid per hour of route time (cost_per_hour)
    fixed = spec.price_cny * crf / d.operating_days_per_year
    if spec.powertrain == "bev":
        per_km = spec.kwh_per_km(day) * d.mean_tariff() + spec.maintenance_cny_per_km
        battery: float | None = spec.battery_kwh
        kwh_km, kwh_t = spec.kwh_per_km(day), spec.kwh_per_km_per_tonne
    else:  # PHEV: engine range is not limiting; fuel cost per km (electric share ignored)
        per_km = spec.l_per_100km / 100.0 * d.fuel_cny_per_l + spec.maintenance_cny_per_km
        battery, kwh_km, kwh_t = None, 0.0, 0.0
    return VehicleType(
        f"{spec.id}@{depot.id}",
        depot.id,
        count,
        spec.capacity_kg,
        spec.capacity_m3,
        battery,
        spec.min_soc_kwh if battery is not None else 0.0,
        kwh_km,
        kwh_t,
        round(fixed, 4),
        round(per_km, 6),
        spec.refrigerated,
        float(max(d.shift_start_min, depot.open_min)),
        float(min(d.shift_end_min, depot.close_min)),
        spec.driver_cny_per_hour,
    )


@dataclass(frozen=True, slots=True)
class Part:
    """One routable piece of a day: a small FleetProblem and where it came from."""

    key: str  # f"{day}/{depot}/{kind}{k}" (a re-homed part: f"{day}/{depot}/{kind}{k}<{old}")
    day: str
    depot: str
    problem: FleetProblem
    zones: frozenset[str] = frozenset()  # demand zones of its stops (depot coverage rule)


def _sectors(stops: list[Stop], dep: UrbanDepot, size: int) -> list[list[Stop]]:
    if not stops:
        return []
    stops = sorted(
        stops,
        key=lambda s: (math.atan2(s.lat - dep.lat, s.lon - dep.lon), s.window_open_min, s.id),
    )
    n = math.ceil(len(stops) / size)
    step = math.ceil(len(stops) / n)
    return [stops[k : k + step] for k in range(0, len(stops), step)]


def build_parts(
    day: str,
    points: Sequence[DeliveryPoint],
    depots: Sequence[UrbanDepot],
    sites: Sequence[ChargingSiteCandidate],
    d: FleetDefaults,
    part_stops: int,
) -> list[Part]:
    """Decompose a day into parts (see module docstring); deterministic."""
    by_depot = assign_depots(points, depots)
    zone_of = {p.id: p.zone for p in points}
    raw: list[tuple[str, UrbanDepot, list[Stop]]] = []
    for dep in depots:
        mine = [to_stop(p) for p in by_depot[dep.id]]
        for kind, members in (
            ("o", [s for s in mine if not s.refrigerated]),
            ("r", [s for s in mine if s.refrigerated]),
        ):
            for k, sector in enumerate(_sectors(members, dep, part_stops)):
                raw.append((f"{day}/{dep.id}/{kind}{k}", dep, sector))
    public = [s for s in sites if s.kind == "public"]
    centroids = [
        (sum(s.lat for s in st) / len(st), sum(s.lon for s in st) / len(st)) for _, _, st in raw
    ]
    shares: list[dict[str, int]] = [defaultdict(int) for _ in raw]
    for site in public:
        near = sorted(
            (haversine_km(c[0], c[1], site.lat, site.lon), k) for k, c in enumerate(centroids)
        )
        near = [(km, k) for km, k in near if km <= PUBLIC_SITE_RADIUS_KM][:PARTS_PER_SITE]
        for plug in range(site.max_plugs if near else 0):
            shares[near[plug % len(near)][1]][site.id] += 1
    parts: list[Part] = []
    for (key, dep, sector), share in zip(raw, shares, strict=True):
        specs = [v for v in d.vehicles if v.refrigerated or not key.split("/")[2].startswith("r")]
        count = 2 + math.ceil(len(sector) / 10)
        types = tuple(router_vehicle_type(v, dep, day, count, d) for v in specs)
        charging = tuple(
            ChargingSite(s.id, s.lat, s.lon, s.power_kw, share[s.id])
            for s in public
            if share.get(s.id, 0) > 0
        )
        problem = FleetProblem(
            (to_depot(dep),), charging, types, tuple(sector), d.road_factor, d.speed_kmh
        )
        parts.append(Part(key, day, dep.id, problem, frozenset(zone_of[s.id] for s in sector)))
    return parts


def rehome_part(part: Part, dep: UrbanDepot, d: FleetDefaults) -> Part:
    """The same stops, vehicle counts and public-plug share, served from depot ``dep``.

    Used when the part's own depot has no room for more chargers (capacity rebalancing);
    ``dep`` must cover every zone of the part.
    """
    missing = part.zones - set(dep.zones)
    if missing:
        raise DataError(f"depot {dep.id!r} does not cover zones {sorted(missing)} of {part.key}")
    day, old, kind = part.key.split("/")
    types = tuple(
        router_vehicle_type(d.vehicle(vt.id.split("@")[0]), dep, day, vt.count, d)
        for vt in part.problem.vehicle_types
    )
    problem = FleetProblem(
        (to_depot(dep),),
        part.problem.charging_sites,
        types,
        part.problem.stops,
        d.road_factor,
        d.speed_kmh,
    )
    return Part(f"{day}/{dep.id}/{kind.split('<')[0]}<{old}", day, dep.id, problem, part.zones)


def merged_problem(
    parts: Sequence[Part],
    depots: Sequence[UrbanDepot],
    sites: Sequence[ChargingSiteCandidate],
    d: FleetDefaults,
) -> FleetProblem:
    """The whole day as one problem (all depots, full public plugs, summed vehicle counts)."""
    counts: dict[str, int] = defaultdict(int)
    proto: dict[str, VehicleType] = {}
    for part in parts:
        for vt in part.problem.vehicle_types:
            counts[vt.id] += vt.count
            proto[vt.id] = vt
    types = []
    for tid in sorted(proto):
        vt = proto[tid]
        types.append(
            VehicleType(
                vt.id, vt.depot, counts[tid], vt.capacity_kg, vt.capacity_m3, vt.battery_kwh,
                vt.min_soc_kwh, vt.kwh_per_km, vt.kwh_per_km_per_tonne, vt.fixed_cost_cny,
                vt.cost_per_km_cny, vt.refrigerated, vt.shift_start_min, vt.shift_end_min,
                vt.cost_per_hour_cny,
            )
        )  # fmt: skip
    public = tuple(
        ChargingSite(s.id, s.lat, s.lon, s.power_kw, s.max_plugs)
        for s in sites
        if s.kind == "public"
    )
    stops = tuple(s for part in parts for s in part.problem.stops)
    return FleetProblem(
        tuple(to_depot(x) for x in depots), public, tuple(types), stops, d.road_factor, d.speed_kmh
    )
