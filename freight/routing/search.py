"""Time-dependent multi-criteria label-setting over the rail–road state graph.

States are ``(node, where)`` with ``where`` one of: on a truck (``ROAD``), in a rail yard
ready to board (``YARD``), on wagons just off a train (``WAGON``). Moves:

* road link (truck): waits out daily entry bans, then drives;
* siding link (shunting): wagons move between a siding and its station, no timetable;
* train ride: board the next run of a service calling here whose departure is not before
  now and that still has capacity for the cargo (``CapacityLedger``), alight at any later
  stop;
* transfer at a terminal (road->rail, rail->road, rail->rail): handling hours and cost,
  only where the rules allow the form to be loaded to/from rail.

Labels carry (cost, time, CO2[, transfers]); a label is dropped when another label at the
same state, or an already found arrival, is at least as good in every criterion. Costs,
times and CO2 only grow along a path and arriving earlier never hurts (waiting is free),
so the surviving arrivals are exactly the Pareto-optimal routes.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter

from freight.errors import FieldIssue, InputError, NotFoundError
from freight.network.model import CargoForm, Network, RailService
from freight.routing.index import CapacityLedger, FormView, RoutingIndex
from freight.routing.labels import (
    Label,
    LabelBags,
    Rates,
    consignment_rates,
    rebuild_alternative,
)
from freight.routing.model import (
    PIGGYBACK_MODE,
    Objective,
    RouteRequest,
    RouteResult,
)

ROAD, YARD, WAGON, FINAL = 0, 1, 2, 3
#: a road semitrailer at a piggyback ramp ready to roll on; on a piggyback wagon off a train
PB_YARD, PB_WAGON = 4, 5
#: on a truck that has not driven yet (at the origin, or just off rail): the road fixed
#: charge is due with its first road link, and not at all if it hands over at once
ROAD_NEW = 6
ON_ROAD = (ROAD, ROAD_NEW)
DAY_MIN = 1440.0
#: Look this many days ahead for a train run with spare capacity.
RUN_HORIZON_DAYS = 14
_EPS = 1e-9


def _ban_wait(t: float, bans: tuple[tuple[int, int], ...]) -> float:
    """Minutes a truck at time ``t`` must wait before it may enter (daily bans)."""
    wait = 0.0
    for _ in range(4):  # bans may chain; four rounds are plenty for daily windows
        m = (t + wait) % DAY_MIN
        moved = False
        for s, e in bans:
            inside = (s <= m < e) if s <= e else (m >= s or m < e)
            if inside:
                wait += (e - m) % DAY_MIN
                moved = True
        if not moved:
            break
    return wait


def _check_request(network: Network, req: RouteRequest) -> None:
    issues: list[FieldIssue] = []
    for loc, nid in (("$.origin", req.origin), ("$.destination", req.destination)):
        if nid not in network.nodes:
            raise NotFoundError(
                f"unknown node id {nid!r} at {loc}", issues=[FieldIssue(loc, "unknown id")]
            )
        if not network.nodes[nid].accepts_freight:
            issues.append(
                FieldIssue(loc, f"rule no-freight-at-passenger-station: {nid} takes no freight")
            )
    for nid in sorted(req.avoid_nodes):
        if nid not in network.nodes:
            raise NotFoundError(
                f"unknown node id {nid!r} in $.avoid.nodes",
                issues=[FieldIssue("$.avoid.nodes", f"unknown id {nid!r}")],
            )
    if issues:
        raise InputError("route query breaks a rule", issues=issues)


@dataclass(frozen=True, slots=True)
class _Query:
    """Everything the search needs about one request, computed once (stage 1)."""

    req: RouteRequest
    index: RoutingIndex
    view: FormView
    rates: Rates
    ledger: CapacityLedger
    #: rule name -> options it cut (filled during the search, reported in the answer)
    pruned: dict[str, int]
    no_road: bool
    no_rail: bool
    no_siding: bool
    no_piggyback: bool
    road_modes_off: frozenset[str]
    xfer_co2: float
    is_container: bool
    #: Monday 00:00 of the ready week: search times are minutes since then
    anchor: datetime
    t0: float
    key: Callable[[Label], tuple[float, float, float]]

    def to_dt(self, m: float) -> datetime:
        return self.anchor + timedelta(minutes=m)


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What the label search found (stage 2): the surviving arrivals, Pareto-optimal."""

    finals: list[Label]
    settled: int


def _prepare(
    network: Network | RoutingIndex, req: RouteRequest, ledger: CapacityLedger | None
) -> _Query:
    """Validate the request and derive rates, mode switches and the time origin."""
    index = network if isinstance(network, RoutingIndex) else RoutingIndex(network)
    net = index.network
    _check_request(net, req)
    view = index.view(req.cargo.form)
    rates = consignment_rates(net, view, req)
    am = req.avoid_modes
    no_rail = "rail" in am or not view.rail_ok
    # time origin: Monday 00:00 of the ready week, so weekday = (t // 1440) % 7
    ready = req.ready_at
    anchor = datetime.combine(
        ready.date() - timedelta(days=ready.weekday()), datetime.min.time(), tzinfo=ready.tzinfo
    )
    # heap key (C attrgetter: builds the same tuple as a Python function, faster)
    key: Callable[[Label], tuple[float, float, float]]
    if req.objective is Objective.TIME:
        key = attrgetter("t", "cost", "co2")
    elif req.objective is Objective.CO2:
        key = attrgetter("co2", "cost", "t")
    else:
        key = attrgetter("cost", "t", "co2")
    return _Query(
        req=req,
        index=index,
        view=view,
        rates=rates,
        ledger=ledger or CapacityLedger(),
        pruned=dict(view.pruned),
        no_road="road" in am or not view.road_ok,
        no_rail=no_rail,
        no_siding=no_rail or "siding" in am,
        no_piggyback=no_rail or PIGGYBACK_MODE in am or not view.pb_ok or "road" in am,
        road_modes_off=frozenset(m for m in am if m.startswith("road_")),
        xfer_co2=net.costs.transfer_co2_kg_per_t * rates.tonnes,
        is_container=req.cargo.form is CargoForm.CONTAINER,
        anchor=anchor,
        t0=(ready - anchor).total_seconds() / 60.0,
        key=key,
    )


class _Frontier:
    """Labels of the search: non-dominated bags per state, the heap, the arrivals."""

    __slots__ = (
        "bags", "co2_q", "counter", "dest", "dest_loadable", "finals", "heap", "key", "lb_get",
        "max_tr", "pruned", "unit_q",
    )  # fmt: skip

    def __init__(self, q: _Query) -> None:
        req = q.req
        self.max_tr = req.max_transfers
        self.pruned = q.pruned
        self.key = q.key
        self.bags = LabelBags(use_ntr=self.max_tr is not None)
        self.finals: list[Label] = []
        self.heap: list[tuple[tuple[float, float, float], int, Label]] = []
        self.counter = 0
        self.dest = req.destination
        self.dest_loadable = self.dest in q.view.loadable
        # lower bounds to the destination (per unit of quantity): prune hopeless labels early
        self.lb_get = q.index.bounds(req.cargo.form, self.dest).get
        self.unit_q = q.rates.teu if q.is_container else q.rates.tonnes
        self.co2_q = q.rates.tonnes / 1000.0

    def dominated_by_final(self, lab: Label) -> bool:
        """Whether a found arrival beats ``lab`` even after the cheapest way on."""
        b = self.lb_get(lab.node)
        if b is None:
            return True  # the destination cannot be reached from here at all
        finals = self.finals
        if not finals:
            return False
        c = lab.cost + b[0] * self.unit_q + 1e-6
        tt = lab.t + b[1] + 1e-6
        g = lab.co2 + b[2] * self.co2_q + 1e-6
        # plain loops, not any(<generator>): this runs ~400 times per query
        if self.max_tr is None:
            for o in finals:  # noqa: SIM110
                if o.cost <= c and o.t <= tt and o.co2 <= g:
                    return True
            return False
        ntr = lab.ntr
        for o in finals:  # noqa: SIM110
            if o.cost <= c and o.t <= tt and o.co2 <= g and o.ntr <= ntr:
                return True
        return False

    def push(self, lab: Label) -> None:
        """Queue ``lab`` unless pruned or dominated; at the destination it is an arrival."""
        max_tr = self.max_tr
        if max_tr is not None and lab.ntr > max_tr:
            self.pruned["max_transfers"] = self.pruned.get("max_transfers", 0) + 1
            return
        if self.dominated_by_final(lab):
            return
        dest = self.dest
        where = lab.where
        if lab.node == dest and (
            where in ON_ROAD or (self.dest_loadable and where in (YARD, WAGON))
        ):
            fin = Label(lab.cost, lab.t, lab.co2, lab.ntr, dest, FINAL, lab, None)
            if self.bags.insert(fin):
                self.finals[:] = [f for f in self.finals if not f.dead] + [fin]
            return
        if self.bags.insert(lab):
            self.counter += 1
            heapq.heappush(self.heap, (self.key(lab), self.counter, lab))


def _start(q: _Query, fr: _Frontier) -> None:
    """The origin labels: on a truck, and in the yard if the form may be loaded there."""
    origin = q.req.origin
    if not q.no_road:
        fr.push(Label(0.0, q.t0, 0.0, 0, origin, ROAD_NEW, None, ("start", "road")))
    if not q.no_rail:
        if origin in q.view.loadable:
            fr.push(Label(0.0, q.t0, 0.0, 0, origin, YARD, None, ("start", "rail")))
        else:
            node = q.index.network.nodes[origin]
            why = q.index.rail_rule_violation(node, q.req.cargo.form)
            if why and node.rail_access:
                q.pruned[why + ":origin"] = q.pruned.get(why + ":origin", 0) + 1


def _transfer_cost(q: _Query, node: str) -> tuple[float, float]:
    """(handling cost CNY, handling hours) of the consignment at a terminal."""
    h = q.index.network.nodes[node].handling
    c = h.cost_cny_per_teu * q.rates.teu if q.is_container else h.cost_cny_per_t * q.rates.tonnes
    return c, h.hours


def _handling_start(q: _Query, node: str, t: float) -> float | None:
    """When a transfer at ``node`` reached at ``t`` can start: now, or the start of the
    first later day whose handling capacity takes the consignment (ledger terminal days)."""
    if not q.ledger.terminal_capacity:
        return t
    today = math.floor(t / DAY_MIN)
    teu = q.rates.teu if q.is_container else 0.0
    nd = q.index.network.nodes[node]
    for day in range(today, today + RUN_HORIZON_DAYS):
        on = q.anchor.date() + timedelta(days=day)
        if q.ledger.terminal_fits(nd, on, q.rates.tonnes, teu):
            return t if day == today else day * DAY_MIN
        q.ledger.note_full(node, on)
    q.pruned["terminal_full"] = q.pruned.get("terminal_full", 0) + 1
    return None


def _expand_road(q: _Query, fr: _Frontier, lab: Label) -> None:
    """From a truck: drive each road link (after any entry ban), or hand over to rail."""
    u, t, rates, push = lab.node, lab.t, q.rates, fr.push
    avoid_n, modes_off = q.req.avoid_nodes, q.road_modes_off
    fixed = rates.road_fixed if lab.where == ROAD_NEW else 0.0
    for arc in q.view.road.get(u, ()):
        if arc.to in avoid_n or arc.mode in modes_off:
            continue
        wait = _ban_wait(t, arc.bans) if arc.bans else 0.0
        if wait > 0:
            q.pruned["time_ban_waits"] = q.pruned.get("time_ban_waits", 0) + 1
        arr = t + wait + arc.minutes
        push(
            Label(
                lab.cost + fixed + rates.road_cny_km * arc.km, arr,
                lab.co2 + rates.road_co2_km * arc.km, lab.ntr, arc.to, ROAD, lab,
                ("road", arc.link_id, u, arc.to, t, arr, arc.km, wait),
            )
        )  # fmt: skip
    if not q.no_piggyback and u in q.view.ramps:
        _roll(q, fr, lab, "road->piggyback", PB_YARD)
    if not q.no_rail and u in q.view.loadable and u != q.req.origin:
        hs = _handling_start(q, u, t)
        if hs is None:
            return
        c, hours = _transfer_cost(q, u)
        push(
            Label(
                lab.cost + c, hs + hours * 60.0, lab.co2 + q.xfer_co2, lab.ntr + 1, u, YARD, lab,
                ("xfer", "road->rail", u, hs, hours, c, q.xfer_co2),
            )
        )  # fmt: skip
        if u in q.view.drop_hook:
            _drop_and_hook(q, fr, lab, "road->rail", YARD, hs, c, hours)


def _drop_and_hook(
    q: _Query, fr: _Frontier, lab: Label, kind: str, where: int, hs: float, c: float,
    hours: float,
) -> None:  # fmt: skip
    """The same road<->rail transfer with semitrailers swapped (甩挂): ``hours`` less the
    terminal's configured saving, plus the swap fee per trailer, minus the tractor time it
    saves (a share of the road fixed charge; the loader keeps the transfer cost >= 0)."""
    opt = q.view.drop_hook[lab.node]
    r = q.rates
    h = max(hours - opt.hours, 0.0)
    cost = c + opt.cost_cny_per_trailer * r.trailers - r.tractor_saved
    move = ("xfer", kind, lab.node, hs, h, cost, q.xfer_co2, r.tractor_saved)
    fr.push(
        Label(
            lab.cost + cost, hs + h * 60.0, lab.co2 + q.xfer_co2, lab.ntr + 1,
            lab.node, where, lab, move,
        )
    )  # fmt: skip


def _roll(q: _Query, fr: _Frontier, lab: Label, kind: str, where: int, times: int = 1) -> None:
    """Trailers roll on or off a piggyback train at a ramp (``times`` = 2: off and on)."""
    u = lab.node
    hs = _handling_start(q, u, lab.t)
    if hs is None:
        return
    ramp = q.view.ramps[u]
    hours = ramp.hours * times
    cost = ramp.cost_cny_per_trailer * q.rates.trailers * times
    fr.push(
        Label(
            lab.cost + cost, hs + hours * 60.0, lab.co2, lab.ntr + 1, u, where, lab,
            ("xfer", kind, u, hs, hours, cost, 0.0),
        )
    )  # fmt: skip


def _expand_rail(q: _Query, fr: _Frontier, lab: Label) -> None:
    """In a rail state: shunt along sidings; off a train, transfer to road or another train."""
    u, t, where, rates, push = lab.node, lab.t, lab.where, q.rates, fr.push
    if not q.no_siding:
        for sarc in q.view.shunt.get(u, ()):
            if sarc.to in q.req.avoid_nodes:
                continue
            arr = t + sarc.minutes
            push(
                Label(
                    lab.cost + rates.rail_cny_km * sarc.km, arr,
                    lab.co2 + rates.rail_co2_km * sarc.km, lab.ntr, sarc.to, where, lab,
                    ("shunt", sarc.link_id, u, sarc.to, t, arr, sarc.km),
                )
            )  # fmt: skip
    if where != WAGON or u not in q.view.loadable:
        return
    hs = _handling_start(q, u, t)
    if hs is None:
        return
    c, hours = _transfer_cost(q, u)
    tt, co2 = hs + hours * 60.0, lab.co2 + q.xfer_co2
    if not q.no_road:
        push(
            Label(
                lab.cost + c, tt, co2, lab.ntr + 1, u, ROAD_NEW, lab,
                ("xfer", "rail->road", u, hs, hours, c, q.xfer_co2),
            )
        )  # fmt: skip
        if u in q.view.drop_hook:
            _drop_and_hook(q, fr, lab, "rail->road", ROAD_NEW, hs, c, hours)
    push(
        Label(
            lab.cost + c, tt, co2, lab.ntr + 1, u, YARD, lab,
            ("xfer", "rail->rail", u, hs, hours, c, q.xfer_co2),
        )
    )  # fmt: skip


def _next_run(
    q: _Query, svc: RailService, t: float, dep_at_i: float, trailers: bool = False
) -> tuple[int, date] | None:
    """(day, run date) of the first run leaving at or after ``t`` with room for the
    consignment's tonnes and TEU (and, with ``trailers``, its trailer slots), or None."""
    rates = q.rates
    d = math.ceil((t - dep_at_i) / DAY_MIN - _EPS)
    for day in range(d, d + RUN_HORIZON_DAYS):
        if day % 7 not in svc.weekdays:
            continue
        run_date = q.anchor.date() + timedelta(days=day)
        rem_t, rem_teu = q.ledger.remaining(svc, run_date)
        if (
            (trailers and rates.trailers > q.ledger.remaining_trailers(svc, run_date) + _EPS)
            or rates.tonnes > rem_t + _EPS
            or (q.is_container and rates.teu > rem_teu + _EPS)
        ):
            q.pruned["train_full"] = q.pruned.get("train_full", 0) + 1
            q.ledger.note_full(svc.id, run_date)
            continue
        return day, run_date
    return None


def _ride(q: _Query, fr: _Frontier, lab: Label, piggyback: bool) -> None:
    """In the yard (or at a ramp, ``piggyback``): board the next run with room of each
    service calling here, to every later stop of the run."""
    u, t, rates = lab.node, lab.t, q.rates
    if piggyback:
        boardings = q.view.pb_boardings.get(u, ())
        fixed, cny_km, co2_km, where, tag = (
            rates.pb_fixed, rates.pb_cny_km, rates.pb_co2_km, PB_WAGON, "pbride",
        )  # fmt: skip
    else:
        boardings = q.view.boardings.get(u, ())
        fixed, cny_km, co2_km, where, tag = (
            rates.rail_fixed, rates.rail_cny_km, rates.rail_co2_km, WAGON, "ride",
        )  # fmt: skip
    for b in boardings:
        svc = b.service
        dep_at_i = svc.depart_min + b.off_i_min
        found = _next_run(q, svc, t, dep_at_i, trailers=piggyback)
        if found is None:
            continue
        day, run_date = found
        dep = day * DAY_MIN + dep_at_i
        for hop in b.hops:
            if hop.to in q.req.avoid_nodes:
                continue
            arr = dep + hop.off_min
            fr.push(
                Label(
                    lab.cost + fixed + cny_km * hop.km, arr, lab.co2 + co2_km * hop.km,
                    lab.ntr, hop.to, where, lab,
                    (tag, svc.id, u, hop.to, dep, arr, hop.km, hop.links, run_date),
                )
            )  # fmt: skip


def _expand_piggyback(q: _Query, fr: _Frontier, lab: Label) -> None:
    """A trailer at a ramp boards the next piggyback run with room; off a piggyback train
    it rolls off to a tractor, or onto another piggyback train."""
    if lab.where == PB_WAGON:
        if not q.no_road:
            _roll(q, fr, lab, "piggyback->road", ROAD_NEW)
        _roll(q, fr, lab, "piggyback->piggyback", PB_YARD, times=2)
        return
    _ride(q, fr, lab, piggyback=True)


def _search(q: _Query) -> _Outcome:
    """Label setting from the origin until no label can beat the arrivals found."""
    fr = _Frontier(q)
    _start(q, fr)
    heap, settled = fr.heap, 0
    while heap:
        _, _, lab = heapq.heappop(heap)
        if lab.dead or fr.dominated_by_final(lab):
            continue
        settled += 1
        if lab.where in ON_ROAD:
            _expand_road(q, fr, lab)
            continue
        if lab.where in (PB_YARD, PB_WAGON):
            _expand_piggyback(q, fr, lab)
            continue
        _expand_rail(q, fr, lab)
        if lab.where == YARD:
            _ride(q, fr, lab, piggyback=False)
    return _Outcome([f for f in fr.finals if not f.dead], settled)


def _answer(q: _Query, found: _Outcome, t_start: float) -> RouteResult:
    """Rank the arrivals, apply ``due_by`` and rebuild legs of the routes returned."""
    req, finals, to_dt = q.req, found.finals, q.to_dt
    if not finals:
        cut = ", ".join(sorted(k for k in q.pruned if k not in ("time_ban_waits",))) or "none"
        raise InputError(
            f"no route from {req.origin} to {req.destination} for {req.cargo.form} cargo; "
            f"rules that cut options: {cut}",
            issues=[FieldIssue("$.cargo.form", f"rules applied: {', '.join(q.view.rules)}")],
        )
    finals.sort(key=q.key)
    earliest = min(f.t for f in finals)
    met: bool | None = None
    notes = list(q.index.notes)
    shown = finals  # the Pareto routes offered, before cutting to ``req.alternatives``
    if req.due_by is not None:
        due_min = (req.due_by - q.anchor).total_seconds() / 60.0
        on_time = [f for f in finals if f.t <= due_min + _EPS]
        met = bool(on_time)
        if on_time:
            late = len(finals) - len(on_time)
            if late:
                notes.append(f"{late} Pareto route(s) arriving after due_by were left out")
            shown = on_time
        else:
            notes.append(
                f"due_by {req.due_by.isoformat()} cannot be met; earliest arrival "
                f"{to_dt(earliest).isoformat()}"
            )
    # legs are rebuilt only for the routes returned (not the whole Pareto set)
    alts = [
        rebuild_alternative(f, rank, q.rates, to_dt, q.t0)
        for rank, f in enumerate(shown[: req.alternatives], start=1)
    ]
    return RouteResult(
        request=req,
        tonnes=q.rates.tonnes,
        teu=q.rates.teu,
        alternatives=tuple(alts),
        pareto_size=len(finals),
        rules_applied=q.view.rules,
        pruned=q.pruned,
        labels_settled=found.settled,
        wall_s=time.perf_counter() - t_start,
        due_by_met=met,
        earliest_arrival=to_dt(earliest),
        notes=tuple(notes),
    )


def find_routes(
    network: Network | RoutingIndex,
    req: RouteRequest,
    ledger: CapacityLedger | None = None,
) -> RouteResult:
    """Pareto-optimal rail–road routes for ``req``, ranked by ``req.objective``.

    Pass a prebuilt ``RoutingIndex`` for repeated queries; pass a ``CapacityLedger`` so that
    trains already booked are skipped. Stages: ``_prepare`` (request -> ``_Query``),
    ``_search`` (label setting -> ``_Outcome``), ``_answer`` (-> ``RouteResult``).

    Raises
    ------
    NotFoundError
        origin, destination or an avoided node is not in the network.
    InputError
        the query breaks a rule, or the rules leave no route at all (names the rules).
    """
    t_start = time.perf_counter()
    q = _prepare(network, req, ledger)
    return _answer(q, _search(q), t_start)
