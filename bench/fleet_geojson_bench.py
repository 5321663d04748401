"""Time to draw a Kuytun delivery day's routes as GeoJSON on the road links.

    PYTHONPATH=. .venv/bin/python bench/fleet_geojson_bench.py [--stops 10000] [--per-route 17]

The day is ``kuytun_day(stops)``; its routes are a sweep (stops sorted by bearing around
their vehicle type's depot, cut every ``--per-route`` stops, a charging visit at the site
nearest the route's middle stop on every third route), not a router's answer: the
renderer's cost depends on the number of places, not on the routes' quality. ~17 stops a
route is the full 2026 plan's mean (bench/results/fleet_plan_routes.md). Rows: the first
call in a process (builds the road graph, snaps every place, computes the path trees), a
second call on a fresh problem object (graph cached per network), and straight segments
only (snap distance 0) for comparison. Prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from typing import Any


def sweep_result(problem: Any, per_route: int) -> dict[str, Any]:
    """Routes by bearing around each depot (see module note)."""
    depot = {d.id: d for d in problem.depots}
    types = [vt for vt in problem.vehicle_types if vt.id.startswith("ev_van@")]
    by_type: dict[str, list[Any]] = {vt.id: [] for vt in types}
    for s in problem.stops:
        at = (s.lon, s.lat)
        vt = min(types, key=lambda t: math.dist(at, (depot[t.depot].lon, depot[t.depot].lat)))
        by_type[vt.id].append(s)
    routes = []
    for vt_id, stops in by_type.items():
        d = depot[next(t.depot for t in types if t.id == vt_id)]
        stops.sort(key=lambda s: math.atan2(s.lat - d.lat, s.lon - d.lon))
        for k in range(0, len(stops), per_route):
            chunk = stops[k : k + per_route]
            visits: list[dict[str, Any]] = [{"id": s.id} for s in chunk]
            if (k // per_route) % 3 == 2:
                mid = chunk[len(chunk) // 2]
                site = min(problem.charging_sites,
                           key=lambda c: math.dist((c.lon, c.lat), (mid.lon, mid.lat)))  # fmt: skip
                visits.insert(len(visits) // 2, {"charge_at": site.id})
            routes.append({"vehicle_type": vt_id, "start": "08:00", "end": "16:00",
                           "duration_min": 480.0, "distance_km": 0.0, "energy_kwh": 0.0,
                           "cost_cny": 0.0, "visits": visits})  # fmt: skip
    return {"routes": routes, "unserved": []}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stops", type=int, default=10_000)
    ap.add_argument("--per-route", type=int, default=17)
    args = ap.parse_args()

    from freight.fleet.geojson import RoadDrawer, fleet_solution_geojson, route_features
    from freight.fleet.instances import kuytun_day
    from freight.network.loader import default_network

    net = default_network()
    problem = kuytun_day(args.stops, seed=0)
    result = sweep_result(problem, args.per_route)
    print("| call | stops | routes | s | positions | straight segments | of segments | "
          "links run | MB (json) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")

    def row(name: str, doc: dict[str, Any], secs: float) -> None:
        lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
        props = [f["properties"] for f in lines]
        print(f"| {name} | {len(problem.stops):,} | {len(lines):,} | {secs:.2f} | "
              f"{sum(len(f['geometry']['coordinates']) for f in lines):,} | "
              f"{sum(p['straight_segments'] for p in props):,} | "
              f"{sum(p['segments'] for p in props):,} | {sum(len(p['links']) for p in props):,} | "
              f"{len(json.dumps(doc)) / 1e6:.1f} |", flush=True)  # fmt: skip

    t0 = time.perf_counter()
    doc = fleet_solution_geojson(problem, result, net)
    row("first (graph, snapping, path trees)", doc, time.perf_counter() - t0)
    again = kuytun_day(args.stops, seed=0)
    t1 = time.perf_counter()
    doc = fleet_solution_geojson(again, result, net)
    row("second (graph cached)", doc, time.perf_counter() - t1)
    where = {p.id: [p.lon, p.lat] for p in (*again.depots, *again.charging_sites, *again.stops)}
    depot_of = {vt.id: vt.depot for vt in again.vehicle_types}
    t2 = time.perf_counter()
    feats = route_features(where, depot_of, result, drawer=RoadDrawer(net, snap_max_km=-1.0))
    row("straight only (snap distance 0)", {"features": feats}, time.perf_counter() - t2)


if __name__ == "__main__":
    main()
