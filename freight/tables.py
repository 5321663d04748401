"""Results as pandas tables (and CSV/Parquet files): one DataFrame per row kind.

Each ``*_tables`` function takes a result in its JSON shape (``to_dict()`` of the domain
result, or a job's stored result) and returns ``{table name: DataFrame}``; the columns are
listed in ``COLUMNS`` (a contract: documented in README, checked by tests). Units are in the
column names, as everywhere in the project.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from freight.clock import parse_time
from freight.errors import InputError
from freight.routing.model import TRAIN_MODES

__all__ = [
    "COLUMNS",
    "TABLE_BUILDERS",
    "assignment_tables",
    "booking_tables",
    "conversion_tables",
    "fleet_plan_route_tables",
    "fleet_plan_tables",
    "fleet_solution_tables",
    "matching_round_tables",
    "write_tables",
]

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "assignment": {
        "summary": ("year", "shipments", "groups", "tonnes_total", "tonnes_assigned",
                    "tonnes_unassigned", "rail_share", "rail_tkm_share", "objective_cny",
                    "co2_kg", "capacity_cost_cny", "piggyback_t", "drop_and_hook_t"),
        "utilization": ("id", "kind", "period", "load", "capacity", "unit", "ratio"),
        "bottlenecks": ("id", "kind", "period", "load", "capacity", "unit", "ratio",
                        "shadow_price_cny_per_unit"),
        "unassigned": ("origin", "destination", "form", "commodity", "period", "shipments",
                       "tonnes", "reason"),
    },
    "conversion-plan": {
        "summary": ("status", "objective_cny", "bound_cny", "gap", "containers_teu",
                    "pool_owned_teu", "pool_leased_teu", "pool_cost_cny", "rail_share",
                    "converted_share", "co2_t", "losses_t", "tonnes_total"),
        "flows": ("id", "commodity", "tonnes", "mode", "terminal", "cost_cny"),
        "terminals": ("id", "throughput_t", "utilization_peak", "cost_cny", "equipment"),
    },
    "fleet-plan": {
        "vehicles": ("year", "type", "depot", "count", "powertrain", "refrigerated",
                     "battery_kwh"),
        "chargers": ("year", "site", "depot", "power_kw", "count", "peak_kw", "energy_kwh",
                     "occupancy", "energy_cost_cny"),
        "days": ("year", "day", "stops", "served", "unserved", "routes", "vehicles_used",
                 "distance_km", "energy_kwh", "verified"),
        "cost": ("year", "vehicles_cny_per_year", "chargers_cny_per_year",
                 "energy_cny_per_year", "driver_and_maintenance_cny_per_year",
                 "total_cny_per_year"),
        "routes": ("year", "season", "route", "vehicle", "vehicle_type", "depot", "start",
                   "end", "distance_km", "energy_kwh", "cost_cny", "load_kg", "stops",
                   "charging_stops"),
        "route_stops": ("year", "season", "route", "vehicle", "seq", "kind", "id", "lon", "lat",
                        "arrive", "arrive_min", "depart_min", "load_kg", "soc_kwh",
                        "charge_min"),
    },
    "fleet-route": {
        "routes": ("route", "vehicle_type", "start", "end", "duration_min", "waiting_min",
                   "distance_km", "energy_kwh", "cost_cny", "stops"),
        "visits": ("route", "seq", "kind", "id", "arrive", "depart", "soc_kwh", "load_kg",
                   "charge_min"),
        "unserved": ("id", "reason"),
    },
    "booking": {
        "bookings": ("booking_id", "bill_no", "org", "status", "origin", "destination",
                     "commodity", "form", "quoted_quantity", "quoted_unit", "quantity_t", "teu",
                     "price_cny", "legs", "rail_legs", "distance_km", "depart", "eta",
                     "due_by", "on_time", "replans", "reason", "reference", "shipper",
                     "consignee", "network_year", "scenario", "created_at", "last_event_at"),
        "legs": ("booking_id", "bill_no", "seq", "mode", "from_node", "to_node", "service",
                 "carrier", "status", "depart", "arrive", "expected_depart", "expected_arrive",
                 "delay_min", "run_depart", "handling_h_before", "price_cny", "distance_km",
                 "quantity_t", "teu", "nodes"),
    },
    "matching-round": {
        "lines": ("round_id", "assignment_id", "vehicle", "seq", "load", "backhaul",
                  "pickup_at", "deliver_at", "empty_km", "loaded_km", "status"),
        "assignments": ("round_id", "assignment_id", "vehicle", "load_count", "empty_km",
                        "loaded_km", "cost_cny", "revenue_cny", "status"),
        "unmatched": ("round_id", "load", "reason", "detail"),
        "summary": ("round_id", "method", "objective", "network_year", "network_scenario",
                    "loads", "matched", "trucks_used", "empty_km", "loaded_km", "empty_share",
                    "cost_cny", "revenue_cny", "bound_matched", "wall_s"),
    },
}  # fmt: skip


def _frame(kind: str, table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    cols = list(COLUMNS[kind][table])
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)


def _form_tonnes(result: Mapping[str, Any]) -> dict[str, float]:
    """``tonnes_by_multimodal_form`` as summary columns (``piggyback_t``, ...)."""
    forms = result.get("tonnes_by_multimodal_form") or {}
    return {f"{form}_t": float(t) for form, t in forms.items()}


def assignment_tables(result: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Tables of an assignment (``freight assign`` / job kind ``assignment``)."""
    k = "assignment"
    return {
        "summary": _frame(k, "summary", [{**result, **_form_tonnes(result)}]),
        "utilization": _frame(k, "utilization", list(result["utilization"])),
        "bottlenecks": _frame(k, "bottlenecks", list(result["bottlenecks"])),
        "unassigned": _frame(k, "unassigned", list(result["unassigned"])),
    }


def conversion_tables(result: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Tables of a conversion plan; ``equipment`` is ``kind:units`` joined by ``;``."""
    k = "conversion-plan"
    pool = {f"pool_{key}": v for key, v in result["pool"].items()}
    summary = {**result, **pool, **result["kpis"]}
    terminals = [
        {**t, "equipment": ";".join(f"{e}:{n}" for e, n in sorted(t["equipment"].items()))}
        for t in result["terminals"]
    ]
    return {
        "summary": _frame(k, "summary", [summary]),
        "flows": _frame(k, "flows", list(result["flows"])),
        "terminals": _frame(k, "terminals", terminals),
    }


def fleet_plan_tables(plan: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Tables of a fleet plan, one year or several (every row says its ``year``); the
    ``routes`` and ``route_stops`` tables are empty for a plan that kept no routes."""
    k = "fleet-plan"
    years = list(plan["plans"]) if "plans" in plan else [plan]
    rows: dict[str, list[dict[str, Any]]] = {"vehicles": [], "chargers": [], "days": [],
                                             "cost": []}  # fmt: skip
    for p in years:
        y = {"year": p["year"]}
        rows["vehicles"] += [{**y, **v} for v in p["vehicles"]]
        rows["chargers"] += [{**y, **c} for c in p["chargers"]]
        rows["days"] += [{**y, **d} for d in p["daily_check"]]
        rows["cost"].append({**y, **p["cost"]})
    tables = {name: _frame(k, name, r) for name, r in rows.items()}
    days = [d for p in years for d in p.get("routes") or ()]
    return tables | fleet_plan_route_tables(days)


def fleet_plan_route_tables(days: Sequence[Mapping[str, Any]]) -> dict[str, pd.DataFrame]:
    """``routes`` (one row per route) and ``route_stops`` (one row per stop or charging
    stop, in driving order) of a fleet plan's kept days (``DayRoutes.to_dict()``).

    ``route`` numbers a day's routes from 1 (as the GeoJSON's ``route``); ``stops`` and
    ``charging_stops`` count a route's visits; times carry Beijing's ``+08:00``.
    """
    k = "fleet-plan"
    routes: list[dict[str, Any]] = []
    visits: list[dict[str, Any]] = []
    for day in days:
        key = {"year": day["year"], "season": day["season"]}
        for n, r in enumerate(day["routes"], start=1):
            head = {**key, "route": n, "vehicle": r["vehicle"]}
            routes.append({**r, **head, "stops": len(r["stops"]),
                           "charging_stops": len(r["charging"])})  # fmt: skip
            charges = sorted(r["charging"], key=lambda c: (c["after_stops"], c["arrive_min"]))
            ordered = [(c["after_stops"] - 0.5, "charge", c) for c in charges]
            ordered += [(float(i), "stop", s) for i, s in enumerate(r["stops"])]
            for seq, (_, kind, v) in enumerate(sorted(ordered, key=lambda t: t[0]), start=1):
                visits.append({**v, **head, "seq": seq, "kind": kind,
                               "id": v.get("id", v.get("site"))})  # fmt: skip
    return {"routes": _frame(k, "routes", routes), "route_stops": _frame(k, "route_stops", visits)}


def fleet_solution_tables(result: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Tables of a day's fleet routing (``POST /v1/fleet/routes``)."""
    k = "fleet-route"
    routes, visits = [], []
    for n, r in enumerate(result["routes"], start=1):
        routes.append({**r, "route": n, "stops": sum(1 for v in r["visits"] if "id" in v)})
        for seq, v in enumerate(r["visits"], start=1):
            kind = "stop" if "id" in v else "charge"
            visits.append({**v, "route": n, "seq": seq, "kind": kind,
                           "id": v.get("id", v.get("charge_at"))})  # fmt: skip
    return {
        "routes": _frame(k, "routes", routes),
        "visits": _frame(k, "visits", visits),
        "unserved": _frame(k, "unserved", list(result["unserved"])),
    }


def _beijing(text: str | None) -> str | None:
    """An ISO 8601 time as Beijing time with its ``+08:00`` offset (None stays None)."""
    return None if text is None else parse_time(text).isoformat()


def _minutes(later: str, earlier: str) -> float:
    return round((parse_time(later) - parse_time(earlier)).total_seconds() / 60.0, 1)


LEG_TIMES = ("depart", "arrive", "expected_depart", "expected_arrive", "run_depart")


def booking_tables(bookings: Sequence[Mapping[str, Any]]) -> dict[str, pd.DataFrame]:
    """``bookings`` (one row per through-bill) and ``legs`` (one row per leg) of bookings
    in their JSON shape (``Booking.to_dict()``, as ``GET /v1/bookings`` answers them).

    Times are ISO 8601 strings in Beijing time (``+08:00``); ``quantity_t`` and ``teu`` are
    the consignment's two measures, ``quoted_quantity`` its size in ``quoted_unit``.
    """
    k = "booking"
    heads, legs = [], []
    for b in bookings:
        cargo = b["cargo"]
        key = {"booking_id": b["id"], "bill_no": b["bill_no"], "quantity_t": cargo["tonnes"],
               "teu": cargo["teu"]}  # fmt: skip
        eta, due = _beijing(b["eta"]), _beijing(b.get("due_by"))
        heads.append({
            **b, **key, "commodity": cargo["commodity"], "form": cargo["form"],
            "quoted_quantity": cargo["quantity"], "quoted_unit": cargo["unit"],
            "legs": len(b["legs"]),
            "rail_legs": sum(leg["mode"] in TRAIN_MODES for leg in b["legs"]),
            "distance_km": round(sum(leg["distance_km"] for leg in b["legs"]), 3),
            "depart": _beijing(b["legs"][0]["depart"]) if b["legs"] else None,
            "eta": eta, "due_by": due,
            "on_time": None if due is None else parse_time(b["eta"]) <= parse_time(due),
            "replans": len(b.get("replans") or ()),
            "shipper": b["shipper"]["name"], "consignee": b["consignee"]["name"],
            "created_at": _beijing(b["created_at"]),
            "last_event_at": _beijing(b.get("last_event_at")),
        })  # fmt: skip
        for leg in b["legs"]:
            times = {t: _beijing(leg.get(t)) for t in LEG_TIMES}
            legs.append({
                **leg, **key, **times, "from_node": leg["from"], "to_node": leg["to"],
                "delay_min": _minutes(leg["expected_arrive"], leg["arrive"]),
                "nodes": ";".join(leg.get("nodes") or ()),
            })  # fmt: skip
    return {"bookings": _frame(k, "bookings", heads), "legs": _frame(k, "legs", legs)}


def matching_round_tables(result: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Tables of a matching round (``GET /v1/matching/rounds/{id}``, a ``matching-round``
    job's result or ``freight match round``): ``lines`` has one row per load a truck
    carries, in the order it carries them; ``backhaul`` is true for every load after the
    first of a chain (the truck comes loaded-in, not from where it was free)."""
    k = "matching-round"
    rid = {"round_id": result.get("id")}
    lines, heads = [], []
    for a in result["assignments"]:
        head = {**rid, "assignment_id": a["id"], "vehicle": a["vehicle"],
                "status": a.get("status", "proposed")}  # fmt: skip
        heads.append({**a, **head, "load_count": len(a["loads"])})
        for seq, p in enumerate(a["plan"], start=1):
            lines.append({**p, **head, "seq": seq, "backhaul": seq > 1,
                          "pickup_at": _beijing(p["pickup_at"]),
                          "deliver_at": _beijing(p["deliver_at"])})  # fmt: skip
    summary = {**result, **result["kpis"], **rid}
    return {
        "lines": _frame(k, "lines", lines),
        "assignments": _frame(k, "assignments", heads),
        "unmatched": _frame(k, "unmatched", [{**u, **rid} for u in result["unmatched"]]),
        "summary": _frame(k, "summary", [summary]),
    }


#: Job kind -> its table builder.
TABLE_BUILDERS: dict[str, Callable[[Mapping[str, Any]], dict[str, pd.DataFrame]]] = {
    "assignment": assignment_tables,
    "conversion-plan": conversion_tables,
    "fleet-plan": fleet_plan_tables,
    "fleet-route": fleet_solution_tables,
    "matching-round": matching_round_tables,
}


def write_tables(tables: Mapping[str, pd.DataFrame], out_dir: Path, fmt: str) -> list[Path]:
    """Write each table as ``<out_dir>/<name>.csv`` (UTF-8, no index) or ``.parquet``."""
    if fmt not in ("csv", "parquet"):
        raise InputError(f"--format must be csv or parquet, got {fmt!r}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"--out: cannot create {out_dir} ({exc})") from None
    paths = []
    for name, df in tables.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            df.to_csv(path, index=False)
        else:
            df.to_parquet(path, index=False)
        paths.append(path)
    return paths
