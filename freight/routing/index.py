"""Per-network precomputation for route queries, and the train capacity ledger.

``RoutingIndex`` is built once per ``Network`` and caches, per cargo form, the road
adjacency that the rules allow, the siding (shunting) adjacency, the stations where the
form may be loaded onto or off trains, and a timetable index (which services call where,
with the rail distance and link ids between any two stops). A query then only walks these
lists, which keeps one query in the low milliseconds.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from freight.network.loader import NOT_IN_TRAILERS
from freight.network.model import (
    DROP_AND_HOOK,
    PIGGYBACK_RAMP,
    CargoForm,
    Link,
    LinkMode,
    Network,
    Node,
    NodeKind,
    RailService,
    TerminalOption,
)

HAZMAT_STATION_ID = "kuytun_hazmat"
#: Node kinds outside the city: the urban hazmat rules do not apply there.
EXTERNAL_KINDS = frozenset(
    {NodeKind.CITY, NodeKind.BORDER_PORT, NodeKind.RAIL_GATEWAY, NodeKind.FOREIGN_DESTINATION}
)

RULE_NO_FREIGHT = "no-freight-at-passenger-station"
RULE_HAZMAT_ROAD = "hazmat-road-only-on-marked-links-in-city"
RULE_HAZMAT_RAIL = "hazmat-rail-only-at-kuytun_hazmat"
RULE_CONTAINER = "containers-only-via-container-terminals"
RULE_BULK = "bulk-rail-only-at-bulk-handling-stations"
RULE_REEFER = "reefer-only-via-cold-chain-hubs"
RULE_FORM_HANDLING = "terminal-must-handle-form"
RULE_SERVICE_FORM = "train-must-carry-form"
RULE_NO_COST = "mode-has-no-tariff-for-form"
RULE_PIGGYBACK = "piggyback-carries-road-trailers-only"
RULE_RAMP_FORM = "piggyback-ramp-must-take-form"

_FORM_RULE = {
    CargoForm.CONTAINER: RULE_CONTAINER,
    CargoForm.BULK: RULE_BULK,
    CargoForm.REEFER: RULE_REEFER,
}


def is_city_node(node: Node) -> bool:
    return node.kind not in EXTERNAL_KINDS


@dataclass(frozen=True, slots=True)
class RoadArc:
    link_id: str
    to: str
    mode: LinkMode
    km: float
    minutes: float
    bans: tuple[tuple[int, int], ...]  # (start_min, end_min) daily entry bans


@dataclass(frozen=True, slots=True)
class ShuntArc:
    link_id: str
    to: str
    km: float
    minutes: float


@dataclass(frozen=True, slots=True)
class Hop:
    """Ride from stop ``i`` to stop ``j`` of a service."""

    j: int
    to: str
    off_min: float  # arrival offset at stop j minus offset at stop i
    km: float
    links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Boarding:
    service: RailService
    i: int
    off_i_min: float  # offset of stop i from the run's first departure
    hops: tuple[Hop, ...]


@dataclass
class FormView:
    """What cargo of one form may use."""

    form: CargoForm
    road: dict[str, list[RoadArc]]
    shunt: dict[str, list[ShuntArc]]
    boardings: dict[str, list[Boarding]]
    loadable: frozenset[str]  # nodes where the form may be loaded/unloaded to/from rail
    pruned: dict[str, int]
    rules: tuple[str, ...]
    road_ok: bool
    rail_ok: bool
    #: piggyback trains (驮背): their boardings, and the ramps where the form rolls on/off
    pb_boardings: dict[str, list[Boarding]] = field(default_factory=dict)
    ramps: dict[str, TerminalOption] = field(default_factory=dict)
    #: terminals where road<->rail transfers of the form may swap trailers (甩挂)
    drop_hook: dict[str, TerminalOption] = field(default_factory=dict)

    @property
    def pb_ok(self) -> bool:
        return bool(self.pb_boardings)


@dataclass
class CapacityLedger:
    """Booked train capacity per run: ``(service_id, run_date) -> [tonnes, teu]``.

    Route queries see the remaining capacity; assignment and what-if studies fill it.
    ``terminals`` (``(node_id, day) -> [tonnes, teu]`` handled) is consulted only when
    ``terminal_capacity`` is on (bookings): a transfer then starts on the first day whose
    handling capacity still takes the consignment (containers count TEU, other forms
    tonnes; a node with capacity 0 in that unit is not limited).
    """

    booked: dict[tuple[str, date], list[float]] = field(default_factory=dict)
    terminals: dict[tuple[str, date], list[float]] = field(default_factory=dict)
    terminal_capacity: bool = False
    #: ``(service or node id, day) -> times`` a query found it too full for its cargo
    turned_away: dict[tuple[str, date], int] = field(default_factory=dict)
    #: semitrailers booked on piggyback runs: ``(service_id, run_date) -> trailers``
    trailers: dict[tuple[str, date], float] = field(default_factory=dict)

    def remaining_trailers(self, service: RailService, run_date: date) -> float:
        return service.capacity_trailers - self.trailers.get((service.id, run_date), 0.0)

    def note_full(self, resource: str, day: date) -> None:
        """Count a run or terminal day that its bookings made too full for a consignment
        (one too big for an empty train is not counted: no booking made it so)."""
        key = (resource, day)
        if key in self.booked or key in self.terminals:
            self.turned_away[key] = self.turned_away.get(key, 0) + 1

    def terminal_fits(self, node: Node, day: date, tonnes: float, teu: float) -> bool:
        """Whether ``node`` can still handle the consignment on ``day``."""
        if not self.terminal_capacity:
            return True
        used = self.terminals.get((node.id, day), (0.0, 0.0))
        h = node.handling
        if teu > 0:
            cap, need, have = h.capacity_teu_per_day, teu, used[1]
        else:
            cap, need, have = h.capacity_t_per_day, tonnes, used[0]
        return cap <= 0 or have + need <= cap + 1e-9

    def remaining(self, service: RailService, run_date: date) -> tuple[float, float]:
        used = self.booked.get((service.id, run_date))
        if used is None:
            return service.capacity_t, service.capacity_teu
        return service.capacity_t - used[0], service.capacity_teu - used[1]

    def book(
        self, service: RailService, run_date: date, tonnes: float, teu: float,
        trailers: float = 0.0,
    ) -> None:  # fmt: skip
        rem_t, rem_teu = self.remaining(service, run_date)
        if tonnes > rem_t + 1e-9 or teu > rem_teu + 1e-9:
            raise ValueError(
                f"service {service.id} on {run_date}: only {rem_t:g} t / {rem_teu:g} TEU left"
            )
        if trailers > self.remaining_trailers(service, run_date) + 1e-9:
            raise ValueError(
                f"service {service.id} on {run_date}: no room for {trailers:g} trailers"
            )
        used = self.booked.setdefault((service.id, run_date), [0.0, 0.0])
        used[0] += tonnes
        used[1] += teu
        if trailers:
            key = (service.id, run_date)
            self.trailers[key] = self.trailers.get(key, 0.0) + trailers


def _ramp_rule_violation(node: Node, ramp: TerminalOption, form: CargoForm) -> str | None:
    """The rule that keeps ``form`` off the piggyback ramp ``ramp`` at ``node``, or None."""
    if form in NOT_IN_TRAILERS:
        return RULE_PIGGYBACK
    if not node.accepts_freight:
        return RULE_NO_FREIGHT
    if form is CargoForm.HAZMAT and is_city_node(node) and node.id != HAZMAT_STATION_ID:
        return RULE_HAZMAT_RAIL
    if form not in ramp.forms:
        return RULE_RAMP_FORM
    return None


def _arcs(link: Link) -> list[tuple[str, str]]:
    ends = [(link.source, link.target)]
    if not link.oneway:
        ends.append((link.target, link.source))
    return ends


class RoutingIndex:
    """Precomputed, query-independent structures of one network (build once, reuse)."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self._views: dict[CargoForm, FormView] = {}
        self._bounds: dict[tuple[CargoForm, str], dict[str, tuple[float, float, float]]] = {}
        self._rail_paths: dict[tuple[str, str], tuple[float, tuple[str, ...]] | None] = {}
        self._rail_adj: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
        for link in network.links.values():
            if link.mode.is_rail:
                for a, b in _arcs(link):
                    self._rail_adj[a].append((b, link.id, link.length_km))
        self.notes: list[str] = []

    # -- rail distances between consecutive stops ---------------------------------------
    def rail_path(self, a: str, b: str) -> tuple[float, tuple[str, ...]] | None:
        """Shortest rail (incl. siding) path a->b as (km, link ids), or None."""
        key = (a, b)
        if key not in self._rail_paths:
            self._rail_paths[key] = self._dijkstra(a, b)
        return self._rail_paths[key]

    def _dijkstra(self, a: str, b: str) -> tuple[float, tuple[str, ...]] | None:
        dist = {a: 0.0}
        prev: dict[str, tuple[str, str]] = {}
        heap = [(0.0, a)]
        while heap:
            d, u = heapq.heappop(heap)
            if u == b:
                links: list[str] = []
                while u != a:
                    p, lid = prev[u]
                    links.append(lid)
                    u = p
                return d, tuple(reversed(links))
            if d > dist[u]:
                continue
            for v, lid, km in self._rail_adj.get(u, ()):
                nd = d + km
                if nd < dist.get(v, float("inf")):
                    dist[v] = nd
                    prev[v] = (u, lid)
                    heapq.heappush(heap, (nd, v))
        return None

    def _segment(self, service: RailService, k: int) -> tuple[float, tuple[str, ...]]:
        a, b = service.route[k], service.route[k + 1]
        found = self.rail_path(a, b)
        if found is not None:
            return found
        na, nb = self.network.nodes[a], self.network.nodes[b]
        from freight.units import haversine_km

        note = f"service {service.id}: no rail links {a}->{b}; distance = 1.2 x great circle"
        if note not in self.notes:
            self.notes.append(note)
        return 1.2 * haversine_km(na.lat, na.lon, nb.lat, nb.lon), ()

    # -- per-form views -------------------------------------------------------------------
    def view(self, form: CargoForm) -> FormView:
        v = self._views.get(form)
        if v is None:
            v = self._build_view(form)
            self._views[form] = v
        return v

    def rail_rule_violation(self, node: Node, form: CargoForm) -> str | None:
        """The rule that forbids loading ``form`` to/from rail at ``node``, or None."""
        if not node.accepts_freight:
            return RULE_NO_FREIGHT
        if not node.rail_access:
            return "no-rail-access"
        if form is CargoForm.HAZMAT and is_city_node(node) and node.id != HAZMAT_STATION_ID:
            return RULE_HAZMAT_RAIL
        if not node.handling.handles(form):
            return _FORM_RULE.get(form, RULE_FORM_HANDLING)
        return None

    def bounds(self, form: CargoForm, dest: str) -> dict[str, tuple[float, float, float]]:
        """Lower bounds to reach ``dest`` from each node: (cost per unit-km-rate, min, CO2).

        Per node: (cheapest sum of km x unit rate, fastest minutes, least CO2 g/t), each by
        its own reverse Dijkstra over road, siding and train-ride arcs, ignoring fixed
        charges, transfers, waits and capacity: valid lower bounds for any query of this
        form to ``dest`` (avoidances only remove arcs). Cached per (form, dest).
        """
        key = (form, dest)
        got = self._bounds.get(key)
        if got is not None:
            return got
        view = self.view(form)
        costs = self.network.costs
        rate: dict[str, tuple[float, float]] = {}
        for fam, ok in (("road", view.road_ok), ("rail", view.rail_ok)):
            if ok:
                mc = costs.mode_cost(fam, form)
                per_unit = (
                    mc.cost_cny_per_teu_km if form is CargoForm.CONTAINER else mc.cost_cny_per_tkm
                )
                rate[fam] = (per_unit, mc.co2_g_per_tkm)
        # reverse arcs: v -> u with (km-cost, minutes, co2 g/t)
        rev: dict[str, list[tuple[str, float, float, float]]] = defaultdict(list)
        if "road" in rate:
            rc, rg = rate["road"]
            for u, arcs in view.road.items():
                for a in arcs:
                    rev[a.to].append((u, rc * a.km, a.minutes, rg * a.km))
        if "rail" in rate:
            lc, lg = rate["rail"]
            for u, sarcs in view.shunt.items():
                for sa in sarcs:
                    rev[sa.to].append((u, lc * sa.km, sa.minutes, lg * sa.km))
            for u, boards in view.boardings.items():
                for b in boards:
                    for h in b.hops:
                        rev[h.to].append((u, lc * h.km, h.off_min, lg * h.km))
        trailer = costs.trailer
        if view.pb_boardings and trailer is not None:
            # per unit of quantity, a trailer holds at most ``trailer_payload_t`` tonnes (and
            # containers at most the TEU of the lightest commodity that fills it)
            per_t = 1.0 / trailer.trailer_payload_t
            per_unit = per_t
            if form is CargoForm.CONTAINER:
                per_unit = max(
                    min(costs.tonnes_per_teu.values()) * per_t, 1.0 / trailer.teu_per_trailer
                )
            pc = trailer.cost_cny_per_trailer_km * per_unit
            pg = trailer.co2_g_per_trailer_km * per_t
            for u, boards in view.pb_boardings.items():
                for b in boards:
                    for h in b.hops:
                        rev[h.to].append((u, pc * h.km, h.off_min, pg * h.km))
        out: dict[str, list[float]] = {}
        for crit in range(3):
            dist = {dest: 0.0}
            heap = [(0.0, dest)]
            while heap:
                d, v = heapq.heappop(heap)
                if d > dist[v]:
                    continue
                for u, *w in rev.get(v, ()):
                    nd = d + w[crit]
                    if nd < dist.get(u, float("inf")):
                        dist[u] = nd
                        heapq.heappush(heap, (nd, u))
            for n, d in dist.items():
                out.setdefault(n, [0.0, 0.0, 0.0])[crit] = d
        result = {n: (v[0], v[1], v[2]) for n, v in out.items()}
        self._bounds[key] = result
        return result

    def _build_view(self, form: CargoForm) -> FormView:
        net = self.network
        pruned: dict[str, int] = defaultdict(int)
        rules: list[str] = [RULE_NO_FREIGHT, RULE_SERVICE_FORM]
        if form is CargoForm.HAZMAT:
            rules += [RULE_HAZMAT_ROAD, RULE_HAZMAT_RAIL]
        rules.append(_FORM_RULE.get(form, RULE_FORM_HANDLING))
        road_ok = ("road", form) in net.costs.modes
        rail_ok = ("rail", form) in net.costs.modes
        if not road_ok:
            pruned[RULE_NO_COST + ":road"] += 1
        if not rail_ok:
            pruned[RULE_NO_COST + ":rail"] += 1

        road: dict[str, list[RoadArc]] = defaultdict(list)
        shunt: dict[str, list[ShuntArc]] = defaultdict(list)
        for link in net.links.values():
            if link.mode.is_road:
                if not road_ok:
                    continue
                a, b = net.nodes[link.source], net.nodes[link.target]
                in_city = link.mode is LinkMode.ROAD_URBAN or (is_city_node(a) and is_city_node(b))
                if form is CargoForm.HAZMAT and in_city and not link.hazmat:
                    pruned[RULE_HAZMAT_ROAD] += 1
                    continue
                bans = tuple((b_.start_min, b_.end_min) for b_ in link.truck_bans)
                for s, t in _arcs(link):
                    road[s].append(
                        RoadArc(link.id, t, link.mode, link.length_km, link.hours * 60.0, bans)
                    )
            elif link.mode is LinkMode.SIDING and rail_ok:
                for s, t in _arcs(link):
                    shunt[s].append(ShuntArc(link.id, t, link.length_km, link.hours * 60.0))

        loadable: set[str] = set()
        for node in net.nodes.values():
            why = self.rail_rule_violation(node, form)
            if why is None:
                loadable.add(node.id)
            elif node.rail_access:
                pruned[why] += 1

        ramps, drop_hook = self._trailer_options(form, pruned)
        boardings: dict[str, list[Boarding]] = defaultdict(list)
        pb_boardings: dict[str, list[Boarding]] = defaultdict(list)
        if form in NOT_IN_TRAILERS and any(s.is_piggyback for s in net.services.values()):
            rules.append(RULE_PIGGYBACK)
        for svc in net.services.values():
            if not rail_ok:
                break
            if form not in svc.forms:
                pruned[RULE_PIGGYBACK if svc.is_piggyback else RULE_SERVICE_FORM] += 1
                continue
            if svc.is_piggyback and (net.costs.trailer is None or form in NOT_IN_TRAILERS):
                pruned[RULE_PIGGYBACK] += 1
                continue
            into = pb_boardings if svc.is_piggyback else boardings
            stops = ramps if svc.is_piggyback else None
            segs = [self._segment(svc, k) for k in range(len(svc.route) - 1)]
            for i, at in enumerate(svc.route):
                if not net.nodes[at].accepts_freight or i == len(svc.route) - 1:
                    continue
                if stops is not None and at not in stops:
                    continue  # trailers roll on only at a ramp
                hops: list[Hop] = []
                km = 0.0
                links: tuple[str, ...] = ()
                for j in range(i + 1, len(svc.route)):
                    km += segs[j - 1][0]
                    links = links + segs[j - 1][1]
                    to = svc.route[j]
                    if not net.nodes[to].accepts_freight or (stops is not None and to not in stops):
                        continue
                    off = (svc.offsets_h[j] - svc.offsets_h[i]) * 60.0
                    hops.append(Hop(j, to, off, km, links))
                if hops:
                    into[at].append(Boarding(svc, i, svc.offsets_h[i] * 60.0, tuple(hops)))
        return FormView(
            form=form,
            road=dict(road),
            shunt=dict(shunt),
            boardings=dict(boardings),
            loadable=frozenset(loadable),
            pruned=dict(pruned),
            rules=tuple(rules),
            road_ok=road_ok,
            rail_ok=rail_ok,
            pb_boardings=dict(pb_boardings),
            ramps=ramps if pb_boardings else {},
            drop_hook=drop_hook,
        )

    def _trailer_options(
        self, form: CargoForm, pruned: dict[str, int]
    ) -> tuple[dict[str, TerminalOption], dict[str, TerminalOption]]:
        """(ramps, drop-and-hook terminals) that take ``form``: ramps where the rail rules
        let the form load at all (no bulk; hazmat only at the dangerous-goods station in
        the city) and whose row lists it; drop-and-hook where the node loads the form."""
        net = self.network
        ramps: dict[str, TerminalOption] = {}
        drop_hook: dict[str, TerminalOption] = {}
        if net.costs.trailer is None:
            return ramps, drop_hook
        for opt in net.options:
            node = net.nodes.get(opt.node)
            if node is None or opt.node in (ramps if opt.option == PIGGYBACK_RAMP else drop_hook):
                continue
            if opt.option == PIGGYBACK_RAMP:
                why = _ramp_rule_violation(node, opt, form)
                if why is None:
                    ramps[opt.node] = opt
                else:
                    pruned[why] += 1
            elif (
                opt.option == DROP_AND_HOOK
                and form in opt.forms
                and self.rail_rule_violation(node, form) is None
            ):
                drop_hook[opt.node] = opt
        return ramps, drop_hook
