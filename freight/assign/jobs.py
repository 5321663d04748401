"""Job runner for ``POST /v1/assignments``: pure, importable by name, JSON in and out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from freight.assign.solve import AssignOptions, assign
from freight.demand import load_shipments
from freight.errors import FieldIssue, InputError
from freight.network.model import CargoForm, RailService
from freight.network.scenario import network_of
from freight.units import parse_hhmm


def service_from_dict(d: dict[str, Any], loc: str) -> RailService:
    """A new train service from JSON: id, route, weekdays, depart (HH:MM), offsets_h, ..."""
    try:
        return RailService(
            id=str(d["id"]),
            name=str(d.get("name") or d["id"]),
            route=tuple(str(x) for x in d["route"]),
            weekdays=frozenset(int(x) for x in d.get("weekdays", range(7))),
            depart_min=parse_hhmm(str(d.get("depart", "08:00"))),
            offsets_h=tuple(float(x) for x in d["offsets_h"]),
            capacity_teu=float(d.get("capacity_teu", 100.0)),
            capacity_t=float(d.get("capacity_t", 3000.0)),
            forms=frozenset(
                CargoForm(str(f)) for f in d.get("forms", [f.value for f in CargoForm])
            ),
            kind=str(d.get("kind", "regional")),
        )
    except KeyError as exc:
        raise InputError(
            "invalid new service", issues=[FieldIssue(f"{loc}.{exc.args[0]}", "required")]
        ) from None
    except (TypeError, ValueError) as exc:
        raise InputError("invalid new service", issues=[FieldIssue(loc, str(exc))]) from None


def run(params: dict[str, Any], progress: Callable[..., Any] | None = None) -> dict[str, Any]:
    """params: year, co2_price_cny_per_t, closed, scale, time_limit_s, network_year (see
    AssignParams; network_year None = the current year's network, Beijing time)."""
    year = int(params.get("year") or 2025)
    scale = int(params.get("scale") or 1)
    if not 1 <= scale <= 8:
        raise InputError("scale must be within 1..8", issues=[FieldIssue("$.scale", "1..8")])
    if progress:
        progress(0.05, "loading network and shipments")
    shipments = list(load_shipments(year)) * scale
    options = AssignOptions(
        new_services=tuple(
            service_from_dict(d, f"$.new_services[{k}]")
            for k, d in enumerate(params.get("new_services") or ())
        ),
        co2_price_cny_per_t=float(params.get("co2_price_cny_per_t") or 0.0),
        closed=frozenset(params.get("closed") or ()),
        time_limit_s=float(params.get("time_limit_s") or 30.0),
    )
    if progress:
        progress(0.2, "routing candidates and solving the LP")
    given = params.get("network_year")
    scenario = params.get("network_scenario")
    net = network_of(None if given is None else int(given), scenario)
    network_year = int(net.meta["year"])
    out = assign(net, shipments, options, year=year).to_dict()
    out["network_year"] = network_year
    out["network_scenario"] = scenario["id"] if scenario else None
    out["partial"] = out["lp_status"] != "optimal"
    return out
