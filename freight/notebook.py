"""A small API for notebooks: the solvers' answers as pandas DataFrames.

>>> from freight import route_table
>>> legs = route_table("bonded_center", "alashankou", "cotton", "container", 40, unit="teu")
>>> legs.columns[:4].tolist()
['rank', 'leg', 'mode', 'from']

Times are Beijing time (a naive ``ready_at`` is read as Beijing time; answers carry +08:00).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from freight import tables

__all__ = ["assignment_tables", "conversion_tables", "network_tables", "route_table"]

ROUTE_COLUMNS = ("rank", "leg", "mode", "from", "to", "service", "depart", "arrive",
                 "distance_km", "cost_cny", "co2_kg", "total_cost_cny", "total_hours",
                 "total_co2_kg")  # fmt: skip


def route_table(
    origin: str,
    destination: str,
    commodity: str,
    form: str,
    quantity: float,
    *,
    unit: str = "t",
    ready_at: datetime | str | None = None,
    objective: str = "cost",
    alternatives: int = 3,
) -> pd.DataFrame:
    """Pareto routes on the Kuytun network, one row per leg of each alternative."""
    from freight.network.loader import default_network
    from freight.routing import find_routes
    from freight.routing.io import request_from_dict

    payload: dict[str, Any] = {
        "origin": origin, "destination": destination, "objective": objective,
        "alternatives": alternatives,
        "cargo": {"commodity": commodity, "form": form, "quantity": quantity, "unit": unit},
        "ready_at": ready_at.isoformat() if isinstance(ready_at, datetime) else ready_at,
    }  # fmt: skip
    answer = find_routes(default_network(), request_from_dict(payload)).to_dict()
    rows = [
        {**leg, "rank": alt["rank"], "leg": k, "total_cost_cny": alt["total"]["cost_cny"],
         "total_hours": alt["total"]["hours"], "total_co2_kg": alt["total"]["co2_kg"]}
        for alt in answer["alternatives"] for k, leg in enumerate(alt["legs"])
    ]  # fmt: skip
    return pd.DataFrame([{c: r.get(c) for c in ROUTE_COLUMNS} for r in rows],
                        columns=list(ROUTE_COLUMNS))  # fmt: skip


def network_tables() -> dict[str, pd.DataFrame]:
    """The network's nodes and links (the GeoJSON properties, coordinates as columns)."""
    from freight.network.geojson import to_geojson
    from freight.network.loader import default_network

    nodes, links = [], []
    for f in to_geojson(default_network())["features"]:
        props = dict(f["properties"])
        if f["geometry"]["type"] == "Point":
            props["lon"], props["lat"] = f["geometry"]["coordinates"]
            nodes.append(props)
        else:
            links.append(props)
    return {"nodes": pd.DataFrame(nodes), "links": pd.DataFrame(links)}


def assignment_tables(
    year: int = 2025, co2_price_cny_per_t: float = 0.0, time_limit_s: float = 60.0
) -> dict[str, pd.DataFrame]:
    """The year's network assignment (``freight assign``) as tables (``freight.tables``)."""
    from freight.assign.jobs import run

    params = {"year": year, "co2_price_cny_per_t": co2_price_cny_per_t,
              "time_limit_s": time_limit_s}  # fmt: skip
    return tables.assignment_tables(run(params))


def conversion_tables(time_limit_s: float = 30.0) -> dict[str, pd.DataFrame]:
    """The bulk-to-container conversion plan (``freight convert plan``) as tables."""
    from freight.conversion.jobs import run

    return tables.conversion_tables(run({"time_limit_s": time_limit_s}))
