"""Results as pandas tables (and CSV/Parquet files): one DataFrame per row kind.

Each ``*_tables`` function takes a result in its JSON shape (``to_dict()`` of the domain
result, or a job's stored result) and returns ``{table name: DataFrame}``; the columns are
listed in ``COLUMNS`` (a contract: documented in README, checked by tests). Units are in the
column names, as everywhere in the project.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from freight.errors import InputError

__all__ = [
    "COLUMNS",
    "TABLE_BUILDERS",
    "assignment_tables",
    "conversion_tables",
    "fleet_plan_tables",
    "fleet_solution_tables",
    "write_tables",
]

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "assignment": {
        "summary": ("year", "shipments", "groups", "tonnes_total", "tonnes_assigned",
                    "tonnes_unassigned", "rail_share", "rail_tkm_share", "objective_cny",
                    "co2_kg", "capacity_cost_cny"),
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
    },
    "fleet-route": {
        "routes": ("route", "vehicle_type", "start", "end", "duration_min", "waiting_min",
                   "distance_km", "energy_kwh", "cost_cny", "stops"),
        "visits": ("route", "seq", "kind", "id", "arrive", "depart", "soc_kwh", "load_kg",
                   "charge_min"),
        "unserved": ("id", "reason"),
    },
}  # fmt: skip


def _frame(kind: str, table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    cols = list(COLUMNS[kind][table])
    return pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)


def assignment_tables(result: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Tables of an assignment (``freight assign`` / job kind ``assignment``)."""
    k = "assignment"
    return {
        "summary": _frame(k, "summary", [dict(result)]),
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
    """Tables of a fleet plan, one year or several (every row says its ``year``)."""
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
    return {name: _frame(k, name, r) for name, r in rows.items()}


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


#: Job kind -> its table builder.
TABLE_BUILDERS: dict[str, Callable[[Mapping[str, Any]], dict[str, pd.DataFrame]]] = {
    "assignment": assignment_tables,
    "conversion-plan": conversion_tables,
    "fleet-plan": fleet_plan_tables,
    "fleet-route": fleet_solution_tables,
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
