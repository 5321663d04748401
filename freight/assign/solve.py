"""Assign a year's shipments to rail–road routes under link, terminal and train capacities.

Method (column set + LP):

1. Aggregate shipments into groups (origin, destination, form, commodity, month): costs
   are linear in tonnes, so a group behaves like its shipments summed.
2. Candidate routes per (origin, destination, form, commodity) come from the router
   (``freight.routing``, see ``freight.assign.candidates``): the Pareto alternatives under the cost,
   time and CO2 objectives, a rail route that avoids the terminals of the cheapest one (so
   a full station has a fallback), the cheapest road-only route (so a full train never
   leaves tonnes unserved that trucks could carry), and one query per parallel train
   service, with the ready time shifted to that train's departure (so equally priced
   trains each offer their capacity). Private sidings (``private_nodes``) carry only
   cargo that starts or ends there. Each route's resource use per tonne: trucks on road
   links (1/payload), train-loads on rail links and sidings, tonnes (and TEU) through
   terminals where it is loaded to/from rail, tonnes (and TEU) on each train service.
3. Monthly capacities: links ``capacity_per_day x days``, terminals ``capacity_t_per_day
   x days`` (TEU for containers), services ``capacity x runs in the month``.
4. ``freight.assign.lp.solve_lp`` (GLOP) serves as much as capacity allows at least cost;
   the uncapacitated all-cheapest-path assignment is computed alongside for comparison.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from freight.assign import summary
from freight.assign.candidates import candidate_routes, parallel_services, private_nodes
from freight.assign.lp import Candidate, Group, LpResult, solve_lp
from freight.assign.summary import MULTIMODAL_FORMS, Usage
from freight.errors import FieldIssue, InputError, NotFoundError
from freight.network.model import (
    DROP_AND_HOOK,
    PIGGYBACK_RAMP,
    CargoForm,
    Network,
    RailService,
)
from freight.network.years import nodes_not_in_year
from freight.routing import RoutingIndex
from freight.routing.model import HAZMAT_COMMODITIES, REEFER_COMMODITIES


class ShipmentLike(Protocol):
    """What assignment reads of a shipment (read-only, so frozen dataclasses match)."""

    @property
    def id(self) -> str: ...
    @property
    def origin(self) -> str: ...
    @property
    def destination(self) -> str: ...
    @property
    def commodity(self) -> str: ...
    @property
    def form(self) -> Any: ...  # CargoForm or its string value
    @property
    def tonnes(self) -> float: ...
    @property
    def ready_date(self) -> Any: ...  # date or datetime


@dataclass(frozen=True, slots=True)
class AssignOptions:
    """Scenario knobs: CO2 price, closed links/stations/services, solver limit."""

    co2_price_cny_per_t: float = 0.0  # CNY per tonne of CO2
    closed: frozenset[str] = frozenset()
    new_services: tuple[RailService, ...] = ()
    time_limit_s: float = 30.0
    max_routes_per_od: int = 6

    def __post_init__(self) -> None:
        if self.co2_price_cny_per_t < 0:
            raise InputError("co2 price must be >= 0", issues=[FieldIssue("co2_price", "< 0")])
        if self.time_limit_s <= 0:
            raise InputError("time limit must be > 0", issues=[FieldIssue("time_limit_s", "<= 0")])


@dataclass(frozen=True, slots=True)
class RouteFlow:
    """Tonnes of one demand group on one candidate route, with the route's road links.

    ``road_links`` are the ids of the road links the route drives (sorted, not in driving
    order); downstream planners (heavy-truck lanes) rebuild the road legs from them.
    """

    origin: str
    destination: str
    form: str
    commodity: str
    period: str  # YYYY-MM
    tonnes: float
    rail: bool
    road_links: tuple[str, ...]
    forms: tuple[str, ...] = ()  # multimodal forms of the route (piggyback, drop_and_hook)


@dataclass(frozen=True)
class AssignResult:
    """The assignment and the uncapacitated comparison (``to_dict`` = the assignment JSON)."""

    year: int | None
    shipments: int
    groups: int
    tonnes_total: float
    tonnes_assigned: float
    rail_tonnes: float
    rail_tkm: float
    tkm: float
    objective_cny: float
    co2_kg: float
    utilization: tuple[Usage, ...]  # peak period per resource
    bottlenecks: tuple[dict[str, Any], ...]
    unassigned: tuple[dict[str, Any], ...]
    uncapacitated: dict[str, Any]
    lp_status: str
    candidates: int
    wall_s: float
    timings: dict[str, float]
    options: AssignOptions
    notes: tuple[str, ...] = field(default=())
    flows: tuple[RouteFlow, ...] = field(default=())  # not in to_dict (large)
    #: tonnes on routes that use each multimodal form (a route may use both)
    form_tonnes: dict[str, float] = field(default_factory=dict)

    @property
    def tonnes_unassigned(self) -> float:
        return self.tonnes_total - self.tonnes_assigned

    def to_dict(self) -> dict[str, Any]:
        assigned = self.tonnes_assigned
        return {
            "year": self.year,
            "shipments": self.shipments,
            "groups": self.groups,
            "tonnes_total": round(self.tonnes_total, 3),
            "tonnes_assigned": round(assigned, 3),
            "tonnes_unassigned": round(self.tonnes_unassigned, 3),
            "rail_share": round(self.rail_tonnes / assigned, 4) if assigned else 0.0,
            "rail_tkm_share": round(self.rail_tkm / self.tkm, 4) if self.tkm else 0.0,
            "tonnes_by_multimodal_form": {
                k: round(self.form_tonnes.get(k, 0.0), 3) for k in MULTIMODAL_FORMS
            },
            "objective_cny": round(self.objective_cny, 2),
            "co2_kg": round(self.co2_kg, 1),
            "utilization": [
                {
                    "id": u.id,
                    "kind": u.kind,
                    "period": u.period,
                    "load": round(u.load, 3),
                    "capacity": round(u.capacity, 3),
                    "unit": u.unit,
                    "ratio": round(u.ratio, 4),
                }
                for u in self.utilization
            ],
            "bottlenecks": list(self.bottlenecks),
            "unassigned": list(self.unassigned),
            "uncapacitated": self.uncapacitated,
            "capacity_cost_cny": round(
                self.objective_cny - self.uncapacitated["objective_cny_same_tonnes"], 2
            ),
            "scenario": {
                "co2_price_cny_per_t": self.options.co2_price_cny_per_t,
                "closed": sorted(self.options.closed),
                "new_services": [svc.id for svc in self.options.new_services],
            },
            "method": "path LP (OR-Tools GLOP) over router candidates, monthly capacities",
            "lp_status": self.lp_status,
            "candidates": self.candidates,
            "notes": list(self.notes),
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "wall_s": round(self.wall_s, 3),
        }


def _period(d: Any) -> tuple[str, int]:
    if isinstance(d, datetime):
        d = d.date()
    if not isinstance(d, date):
        d = date.fromisoformat(str(d)[:10])
    return f"{d.year:04d}-{d.month:02d}", d.year


def _days(period: str) -> tuple[int, list[int]]:
    y, m = int(period[:4]), int(period[5:7])
    n = calendar.monthrange(y, m)[1]
    return n, [date(y, m, d).weekday() for d in range(1, n + 1)]


def apply_closures(
    network: Network, closed: Iterable[str], new_services: Iterable[RailService] = ()
) -> tuple[Network, frozenset[str]]:
    """Add new services; drop closed links and services; closed stations become avoided."""
    links = dict(network.links)
    services = dict(network.services)
    for svc in new_services:
        for stop in svc.route:
            if stop not in network.nodes:
                raise NotFoundError(
                    f"new service {svc.id}: unknown station {stop!r}",
                    issues=[FieldIssue(f"new_services.{svc.id}.route", f"unknown id {stop!r}")],
                )
        if svc.id in services:
            raise InputError(
                f"new service id {svc.id!r} already exists",
                issues=[FieldIssue(f"new_services.{svc.id}.id", "duplicate id")],
            )
        services[svc.id] = svc
    avoid: set[str] = set()
    for cid in closed:
        if cid in network.nodes:
            avoid.add(cid)
        elif cid in links:
            del links[cid]
        elif cid in services:
            del services[cid]
        else:
            raise NotFoundError(
                f"closed id {cid!r} is no node, link or service",
                issues=[FieldIssue("closed", f"unknown id {cid!r}")],
            )
    return replace(network, links=links, services=services), frozenset(avoid)


def _capacities(
    net: Network, resources: set[str], periods: set[str]
) -> dict[tuple[str, str], float]:
    cap: dict[tuple[str, str], float] = {}
    for p in periods:
        ndays, weekdays = _days(p)
        for r in resources:
            kind, _, rid = r.partition(":")
            value = 0.0
            if kind == "link":
                value = net.links[rid].capacity_per_day * ndays
            elif kind == "terminal":
                value = net.nodes[rid].handling.capacity_t_per_day * ndays
            elif kind == "terminal_teu":
                value = net.nodes[rid].handling.capacity_teu_per_day * ndays
            elif kind in ("service", "service_teu", "service_trailers"):
                svc = net.services[rid]
                runs = sum(1 for w in weekdays if w in svc.weekdays)
                per_run = {
                    "service": svc.capacity_t,
                    "service_teu": svc.capacity_teu,
                    "service_trailers": svc.capacity_trailers,
                }[kind]
                value = per_run * runs
            elif kind in ("ramp", "drop_hook"):
                opt = net.option(rid, PIGGYBACK_RAMP if kind == "ramp" else DROP_AND_HOOK)
                value = opt.capacity_trailers_per_day * ndays if opt else 0.0
            if value > 0:
                cap[(r, p)] = value
    return cap


_Key = tuple[str, str, CargoForm, str, str]  # origin, destination, form, commodity, period


@dataclass(frozen=True, slots=True)
class _Demand:
    """Shipments summed per group key (stage 1): [tonnes, shipments] per key."""

    totals: dict[_Key, list[float]]
    tonnes_total: float
    year: int | None
    absent: dict[_Key, list[float]]  # groups at a node the network's year lacks


@dataclass(frozen=True, slots=True)
class _Columns:
    """The LP's rows and columns (stage 2): groups with their candidate routes."""

    groups: list[Group]
    keys: dict[str, _Key]  # group id -> its key
    no_route: dict[str, str | None]  # group id -> why the router found nothing (or None)
    candidates: int  # distinct candidate routes (shared by groups of one OD)
    private: frozenset[str]


def _aggregate(net: Network, shipments: Sequence[ShipmentLike], year: int | None) -> _Demand:
    """Validate shipments and sum them per (origin, destination, form, commodity, month)."""
    agg: dict[_Key, list[float]] = {}
    absent: dict[_Key, list[float]] = {}
    not_built = nodes_not_in_year(net)
    tonnes_total = 0.0
    for k, s in enumerate(shipments):
        try:
            form = CargoForm(str(s.form))
        except ValueError:
            raise InputError(
                f"shipment {s.id}: unknown form {s.form!r}",
                issues=[FieldIssue(f"shipments[{k}].form", "unknown form")],
            ) from None
        if not s.tonnes > 0:
            raise InputError(
                f"shipment {s.id}: tonnes must be > 0",
                issues=[FieldIssue(f"shipments[{k}].tonnes", f"{s.tonnes}")],
            )
        for end in (s.origin, s.destination):
            if end not in net.nodes and end not in not_built:
                raise NotFoundError(f"shipment {s.id}: unknown node {end!r}")
        period, y = _period(s.ready_date)
        year = year or y
        missing = s.origin not in net.nodes or s.destination not in net.nodes
        acc = (absent if missing else agg).setdefault(
            (s.origin, s.destination, form, s.commodity, period), [0.0, 0.0]
        )
        acc[0] += s.tonnes
        acc[1] += 1
        tonnes_total += s.tonnes
    return _Demand(agg, tonnes_total, year, absent)


def _not_in_year(net: Network, demand: _Demand) -> list[dict[str, Any]]:
    """Unassigned entries for groups at a node that the network's year lacks."""
    out = []
    for (o, d, form, com, period), (tons, count) in sorted(demand.absent.items()):
        gone = [n for n in (o, d) if n not in net.nodes]
        why = (
            f"not in the network of {net.meta.get('year', '?')}: "
            + ", ".join(gone)
            + " not built yet (or closed) in that year"
        )
        out.append(
            {"origin": o, "destination": d, "form": str(form), "commodity": com, "period": period,
             "shipments": int(count), "tonnes": round(tons, 3), "reason": why}
        )  # fmt: skip
    return sorted(out, key=lambda e: -float(e["tonnes"]))


def _columns(
    index: RoutingIndex, demand: _Demand, options: AssignOptions, avoid: frozenset[str]
) -> _Columns:
    """Candidate routes per group; routes depend on the commodity only through its rules
    and its tonnes per TEU, so groups that agree on those share one router query set."""
    net = index.network
    cand_cache: dict[tuple[Any, ...], tuple[list[Candidate], str | None]] = {}
    groups: list[Group] = []
    keys: dict[str, _Key] = {}
    no_route: dict[str, str | None] = {}
    per_teu = net.costs.teu_to_t
    hazmat_like = HAZMAT_COMMODITIES | REEFER_COMMODITIES
    parallel = parallel_services(net)
    private = private_nodes(net)
    for key, (tonnes, count) in sorted(demand.totals.items()):
        o, d, form, com, period = key
        ck = (o, d, form, per_teu(com), com if com in hazmat_like else "")
        if ck not in cand_cache:
            cand_cache[ck] = candidate_routes(
                index, o, d, com, form, avoid=avoid,
                co2_price=options.co2_price_cny_per_t, max_routes=options.max_routes_per_od,
                year=demand.year or 2025, parallel=parallel, private=private,
            )  # fmt: skip
        gid = f"{o}>{d}|{form}|{com}|{period}"
        groups.append(Group(gid, period, tonnes, tuple(cand_cache[ck][0]), int(count)))
        keys[gid] = key
        no_route[gid] = cand_cache[ck][1]
    count_routes = sum(len(c[0]) for c in cand_cache.values())
    return _Columns(groups, keys, no_route, count_routes, private)


def _notes(index: RoutingIndex, private: frozenset[str]) -> tuple[str, ...]:
    notes = list(index.notes)
    notes.append(
        "flows are tonnes in a linear relaxation: a group's tonnes may split across routes"
    )
    if private:
        notes.append(
            f"{len(private)} private sidings load and unload only cargo that starts or ends "
            "there (no transfers of third parties' cargo)"
        )
    return tuple(notes)


def _scenario_index(
    network: Network | RoutingIndex, options: AssignOptions
) -> tuple[RoutingIndex, frozenset[str]]:
    """The routing index of the scenario's network (closures and new services applied)."""
    base = network.network if isinstance(network, RoutingIndex) else network
    net, avoid = apply_closures(base, options.closed, options.new_services)
    if options.closed or options.new_services or not isinstance(network, RoutingIndex):
        return RoutingIndex(net), avoid
    return network, avoid


def _route_flows(
    net: Network, groups: Sequence[Group], lp: LpResult, keys: dict[str, Any]
) -> tuple[RouteFlow, ...]:
    """The LP's tonnes per group and route, with each route's road links."""
    by_group = {g.id: g for g in groups}
    out = []
    for (gid, ckey), v in sorted(lp.flows.items()):
        c = next(c for c in by_group[gid].candidates if c.key == ckey)
        o, d, form, com, period = keys[gid]
        road = tuple(
            r[5:] for r, _ in c.uses
            if r.startswith("link:") and r[5:] in net.links and net.links[r[5:]].mode.is_road
        )  # fmt: skip
        out.append(RouteFlow(o, d, str(form), com, period, v, c.rail, road, c.forms))
    return tuple(out)


def assign(
    network: Network | RoutingIndex,
    shipments: Sequence[ShipmentLike],
    options: AssignOptions | None = None,
    *,
    year: int | None = None,
) -> AssignResult:
    """Assign ``shipments`` to capacitated routes; see the module docstring for the method.

    Stages: ``_aggregate`` (-> ``_Demand``), ``_columns`` (router -> ``_Columns``),
    ``_capacities`` and ``solve_lp`` (-> ``LpResult``), then ``freight.assign.summary``.
    """
    t0 = time.perf_counter()
    options = options or AssignOptions()
    index, avoid = _scenario_index(network, options)
    net = index.network
    demand = _aggregate(net, shipments, year)
    t_agg = time.perf_counter()
    cols = _columns(index, demand, options, avoid)
    groups = cols.groups
    t_cand = time.perf_counter()
    resources = {r for g in groups for c in g.candidates for r, _ in c.uses}
    capacity = _capacities(net, resources, {g.period for g in groups})
    lp = solve_lp(groups, capacity, time_limit_s=options.time_limit_s)
    t_lp = time.perf_counter()
    uncap = summary.uncapacitated(groups, capacity, lp)
    totals = summary.flow_totals(groups, lp)
    util = summary.peak_utilization(lp, capacity)
    neck = summary.bottlenecks(lp, capacity, util)
    absent = _not_in_year(net, demand)
    left = summary.unassigned(groups, lp, capacity, cols.keys, cols.no_route) + tuple(absent)
    t_end = time.perf_counter()
    return AssignResult(
        year=demand.year,
        shipments=len(shipments),
        groups=len(groups),
        tonnes_total=demand.tonnes_total,
        tonnes_assigned=demand.tonnes_total
        - sum(lp.unassigned.values())
        - sum(t for t, _ in demand.absent.values()),
        rail_tonnes=totals.rail_tonnes,
        rail_tkm=totals.rail_tkm,
        tkm=totals.tkm,
        objective_cny=lp.objective_cny,
        co2_kg=totals.co2_kg,
        utilization=util,
        bottlenecks=neck,
        unassigned=left,
        uncapacitated=uncap,
        lp_status=lp.status,
        candidates=cols.candidates,
        wall_s=t_end - t0,
        timings={
            "aggregate": t_agg - t0,
            "candidates": t_cand - t_agg,
            "lp": t_lp - t_cand,
            "report": t_end - t_lp,
        },
        options=options,
        notes=_notes(index, cols.private),
        flows=_route_flows(net, groups, lp, cols.keys),
        form_tonnes=totals.form_tonnes,
    )


__all__ = [
    "AssignOptions",
    "AssignResult",
    "LpResult",
    "RouteFlow",
    "Usage",
    "apply_closures",
    "assign",
]
