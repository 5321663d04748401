"""Independent feasibility check of a returned route (used by tests and benchmarks).

Re-derives from the network, not from the search: link chains connect, road links allow
the form, rail legs ride a real run of a service calling at both ends in order on one of
its weekdays, transfers happen at terminals that may handle the form, times never go
backwards, and totals are the sums of legs plus transfers.
"""

from __future__ import annotations

from datetime import timedelta

from freight.network.model import DROP_AND_HOOK, PIGGYBACK_RAMP, CargoForm, Network
from freight.routing.index import (
    HAZMAT_STATION_ID,
    RoutingIndex,
    is_city_node,
)
from freight.routing.model import PIGGYBACK_MODE, Alternative, Leg, RouteRequest


def _chain_errors(req: RouteRequest, legs: tuple[Leg, ...]) -> list[str]:
    """The legs run from the origin to the destination, joined, with time moving forward."""
    errs: list[str] = []
    if legs[0].from_id != req.origin:
        errs.append(f"first leg starts at {legs[0].from_id}, not the origin")
    if legs[-1].to_id != req.destination:
        errs.append(f"last leg ends at {legs[-1].to_id}, not the destination")
    if legs[0].depart < req.ready_at:
        errs.append("departs before the cargo is ready")
    for a, b in zip(legs, legs[1:], strict=False):
        if a.to_id != b.from_id:
            errs.append(f"gap between legs {a.to_id} -> {b.from_id}")
        if b.depart < a.arrive:
            errs.append(f"leg at {b.from_id} departs before the previous one arrives")
    return errs


def _link_leg_errors(network: Network, form: CargoForm, leg: Leg) -> list[str]:
    """A road or siding leg: its links exist, have its mode, connect, and (hazmat) avoid
    unmarked city roads."""
    errs: list[str] = []
    at = leg.from_id
    for lid in leg.links:
        lk = network.links.get(lid)
        if lk is None:
            errs.append(f"unknown link {lid}")
            continue
        if leg.mode == "road" and not lk.mode.is_road:
            errs.append(f"road leg uses {lk.mode} link {lid}")
        if leg.mode == "siding" and lk.mode.value != "siding":
            errs.append(f"siding leg uses {lk.mode} link {lid}")
        if at == lk.source:
            at = lk.target
        elif at == lk.target and not lk.oneway:
            at = lk.source
        else:
            errs.append(f"link {lid} does not continue from {at}")
            break
        if leg.mode == "road" and form is CargoForm.HAZMAT and not lk.hazmat:
            s, t = network.nodes[lk.source], network.nodes[lk.target]
            if lk.mode.value == "road_urban" or (is_city_node(s) and is_city_node(t)):
                errs.append(f"hazmat on unmarked city road link {lid}")
    if at != leg.to_id:
        errs.append(f"{leg.mode} leg links end at {at}, not {leg.to_id}")
    return errs


def _rail_leg_errors(network: Network, form: CargoForm, leg: Leg) -> list[str]:
    """A rail leg rides a real run: a service carrying the form, calling at both ends in
    order, on one of its weekdays, at its departure time, for the timetabled time."""
    errs: list[str] = []
    svc = network.services.get(leg.service or "")
    if svc is None:
        return [f"rail leg without a known service ({leg.service})"]
    if svc.is_piggyback != (leg.mode == PIGGYBACK_MODE):
        errs.append(f"{leg.mode} leg on {svc.kind} service {svc.id}")
    if form not in svc.forms:
        errs.append(f"service {svc.id} does not carry {form}")
    try:
        i = svc.route.index(leg.from_id)
        j = svc.route.index(leg.to_id, i + 1)
    except ValueError:
        errs.append(f"service {svc.id} does not call at {leg.from_id} then {leg.to_id}")
        return errs
    run_start = leg.depart - timedelta(hours=svc.offsets_h[i])
    if run_start.weekday() not in svc.weekdays:
        errs.append(f"service {svc.id} does not run on {run_start:%A}")
    if run_start.hour * 60 + run_start.minute != svc.depart_min:
        errs.append(f"service {svc.id} does not depart at {run_start:%H:%M}")
    ride = leg.arrive - leg.depart
    want = timedelta(hours=svc.offsets_h[j] - svc.offsets_h[i])
    if abs((ride - want).total_seconds()) > 1:
        errs.append(f"service {svc.id} ride {ride} differs from timetable {want}")
    return errs


def _handling_errors(network: Network, form: CargoForm, alt: Alternative) -> list[str]:
    """Loading to/from rail (at transfers, and at the ends when the route starts or ends on
    rail) only where the rules allow the form."""
    errs: list[str] = []
    legs = alt.legs
    idx = RoutingIndex(network)
    handled = [t.terminal for t in alt.transfers if "piggyback" not in t.kind]
    for leg in legs:
        if leg.mode != PIGGYBACK_MODE:
            continue
        on = [t for t in alt.transfers if t.terminal == leg.from_id and t.kind.endswith(
            "->piggyback") and t.start <= leg.depart]  # fmt: skip
        off = [t for t in alt.transfers if t.terminal == leg.to_id and t.kind.startswith(
            "piggyback->") and t.start >= leg.arrive]  # fmt: skip
        if not on or not off:
            errs.append(f"piggyback leg {leg.from_id}->{leg.to_id} without roll-on and roll-off")
    if legs[0].mode not in ("road", PIGGYBACK_MODE):
        handled.append(legs[0].from_id)
    if legs[-1].mode not in ("road", PIGGYBACK_MODE):
        handled.append(legs[-1].to_id)
    view = idx.view(form)
    for t in alt.transfers:
        if "piggyback" in t.kind and t.terminal not in view.ramps:
            errs.append(f"{t.kind} at {t.terminal}: no piggyback ramp there for {form}")
        if t.drop_and_hook:
            opt = network.option(t.terminal, DROP_AND_HOOK)
            if t.terminal not in view.drop_hook or opt is None:
                errs.append(f"drop-and-hook at {t.terminal}, which offers none for {form}")
            elif abs(t.hours - max(network.nodes[t.terminal].handling.hours - opt.hours, 0)) > 1e-9:
                errs.append(f"drop-and-hook at {t.terminal}: {t.hours} h, not handling - saving")
    for leg in legs:
        if leg.mode == PIGGYBACK_MODE:
            for end in (leg.from_id, leg.to_id):
                if network.option(end, PIGGYBACK_RAMP) is None:
                    errs.append(f"piggyback leg calls at {end}, which has no ramp")
    for nid in handled:
        why = idx.rail_rule_violation(network.nodes[nid], form)
        if why is not None:
            errs.append(f"rail loading at {nid} breaks {why}")
        if (
            form is CargoForm.HAZMAT
            and is_city_node(network.nodes[nid])
            and nid != HAZMAT_STATION_ID
        ):
            errs.append(f"hazmat loaded to/from rail at {nid}")
    return errs


def _total_errors(req: RouteRequest, alt: Alternative) -> list[str]:
    """Totals are the sums of legs and transfers; avoided modes and nodes are not used."""
    errs: list[str] = []
    legs = alt.legs
    cost = sum(leg.cost_cny for leg in legs) + sum(t.cost_cny for t in alt.transfers)
    if abs(cost - alt.cost_cny) > 1e-6 * max(1.0, cost):
        errs.append(f"total cost {alt.cost_cny} is not the sum {cost}")
    if abs((alt.arrive - req.ready_at).total_seconds() / 3600 - alt.hours) > 1e-6:
        errs.append("hours do not match ready_at -> arrival")
    last = alt.transfers[-1] if alt.transfers else None
    rolled_off = (
        last is not None
        and last.kind == "piggyback->road"
        and last.terminal == req.destination
        and last.start >= legs[-1].arrive
        and alt.arrive == last.start + timedelta(hours=last.hours)
    )
    if alt.arrive != legs[-1].arrive and not rolled_off:
        errs.append("arrival differs from the last leg's arrival (or the roll-off at the end)")
    if any(leg.mode == "road" for leg in legs) and req.avoid_modes & {"road"}:
        errs.append("road used although avoided")
    if any(leg.mode == PIGGYBACK_MODE for leg in legs) and req.avoid_modes & {
        "rail",
        PIGGYBACK_MODE,
    }:
        errs.append("piggyback used although avoided")
    for leg in legs:
        if leg.to_id in req.avoid_nodes:
            errs.append(f"avoided node {leg.to_id} used")
    return errs


def check_alternative(network: Network, req: RouteRequest, alt: Alternative) -> list[str]:
    """Problems found in ``alt`` (empty list = feasible)."""
    form = req.cargo.form
    legs = alt.legs
    if not legs:
        return ["no legs"]
    errs = _chain_errors(req, legs)
    for leg in legs:
        if leg.arrive < leg.depart:
            errs.append(f"leg {leg.from_id}->{leg.to_id} arrives before it departs")
        if leg.mode in ("road", "siding"):
            errs += _link_leg_errors(network, form, leg)
        elif leg.mode in ("rail", PIGGYBACK_MODE):
            errs += _rail_leg_errors(network, form, leg)
        else:
            errs.append(f"unknown leg mode {leg.mode}")
    return errs + _handling_errors(network, form, alt) + _total_errors(req, alt)
