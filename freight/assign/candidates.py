"""Candidate routes of one origin/destination/form/commodity for the assignment LP.

The router (``freight.routing.find_routes``) is asked a fixed set of queries per OD (see
``candidate_routes``); each route found becomes a ``Candidate`` with its cost per tonne and
its use of every capacitated resource per tonne (trucks on road links, train-loads on rail
links and sidings, tonnes and TEU through terminals and on each train service).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime, timedelta

from freight.assign.lp import Candidate
from freight.clock import BEIJING
from freight.errors import InputError
from freight.network.model import DROP_AND_HOOK, CargoForm, Network, NodeKind, RailService
from freight.routing import Cargo, Objective, RouteRequest, RoutingIndex, Unit, find_routes
from freight.routing.model import PIGGYBACK_MODE, Alternative, Transfer

__all__ = ["candidate_routes", "parallel_services", "private_nodes"]


SWAP_MARK = ";swap:"  # route signature: the terminals where the route swaps trailers


def _signature(alt: Alternative) -> str:
    path = ";".join(f"{leg.mode}:{leg.service or ''}:{','.join(leg.links)}" for leg in alt.legs)
    swaps = [t.terminal for t in alt.transfers if t.drop_and_hook]
    return path + (f"{SWAP_MARK}{','.join(swaps)}" if swaps else "")


def _without_swaps(net: Network, alt: Alternative) -> Alternative | None:
    """The same path with plain transfers where ``alt`` swaps trailers (drop-and-hook), or
    None: a candidate of its own, so that a full trailer pool leaves the path open. Only
    its cost and resources matter to the LP (its times are not re-timed)."""
    if not any(t.drop_and_hook for t in alt.transfers):
        return None
    plain: list[Transfer] = []
    for t in alt.transfers:
        opt = net.option(t.terminal, DROP_AND_HOOK) if t.drop_and_hook else None
        if opt is not None:
            fee = opt.cost_cny_per_trailer * t.trailers
            t = replace(
                t, cost_cny=t.cost_cny - fee + t.tractor_saved_cny, drop_and_hook=False,
                tractor_saved_cny=0.0, trailers=0,
                hours=net.nodes[t.terminal].handling.hours,
            )  # fmt: skip
        plain.append(t)
    extra = sum(p.cost_cny for p in plain) - sum(t.cost_cny for t in alt.transfers)
    return replace(alt, transfers=tuple(plain), cost_cny=alt.cost_cny + extra)


def _services_of(alt: Alternative) -> tuple[str, ...]:
    return tuple(leg.service for leg in alt.legs if leg.service)


def private_nodes(net: Network) -> frozenset[str]:
    """Nodes that handle only their owner's cargo: plant and warehouse sidings (专用线).

    ``NodeKind.SIDING`` is a railway siding of one plant or warehouse; it may load or
    unload a shipment only when it is that shipment's origin or destination, never as a
    transfer point for a third party's cargo.
    """
    return frozenset(n.id for n in net.nodes.values() if n.kind is NodeKind.SIDING)


def parallel_services(net: Network) -> dict[tuple[str, str], tuple[RailService, ...]]:
    """(boarding stop, alighting stop) -> every service calling at both in that order."""
    out: dict[tuple[str, str], list[RailService]] = defaultdict(list)
    for svc in sorted(net.services.values(), key=lambda s: s.id):
        for i, a in enumerate(svc.route):
            for b in svc.route[i + 1 :]:
                out[(a, b)].append(svc)
    return {k: tuple(v) for k, v in out.items() if len(v) > 1}


def _next_departure(
    svc: RailService, stop: str, form: CargoForm, after: datetime
) -> datetime | None:
    """First departure of ``svc`` from ``stop`` at or after ``after`` (within 8 days)."""
    if form not in svc.forms or stop not in svc.route:
        return None
    offset = timedelta(hours=svc.offsets_h[svc.route.index(stop)])
    day0 = datetime.combine((after - offset).date(), datetime.min.time(), tzinfo=after.tzinfo)
    for k in range(-1, 9):
        start = day0 + timedelta(days=k, minutes=svc.depart_min)
        if start.weekday() in svc.weekdays and start + offset >= after:
            return start + offset
    return None


def _ready_at_stop(alt: Alternative, i: int, ready: datetime) -> datetime:
    """When the cargo of ``alt`` is ready to board its ``i``-th leg (before any wait)."""
    leg = alt.legs[i]
    ends = [ready] + [lg.arrive for lg in alt.legs[:i]]
    ends += [
        t.start + timedelta(hours=t.hours)
        for t in alt.transfers
        if t.start + timedelta(hours=t.hours) <= leg.depart
    ]
    return max(e for e in ends if e <= leg.depart)


def _candidate(
    net: Network,
    alt: Alternative,
    tonnes: float,
    teu_per_t: float,
    form: CargoForm,
    co2_price: float,
) -> Candidate:
    costs = net.costs
    uses: dict[str, float] = defaultdict(float)
    rail_tkm = 0.0
    tkm = 0.0
    container = form is CargoForm.CONTAINER
    trailers_per_t = 0.0
    if costs.trailer is not None:
        trailers_per_t = costs.trailer.trailers(tonnes, tonnes * teu_per_t, container) / tonnes
    for leg in alt.legs:
        tkm += leg.distance_km
        if leg.mode == "road":
            for lid in leg.links:
                uses[f"link:{lid}"] += 1.0 / costs.road_truck_payload_t
        else:
            rail_tkm += leg.distance_km
            # a piggyback train is a train path for its own (smaller) payload
            per_train = costs.train_payload_t
            if leg.mode == PIGGYBACK_MODE and leg.service:
                per_train = net.services[leg.service].capacity_t or per_train
            for lid in leg.links:
                uses[f"link:{lid}"] += 1.0 / per_train
        if leg.service:
            uses[f"service:{leg.service}"] += 1.0
            if container:
                uses[f"service_teu:{leg.service}"] += teu_per_t
            if leg.mode == PIGGYBACK_MODE:
                uses[f"service_trailers:{leg.service}"] += trailers_per_t
    handled = [t.terminal for t in alt.transfers if "piggyback" not in t.kind]
    if alt.legs and alt.legs[0].mode not in ("road", PIGGYBACK_MODE):
        handled.append(alt.legs[0].from_id)
    if alt.legs and alt.legs[-1].mode not in ("road", PIGGYBACK_MODE):
        handled.append(alt.legs[-1].to_id)
    for n in handled:
        if container:
            uses[f"terminal_teu:{n}"] += teu_per_t
        else:
            uses[f"terminal:{n}"] += 1.0
    for t in alt.transfers:
        if "piggyback" in t.kind:
            rolls = 2.0 if t.kind == "piggyback->piggyback" else 1.0
            uses[f"ramp:{t.terminal}"] += rolls * trailers_per_t
        if t.drop_and_hook:
            uses[f"drop_hook:{t.terminal}"] += trailers_per_t
    return Candidate(
        key=_signature(alt),
        cost_cny_per_t=alt.cost_cny / tonnes + co2_price * alt.co2_kg / tonnes / 1000.0,
        co2_kg_per_t=alt.co2_kg / tonnes,
        uses=tuple(sorted(uses.items())),
        rail=rail_tkm > 0,
        rail_tkm_per_t=rail_tkm,
        tkm_per_t=tkm,
        forms=alt.multimodal_forms,
    )


class _Asker:
    """Router queries for one OD/form/commodity; remembers why the last recorded one failed."""

    def __init__(
        self,
        index: RoutingIndex,
        origin: str,
        destination: str,
        cargo: Cargo,
        avoid: frozenset[str],
        ready: datetime,
        max_routes: int,
    ) -> None:
        self.index, self.origin, self.destination, self.cargo = index, origin, destination, cargo
        self.avoid, self.ready, self.max_routes = avoid, ready, max_routes
        self.reason: str | None = None

    def __call__(
        self,
        objective: Objective,
        extra_avoid: frozenset[str] = frozenset(),
        at: datetime | None = None,
        modes: frozenset[str] = frozenset(),
        n: int | None = None,
        record: bool = True,
    ) -> list[Alternative]:
        """The alternatives of one query; [] when the router finds none."""
        n = self.max_routes if n is None else n
        try:
            req = RouteRequest(
                self.origin, self.destination, self.cargo, self.ready if at is None else at,
                objective=objective, alternatives=max(1, min(n, 10)),
                avoid_nodes=self.avoid | extra_avoid, avoid_modes=modes,
            )  # fmt: skip
            return list(find_routes(self.index, req).alternatives)
        except InputError as exc:
            if record:
                self.reason = exc.message
            return []


def _base_queries(ask: _Asker) -> tuple[list[Alternative], list[Alternative]]:
    """(all alternatives, the rail ones cheapest first): Pareto under each objective, a
    rail route avoiding the cheapest one's transfer terminals, and the all-road route."""
    alts = ask(Objective.COST) + ask(Objective.TIME) + ask(Objective.CO2)
    rail_alts = sorted(
        (a for a in alts if any(leg.mode == "rail" for leg in a.legs)), key=lambda a: a.cost_cny
    )
    if rail_alts:
        ends = {ask.origin, ask.destination}
        hubs = frozenset(t.terminal for t in rail_alts[0].transfers) - ends
        if hubs:
            alts += ask(Objective.COST, hubs)
    # the all-road route, whenever the rules let the cargo go by road
    alts += ask(Objective.COST, modes=frozenset({"rail", "siding"}), n=1, record=False)
    # the cheapest route without piggyback trains: wagons when the piggyback train is full
    if any(s.is_piggyback for s in ask.index.network.services.values()):
        alts += ask(Objective.COST, modes=frozenset({PIGGYBACK_MODE}), n=1, record=False)
    return alts, rail_alts


def _parallel_queries(
    ask: _Asker,
    alts: list[Alternative],
    rail_alts: list[Alternative],
    parallel: dict[tuple[str, str], tuple[RailService, ...]],
    max_shifted_queries: int,
) -> list[Alternative]:
    """One query per parallel service of a rail leg not yet offered (at most
    ``max_shifted_queries``), the ready time shifted so the cargo reaches the boarding
    stop as that service departs."""
    ready, form = ask.ready, ask.cargo.form
    seen_services = {s for a in alts for s in _services_of(a)}
    tried: set[tuple[str, str, str]] = set()
    shifted = 0
    out: list[Alternative] = []
    for alt in rail_alts:
        for i, leg in enumerate(alt.legs):
            if not leg.service:
                continue
            for svc in parallel.get((leg.from_id, leg.to_id), ()):
                key = (leg.from_id, leg.to_id, svc.id)
                if svc.id in seen_services or key in tried or shifted >= max_shifted_queries:
                    continue
                tried.add(key)
                lead = _ready_at_stop(alt, i, ready) - ready
                dep = _next_departure(svc, leg.from_id, form, ready + lead)
                if dep is None:
                    continue
                shifted += 1
                more = ask(Objective.COST, at=dep - lead, record=False)
                out += more
                seen_services.update(s for a in more for s in _services_of(a))
    return out


def _select(
    net: Network,
    alts: list[Alternative],
    tonnes: float,
    teu_t: float,
    form: CargoForm,
    co2_price: float,
    max_routes: int,
) -> list[Candidate]:
    """Distinct paths kept once (cheapest); then the cheapest ``max_routes``, the cheapest
    road-only route and the cheapest route per sequence of rail services; and, for each
    route kept that swaps trailers, the same path with plain transfers."""
    found: dict[str, tuple[Candidate, tuple[str, ...]]] = {}
    twins = [t for t in (_without_swaps(net, a) for a in alts) if t is not None]
    for alt in alts + twins:
        c = _candidate(net, alt, tonnes, 1.0 / teu_t, form, co2_price)
        if c.key not in found or c.cost_cny_per_t < found[c.key][0].cost_cny_per_t:
            found[c.key] = (c, _services_of(alt))
    ranked = sorted(found.values(), key=lambda cs: (cs[0].cost_cny_per_t, cs[0].key))
    cap = max(max_routes, 1)
    keep: dict[str, Candidate] = {c.key: c for c, _ in ranked[:cap]}  # the cheapest
    road = next((c for c, _ in ranked if not c.rail), None)
    if road is not None:
        keep[road.key] = road
    per_service: dict[tuple[str, ...], Candidate] = {}
    for c, svcs in ranked:
        if svcs and svcs not in per_service and len(per_service) < cap:
            per_service[svcs] = c
            keep[c.key] = c
    for key in [k for k in keep if SWAP_MARK in k]:
        plain = found.get(key.partition(SWAP_MARK)[0])
        if plain is not None:
            keep[plain[0].key] = plain[0]
    return sorted(keep.values(), key=lambda c: (c.cost_cny_per_t, c.key))


def candidate_routes(
    index: RoutingIndex,
    origin: str,
    destination: str,
    commodity: str,
    form: CargoForm,
    *,
    avoid: frozenset[str] = frozenset(),
    co2_price: float = 0.0,
    max_routes: int = 6,
    year: int = 2025,
    parallel: dict[tuple[str, str], tuple[RailService, ...]] | None = None,
    private: frozenset[str] | None = None,
    max_shifted_queries: int = 8,
) -> tuple[list[Candidate], str | None]:
    """Candidate routes of one OD/form/commodity, or ([], reason) when none exists.

    Queries (``RouteRequest`` at Monday 08:00 of the year's first full week): the Pareto
    alternatives under cost, time and CO2; one rail route avoiding the cheapest rail
    route's transfer terminals; the cheapest road-only route; and, for every rail leg of
    the rail alternatives, one query per *parallel* service (another service calling at
    the same boarding and alighting stops), with the ready time shifted so that the cargo
    reaches the boarding stop just as that service departs — otherwise an equally priced
    later train is dominated by the first to arrive and its capacity is never offered.
    At most ``max_shifted_queries`` such queries per OD (cheapest rail routes first).

    Private sidings (``private_nodes``) other than the origin and destination are avoided.
    Identical paths (same legs, links and services) are kept once. The kept set is:
    the cheapest road-only route, the cheapest route per distinct sequence of rail
    services (at most ``max_routes`` sequences, cheapest first) and the ``max_routes``
    cheapest routes; so at most ``2 * max_routes + 1`` candidates per OD.
    """
    net = index.network
    tonnes = net.costs.road_truck_payload_t
    ready = datetime(year, 1, 6, 8, 0, tzinfo=BEIJING)  # a Monday morning (Beijing time)
    ready += timedelta(days=(-ready.weekday()) % 7)
    if private is None:
        private = private_nodes(net)
    if parallel is None:
        parallel = parallel_services(net)
    avoid = (avoid | private) - {origin, destination}
    cargo = Cargo(commodity, form, tonnes, Unit.T)
    ask = _Asker(index, origin, destination, cargo, avoid, ready, max_routes)
    alts, rail_alts = _base_queries(ask)
    alts += _parallel_queries(ask, alts, rail_alts, parallel, max_shifted_queries)
    teu_t = net.costs.teu_to_t(commodity)
    cands = _select(net, alts, tonnes, teu_t, form, co2_price, max_routes)
    return cands, (None if cands else ask.reason or "no route")
