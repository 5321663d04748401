"""Build a :class:`Scenario` from ``trucks.toml``, the candidate sites and a year's lanes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from freight.errors import DataError, FieldIssue, InputError
from freight.network.model import Network
from freight.trucks.lanes import Lane, region_nodes
from freight.trucks.model import (
    Existing,
    General,
    Scenario,
    Site,
    StationCosts,
    TruckType,
    load_config,
    parse_tariff,
)
from freight.units import haversine_km

_TRUCK_FIELDS = set(TruckType.__slots__) - {"id"}


def _section(cfg: dict[str, Any], *keys: str) -> dict[str, Any]:
    node: Any = cfg
    for k in keys:
        if not isinstance(node, dict) or k not in node:
            raise DataError(f"trucks.toml: missing [{'.'.join(keys)}]")
        node = node[k]
    return dict(node)


def parse_general(cfg: dict[str, Any]) -> General:
    g = _section(cfg, "general")
    f = _section(cfg, "fuels")
    try:
        return General(
            operating_days_per_year=float(g["operating_days_per_year"]),
            discount_rate=float(g["discount_rate"]),
            speed_kmh=float(g["speed_kmh"]),
            handling_h_per_trip=float(g["handling_h_per_trip"]),
            truck_hours_per_day=float(g["truck_hours_per_day"]),
            window_start_h=int(g["window_start_h"]),
            window_end_h=int(g["window_end_h"]),
            driver_cny_per_truck_day=float(g["driver_cny_per_truck_day"]),
            grid_co2_kg_per_kwh=float(g["grid_co2_kg_per_kwh"]),
            station_om_share=float(g["station_om_share"]),
            access_road_factor=float(g["access_road_factor"]),
            dispatch_weights=tuple(float(w) for w in g["dispatch_weights"]),
            tariff_cny_per_kwh=parse_tariff(g["tariff"]),
            diesel_cny_per_l=float(f["diesel_cny_per_l"]),
            diesel_co2_kg_per_l=float(f["diesel_co2_kg_per_l"]),
            lng_cny_per_kg=float(f["lng_cny_per_kg"]),
            lng_co2_kg_per_kg=float(f["lng_co2_kg_per_kg"]),
        )
    except KeyError as exc:
        raise DataError(f"trucks.toml: missing general/fuels key {exc.args[0]!r}") from None


def parse_stations(cfg: dict[str, Any]) -> StationCosts:
    s = _section(cfg, "stations", "swap")
    c = _section(cfg, "stations", "charge")
    try:
        return StationCosts(
            swap_site_cny=float(s["site_capex_cny"]),
            swap_bay_cny=float(s["bay_capex_cny"]),
            battery_cny_per_kwh=float(s["battery_capex_cny_per_kwh"]),
            battery_charger_kw=float(s["battery_charger_kw"]),
            charge_site_cny=float(c["site_capex_cny"]),
            charger_cny=float(c["charger_capex_cny"]),
            charger_kw=float(c["charger_kw"]),
            life_years=int(s["life_years"]),
            battery_life_years=int(s["battery_life_years"]),
        )
    except KeyError as exc:
        raise DataError(f"trucks.toml: missing stations key {exc.args[0]!r}") from None


def truck_from_dict(type_id: str, d: dict[str, Any], loc: str = "trucks") -> TruckType:
    """A truck type from TOML/JSON; unknown keys and wrong types name the field."""
    extra = set(d) - _TRUCK_FIELDS
    if extra:
        k = sorted(extra)[0]
        raise InputError(
            f"{loc}.{type_id}.{k}: unknown field",
            issues=[FieldIssue(f"{loc}.{type_id}.{k}", "unknown field")],
        )
    kw: dict[str, Any] = {}
    for k, v in d.items():
        try:
            kw[k] = str(v) if k == "powertrain" else (int(v) if k == "life_years" else float(v))
        except (TypeError, ValueError):
            raise InputError(
                f"{loc}.{type_id}.{k}: not a number",
                issues=[FieldIssue(f"{loc}.{type_id}.{k}", "not a number")],
            ) from None
    try:
        return TruckType(id=type_id, **kw)
    except TypeError as exc:
        raise InputError(
            f"{loc}.{type_id}: {exc}", issues=[FieldIssue(f"{loc}.{type_id}", str(exc))]
        ) from None


def parse_trucks(cfg: dict[str, Any]) -> tuple[TruckType, ...]:
    return tuple(truck_from_dict(k, v) for k, v in sorted(_section(cfg, "trucks").items()))


def candidate_site_ids(cfg: dict[str, Any] | None = None) -> tuple[str, ...]:
    """Ids of the candidate sites (no network needed): for checking a request's ``sites``."""
    from freight.demand import load_charging_sites

    sc = _section(cfg or load_config(), "sites")
    kinds = set(sc.get("charging_site_kinds", ()))
    ids = set(sc.get("charging_site_ids", ()))
    out = [r.id for r in load_charging_sites() if str(r.kind) in kinds or r.id in ids]
    out += [f"st_{n}" for key in ("terminals", "extra_nodes") for n in sc.get(key, ())]
    return tuple(out)


def restrict_sites(
    sites: tuple[Site, ...], wanted: Sequence[str] | None, loc: str = "sites"
) -> tuple[Site, ...]:
    """Only the ``wanted`` candidate sites; an unknown id is an input error naming its index."""
    if wanted is None:
        return sites
    known = {s.id for s in sites}
    for k, sid in enumerate(wanted):
        if sid not in known:
            raise InputError(
                f"{loc}[{k}]: unknown site {sid!r}",
                issues=[FieldIssue(f"{loc}[{k}]", f"unknown site {sid!r}")],
            )
    keep = set(wanted)
    return tuple(s for s in sites if s.id in keep)


def candidate_sites(cfg: dict[str, Any], net: Network) -> tuple[Site, ...]:
    """Heavy-truck and town-DC rows of ``charging_sites.csv``, terminals and extra nodes."""
    from freight.demand import load_charging_sites

    sc = _section(cfg, "sites")
    factor = float(_section(cfg, "general")["access_road_factor"])
    region = region_nodes(net)
    road_nodes = {n for lk in net.links.values() if lk.mode.is_road for n in (lk.source, lk.target)}
    kinds = set(sc.get("charging_site_kinds", ()))
    ids = set(sc.get("charging_site_ids", ()))
    sites: list[Site] = []
    for row in load_charging_sites():
        if str(row.kind) not in kinds and row.id not in ids:
            continue
        node = row.node_id or min(
            sorted(region & road_nodes),
            key=lambda n: haversine_km(row.lat, row.lon, net.nodes[n].lat, net.nodes[n].lon),
        )
        nd = net.nodes[node]
        access = haversine_km(row.lat, row.lon, nd.lat, nd.lon) * factor
        sites.append(Site(row.id, node, round(access, 3), "charging_sites.csv"))
    for key in ("terminals", "extra_nodes"):
        for k, node in enumerate(sc.get(key, ())):
            if node not in net.nodes:
                raise DataError(f"trucks.toml: sites.{key}[{k}]: unknown node {node!r}")
            sites.append(Site(f"st_{node}", node, 0.0, f"trucks.toml sites.{key}"))
    return tuple(sites)


MAX_DETOUR_KM = 5.0  # SOURCES-trucks C3


def site_reach(net: Network, sites: tuple[Site, ...]) -> tuple[tuple[str, str, float], ...]:
    """(road node, site, km) for every region road node within ``MAX_DETOUR_KM`` of a site."""
    import networkx as nx

    from freight.trucks.lanes import _road_graph

    g = _road_graph(net)
    region = region_nodes(net)
    out = []
    for s in sites:
        if s.node not in g:
            continue
        dist = nx.single_source_dijkstra_path_length(
            g, s.node, cutoff=MAX_DETOUR_KM, weight="length_km"
        )
        out += [
            (n, s.id, round(km, 3)) for n, km in sorted(dist.items()) if n in region and n != s.node
        ]
    return tuple(out)


def build_scenario(
    year: int,
    lanes: tuple[Lane, ...],
    net: Network,
    *,
    config_path: Path | None = None,
    target_tkm_share: float = 0.0,
    budget_cny: float | None = None,
    existing: tuple[Existing, ...] = (),
    truck_overrides: dict[str, dict[str, Any]] | None = None,
    site_ids: Sequence[str] | None = None,
) -> Scenario:
    cfg = load_config(config_path)
    trucks = {t.id: t for t in parse_trucks(cfg)}
    for tid, over in (truck_overrides or {}).items():
        base = {k: getattr(trucks[tid], k) for k in _TRUCK_FIELDS} if tid in trucks else {}
        trucks[tid] = truck_from_dict(tid, {**base, **over}, "truck_types")
    sites = restrict_sites(candidate_sites(cfg, net), site_ids)
    return Scenario(
        year=year,
        lanes=lanes,
        trucks=tuple(trucks.values()),
        sites=sites,
        reach=site_reach(net, sites),
        general=parse_general(cfg),
        stations=parse_stations(cfg),
        target_tkm_share=target_tkm_share,
        budget_cny=budget_cny,
        existing=existing,
    )
