"""What an assignment is reported as: totals, peak utilisation, bottlenecks, unassigned
tonnes with their reason, and the uncapacitated all-cheapest-path comparison.

Pure functions of the LP's groups, capacities and result (``freight.assign.solve`` wires
them); every figure here is read off the LP answer, none changes it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from freight.assign.lp import Candidate, Group, LpResult

__all__ = [
    "BOTTLENECK_RATIO",
    "FlowTotals",
    "Usage",
    "bottlenecks",
    "flow_totals",
    "peak_utilization",
    "uncapacitated",
    "unassigned",
]

#: A resource this full in its peak period is listed as a bottleneck even without a dual.
BOTTLENECK_RATIO = 0.98

Capacity = dict[tuple[str, str], float]  # (resource, period) -> capacity in its unit

_UNITS = {
    "link": "vehicles",
    "terminal": "t",
    "terminal_teu": "TEU",
    "service": "t",
    "service_teu": "TEU",
    "service_trailers": "trailers",
    "ramp": "trailers",
    "drop_hook": "trailers",
}
#: The plan's multimodal forms that routes may use (``Candidate.forms``).
MULTIMODAL_FORMS = ("piggyback", "drop_and_hook")


def resource_kind(resource: str) -> str:
    """``link``, ``terminal``, ``service``, ``ramp`` (piggyback) or ``drop_hook`` (TEU,
    trailer and tonne resources of one service or terminal report alike)."""
    kind = resource.partition(":")[0]
    return {
        "terminal_teu": "terminal", "service_teu": "service", "service_trailers": "service"
    }.get(kind, kind)  # fmt: skip


def _unit(resource: str) -> str:
    return _UNITS[resource.partition(":")[0]]


@dataclass(frozen=True, slots=True)
class Usage:
    id: str
    kind: str  # link | terminal | service
    period: str
    load: float
    capacity: float
    unit: str

    @property
    def ratio(self) -> float:
        return self.load / self.capacity if self.capacity > 0 else float("inf")


@dataclass(frozen=True, slots=True)
class FlowTotals:
    """Sums over the LP's flows (tonnes on rail, tonne-km, kg CO2)."""

    rail_tonnes: float
    rail_tkm: float
    tkm: float
    co2_kg: float
    form_tonnes: dict[str, float]  # multimodal form -> tonnes on routes using it


def flow_totals(groups: Sequence[Group], lp: LpResult) -> FlowTotals:
    """Rail tonnes, rail and total tonne-km, CO2 and tonnes per multimodal form of the
    flows the LP chose."""
    by_group = {g.id: g for g in groups}
    rail_t = rail_tkm = tkm = co2 = 0.0
    forms = dict.fromkeys(MULTIMODAL_FORMS, 0.0)
    for (gid, ckey), v in lp.flows.items():
        c = next(c for c in by_group[gid].candidates if c.key == ckey)
        rail_t += v if c.rail else 0.0
        rail_tkm += v * c.rail_tkm_per_t
        tkm += v * c.tkm_per_t
        co2 += v * c.co2_kg_per_t
        for f in c.forms:
            forms[f] = forms.get(f, 0.0) + v
    return FlowTotals(rail_t, rail_tkm, tkm, co2, forms)


def uncapacitated(groups: Sequence[Group], capacity: Capacity, lp: LpResult) -> dict[str, Any]:
    """Every group on its cheapest candidate, capacities ignored: cost, rail share, overloads;
    and the cost of the capacitated answer's tonnes on their cheapest routes."""
    un_loads: dict[tuple[str, str], float] = defaultdict(float)
    un_cost = un_rail = un_assigned = 0.0
    cheapest: dict[str, Candidate] = {}
    for g in groups:
        if not g.candidates:
            continue
        c = min(g.candidates, key=lambda c: c.cost_cny_per_t)
        cheapest[g.id] = c
        un_cost += c.cost_cny_per_t * g.tonnes
        un_assigned += g.tonnes
        un_rail += g.tonnes if c.rail else 0.0
        for r, coef in c.uses:
            un_loads[(r, g.period)] += coef * g.tonnes
    over = sorted(
        (
            (load / capacity[k], k)
            for k, load in un_loads.items()
            if k in capacity and load > capacity[k] * (1 + 1e-9)
        ),
        reverse=True,
    )
    same_cost = 0.0
    for g in groups:
        served = g.tonnes - lp.unassigned.get(g.id, 0.0)
        if g.id in cheapest:
            same_cost += cheapest[g.id].cost_cny_per_t * served
    return {
        "objective_cny": round(un_cost, 2),
        "objective_cny_same_tonnes": round(same_cost, 2),
        "tonnes_assigned": round(un_assigned, 3),
        "rail_share": round(un_rail / un_assigned, 4) if un_assigned else 0.0,
        "overloaded": [
            {
                "id": k[0].partition(":")[2],
                "kind": resource_kind(k[0]),
                "period": k[1],
                "unit": _unit(k[0]),
                "load": round(un_loads[k], 3),
                "capacity": round(capacity[k], 3),
                "ratio": round(r, 4),
            }
            for r, k in over[:20]
        ],
        "overloaded_count": len(over),
    }


def peak_utilization(lp: LpResult, capacity: Capacity) -> tuple[Usage, ...]:
    """Each capacitated resource in its fullest period, fullest first."""
    peak: dict[str, Usage] = {}
    for (r, p), load in lp.loads.items():
        cap = capacity.get((r, p))
        if cap is None:
            continue
        u = Usage(r.partition(":")[2], resource_kind(r), p, load, cap, _unit(r))
        if r not in peak or u.ratio > peak[r].ratio:
            peak[r] = u
    return tuple(sorted(peak.values(), key=lambda u: (-u.ratio, u.kind, u.id)))


def bottlenecks(
    lp: LpResult, capacity: Capacity, util: Sequence[Usage]
) -> tuple[dict[str, Any], ...]:
    """Resources with a shadow price (largest first), then any at ``BOTTLENECK_RATIO``."""
    out = []
    for (r, p), dual in sorted(lp.duals.items(), key=lambda kv: -abs(kv[1])):
        load = lp.loads.get((r, p), 0.0)
        out.append(
            {"id": r.partition(":")[2], "kind": resource_kind(r), "period": p,
             "unit": _unit(r), "load": round(load, 3),
             "capacity": round(capacity[(r, p)], 3),
             "ratio": round(load / capacity[(r, p)], 4),
             "shadow_price_cny_per_unit": round(abs(dual), 3)}
        )  # fmt: skip
    seen = {(b["id"], b["kind"], b["period"]) for b in out}
    for u in util:
        if u.ratio >= BOTTLENECK_RATIO and (u.id, u.kind, u.period) not in seen:
            out.append(
                {"id": u.id, "kind": u.kind, "period": u.period, "unit": u.unit,
                 "load": round(u.load, 3), "capacity": round(u.capacity, 3),
                 "ratio": round(u.ratio, 4), "shadow_price_cny_per_unit": 0.0}
            )  # fmt: skip
    return tuple(out)


def unassigned(
    groups: Sequence[Group],
    lp: LpResult,
    capacity: Capacity,
    keys: dict[str, tuple[str, str, Any, str, str]],
    no_route: dict[str, str | None],
) -> tuple[dict[str, Any], ...]:
    """Tonnes the LP left unserved per group, largest first, each with its reason.

    ``keys``: group id -> (origin, destination, form, commodity, period); ``no_route``:
    group id -> the router's reason when the group has no candidate route.
    """
    by_group = {g.id: g for g in groups}
    saturated = {
        (r, p)
        for (r, p), load in lp.loads.items()
        if (r, p) in capacity and load >= capacity[(r, p)] * (1 - 1e-6)
    }
    out = []
    for gid, tons in sorted(lp.unassigned.items(), key=lambda kv: -kv[1]):
        g = by_group[gid]
        o, d, form, com, p = keys[gid]
        if not g.candidates:
            why = f"no route: {no_route[gid]}"
        else:
            full = sorted({r for c in g.candidates for r, _ in c.uses if (r, p) in saturated})
            why = "capacity: every candidate route passes a saturated resource: " + ", ".join(full)
        out.append(
            {"origin": o, "destination": d, "form": str(form), "commodity": com, "period": p,
             "shipments": g.shipments, "tonnes": round(tons, 3), "reason": why}
        )  # fmt: skip
    return tuple(out)
