"""A fleet plan's routes: kept from its routed days, and read back as the router's result.

:func:`day_routes` turns one routed day (the merged :class:`~freight.fleet.result.FleetResult`,
the parts it came from and the vehicle duties) into the typed
:class:`~freight.fleet.plan.model.DayRoutes` the plan keeps; :func:`day_result` turns it back
into a ``FleetResult`` so the independent checker (:func:`~freight.fleet.verify.verify_plan`)
and the fleet-solution GeoJSON renderer read a plan's routes as they read a day's routing.
:func:`select_days` picks the days of a plan by year and season (the API's filters);
:func:`routes_geojson` draws them with the fleet-solution renderer, on the roads of each
day's network year.

Times are Beijing time: ``"HH:MM+08:00"`` strings beside the exact minutes after midnight,
which are rounded to 1e-7 min (far inside the checker's 1e-6 tolerance); kWh, kg, km and
CNY are rounded to 1e-4 (the checker allows 1e-3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from freight.errors import FieldIssue, NotFoundError
from freight.fleet.geojson import RoadDrawer, route_features
from freight.fleet.plan.build import Part
from freight.fleet.plan.duties import DutyResult
from freight.fleet.plan.model import (
    DayRoutes,
    FleetPlan,
    FleetPlanSet,
    PlanRoute,
    RouteCharge,
    RoutePlace,
    RouteStop,
    UnservedStop,
)
from freight.fleet.result import (
    ChargeVisit,
    FleetResult,
    FleetStatus,
    RoutePlan,
    StopVisit,
    Unserved,
    Visit,
)
from freight.network.model import Network
from freight.units import format_hhmm

__all__ = ["beijing_hhmm", "day_result", "day_routes", "routes_geojson", "select_days"]

#: The offset every time of a plan's routes carries (Asia/Shanghai, no daylight saving).
BEIJING_OFFSET = "+08:00"
#: Decimals kept of exact minutes, and of kWh, kg, km and CNY.
MINUTE_DECIMALS = 7
AMOUNT_DECIMALS = 4

#: A day's duties by router vehicle type (``type@depot``): (duties, indices of its routes).
DutiesByType = Mapping[str, tuple[DutyResult, tuple[int, ...]]]


def beijing_hhmm(minutes: float) -> str:
    """Minutes after midnight as ``"HH:MM+08:00"`` (ISO 8601 time with Beijing's offset)."""
    return format_hhmm(minutes) + BEIJING_OFFSET


def _m(x: float) -> float:
    return round(x, MINUTE_DECIMALS)


def _a(x: float) -> float:
    return round(x, AMOUNT_DECIMALS)


def _vehicle_labels(n_routes: int, duties: DutiesByType) -> list[str]:
    """``type@depot#k`` of the vehicle (duty) driving each route (index into the day)."""
    labels = [""] * n_routes
    for tid, (result, idx) in duties.items():
        for k, duty in enumerate(result.duties, start=1):
            for j in duty.route_indices:
                labels[idx[j]] = f"{tid}#{k}"
    return labels


def day_routes(
    year: int,
    season: str,
    parts: Sequence[Part],
    result: FleetResult,
    duties: DutiesByType,
) -> DayRoutes:
    """The typed routes of one routed day, ordered by vehicle and departure."""
    where: dict[str, tuple[float, float]] = {}
    demand_kg: dict[str, float] = {}
    depot_of: dict[str, str] = {}
    depots: dict[str, RoutePlace] = {}
    for part in parts:
        pr = part.problem
        for dep in pr.depots:
            depots[dep.id] = RoutePlace(id=dep.id, lon=dep.lon, lat=dep.lat)
            where[dep.id] = (dep.lon, dep.lat)
        where |= {c.id: (c.lon, c.lat) for c in pr.charging_sites}
        where |= {s.id: (s.lon, s.lat) for s in pr.stops}
        demand_kg |= {s.id: s.demand_kg for s in pr.stops}
        depot_of |= {vt.id: vt.depot for vt in pr.vehicle_types}
    labels = _vehicle_labels(len(result.routes), duties)
    order = sorted(
        range(len(result.routes)),
        key=lambda i: (_label_key(labels[i]), result.routes[i].start_min, i),
    )
    routes = tuple(_route(result.routes[i], labels[i], depot_of, where, demand_kg) for i in order)
    used = {r.depot for r in routes}
    unserved = tuple(
        UnservedStop(id=u.id, lon=where[u.id][0], lat=where[u.id][1], reason=u.reason)
        for u in result.unserved
    )
    return DayRoutes(
        year=year,
        season=season,  # type: ignore[arg-type]
        depots=tuple(depots[d] for d in sorted(used)),
        routes=routes,
        unserved=unserved,
    )


def _label_key(label: str) -> tuple[str, int]:
    head, _, n = label.rpartition("#")
    return (head, int(n)) if n.isdigit() else (label, 0)


def _route(
    r: RoutePlan,
    vehicle: str,
    depot_of: Mapping[str, str],
    where: Mapping[str, tuple[float, float]],
    demand_kg: Mapping[str, float],
) -> PlanRoute:
    stops: list[RouteStop] = []
    charging: list[RouteCharge] = []
    for v in r.visits:
        if isinstance(v, StopVisit):
            lon, lat = where[v.stop_id]
            stops.append(
                RouteStop(
                    id=v.stop_id, lon=lon, lat=lat, arrive=beijing_hhmm(v.arrive_min),
                    arrive_min=_m(v.arrive_min), start_min=_m(v.start_min),
                    depart_min=_m(v.depart_min), load_kg=_a(v.load_kg),
                    soc_kwh=None if v.soc_kwh is None else _a(v.soc_kwh),
                )
            )  # fmt: skip
        else:
            lon, lat = where[v.site_id]
            charging.append(
                RouteCharge(
                    site=v.site_id, lon=lon, lat=lat, after_stops=len(stops),
                    arrive=beijing_hhmm(v.arrive_min), arrive_min=_m(v.arrive_min),
                    start_min=_m(v.start_min), charge_min=_m(v.charge_min),
                    depart_min=_m(v.depart_min), soc_kwh=_a(v.soc_kwh),
                )
            )  # fmt: skip
    return PlanRoute(
        vehicle=vehicle or r.vehicle_type,
        vehicle_type=r.vehicle_type.split("@")[0],
        depot=depot_of[r.vehicle_type],
        start=beijing_hhmm(r.start_min),
        end=beijing_hhmm(r.end_min),
        start_min=_m(r.start_min),
        end_min=_m(r.end_min),
        distance_km=_a(r.distance_km),
        energy_kwh=_a(r.energy_kwh),
        cost_cny=_a(r.cost_cny),
        load_kg=_a(sum(demand_kg[s.id] for s in stops)),
        stops=tuple(stops),
        charging=tuple(charging),
    )


def router_type(route: PlanRoute) -> str:
    """The router's vehicle type id of a plan route (``type@depot``)."""
    return f"{route.vehicle_type}@{route.depot}"


def _visits(route: PlanRoute) -> tuple[Visit, ...]:
    """Stops and charging stops in driving order."""
    charges = sorted(route.charging, key=lambda c: (c.after_stops, c.arrive_min))
    out: list[Visit] = []
    k = 0
    for n, s in enumerate(route.stops):
        while k < len(charges) and charges[k].after_stops <= n:
            out.append(_charge_visit(charges[k]))
            k += 1
        out.append(StopVisit(s.id, s.arrive_min, s.start_min, s.depart_min, s.soc_kwh, s.load_kg))
    out += [_charge_visit(c) for c in charges[k:]]
    return tuple(out)


def _charge_visit(c: RouteCharge) -> ChargeVisit:
    return ChargeVisit(c.site, c.arrive_min, c.start_min, c.charge_min, c.depart_min, c.soc_kwh)


def day_result(day: DayRoutes) -> FleetResult:
    """The day's routes as the router's result (vehicle types ``type@depot``)."""
    routes = tuple(
        RoutePlan(
            router_type(r), r.start_min, r.end_min, _visits(r), r.distance_km, r.energy_kwh,
            r.cost_cny,
        )
        for r in day.routes
    )  # fmt: skip
    return FleetResult(
        status=FleetStatus.PARTIAL if day.unserved else FleetStatus.FEASIBLE,
        objective_cny=sum(r.cost_cny for r in routes),
        distance_km=sum(r.distance_km for r in routes),
        vehicles_used=len(routes),
        routes=routes,
        unserved=tuple(Unserved(u.id, u.reason) for u in day.unserved),
        wall_s=0.0,
        method="fleet-plan",
    )


def select_days(
    plan: FleetPlan | FleetPlanSet,
    year: int | None = None,
    season: str | None = None,
    *,
    loc_prefix: str = "",
) -> tuple[DayRoutes, ...]:
    """The plan's kept routes of ``year`` and ``season`` (each ``None``: all), year order.

    Raises :class:`~freight.errors.NotFoundError` whose issue names ``year`` (prefixed by
    ``loc_prefix``, e.g. ``"query."``) when the plan has no such year, and ``routes`` when
    a chosen year's plan kept no routes.
    """
    plans = plan.plans if isinstance(plan, FleetPlanSet) else (plan,)
    years = [p.year for p in plans]
    if year is not None and year not in years:
        msg = f"{year} is not a year of this plan (years: {', '.join(map(str, years))})"
        raise NotFoundError(
            f"year {year} is not in this plan", issues=[FieldIssue(loc_prefix + "year", msg)]
        )
    out: list[DayRoutes] = []
    for p in plans:
        if year is not None and p.year != year:
            continue
        if p.routes is None:
            msg = (
                f"the plan of {p.year} kept no routes (planned before they were kept, or "
                "with keep_routes false)"
            )
            raise NotFoundError(f"no routes for {p.year}", issues=[FieldIssue("routes", msg)])
        out += [d for d in p.routes if season is None or d.season == season]
    return tuple(out)


def routes_geojson(
    days: Sequence[DayRoutes], nets: Mapping[int, Network] | None = None
) -> dict[str, Any]:
    """RFC 7946 FeatureCollection of ``days``: a LineString per route (depot, stops and
    charging stops in order, depot; along the road links of the day's year, see
    :mod:`freight.fleet.geojson`), a Point per unserved stop; each Feature says its
    ``year``, ``season`` and ``vehicle``. ``nets``: the network of each year (default: the
    shipped network of that year)."""
    drawers: dict[int, RoadDrawer] = {}
    features: list[dict[str, Any]] = []
    for day in days:
        where: dict[str, list[float]] = {d.id: [d.lon, d.lat] for d in day.depots}
        depot_of: dict[str, str] = {}
        extra: list[dict[str, Any]] = []
        for r in day.routes:
            where |= {s.id: [s.lon, s.lat] for s in r.stops}
            where |= {c.site: [c.lon, c.lat] for c in r.charging}
            depot_of[router_type(r)] = r.depot
            extra.append({
                "year": day.year, "season": day.season, "vehicle": r.vehicle,
                "vehicle_type": r.vehicle_type, "start": r.start, "end": r.end,
                "load_kg": r.load_kg,
            })  # fmt: skip
        where |= {u.id: [u.lon, u.lat] for u in day.unserved}
        if day.year not in drawers:
            drawers[day.year] = RoadDrawer(_network_of(day.year, nets))
        features += route_features(
            where, depot_of, day_result(day).to_dict(), drawer=drawers[day.year],
            id_prefix=f"{day.year}-{day.season}-", extra=extra,
            unserved_extra={"year": day.year, "season": day.season},
        )  # fmt: skip
    return {"type": "FeatureCollection", "name": "fleet plan routes", "features": features}


def _network_of(year: int, nets: Mapping[int, Network] | None) -> Network:
    if nets is not None and year in nets:
        return nets[year]
    from freight.network.years import default_network_for_year

    return default_network_for_year(year)
