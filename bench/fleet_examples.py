"""Write the fleet-routing example problems in demand_data/examples/ (fixed seeds).

    .venv/bin/python bench/fleet_examples.py

* ``fleet_small.json``: 10 stops around Kuytun, one in Karamay that an EV reaches only
  with a charging visit at Baijiantan (no PHEV in this fleet), two refrigerated stops.
* ``fleet_kuytun_200.json``: ``freight.fleet.instances.kuytun_day(200, seed=1)``.
"""

from __future__ import annotations

import json
from dataclasses import replace

from freight.fleet.instances import kuytun_day
from freight.fleet.problem import FleetProblem
from freight.fleet.problem_json import problem_to_dict
from freight.paths import demand_dir


def small() -> FleetProblem:
    day = kuytun_day(9, seed=5)
    depot = day.depots[0]
    types = tuple(
        replace(vt, count=2 if vt.id.startswith("ev_van") else 1)
        for vt in day.vehicle_types
        if vt.depot == depot.id and not vt.id.startswith("phev")
    )
    stops = list(day.stops)
    stops[1] = replace(stops[1], refrigerated=True)
    stops[2] = replace(stops[2], refrigerated=True, window_open_min=600, window_close_min=720)
    karamay = replace(
        stops[0], id="s_karamay", lat=45.58, lon=84.87, window_open_min=480,
        window_close_min=1020, refrigerated=False, demand_kg=300.0, demand_m3=2.0,
    )  # fmt: skip
    return FleetProblem((depot,), day.charging_sites, types, (*stops, karamay), 1.3, 30.0)


def main() -> None:
    out = demand_dir() / "examples"
    out.mkdir(parents=True, exist_ok=True)
    for name, problem in (("fleet_small", small()), ("fleet_kuytun_200", kuytun_day(200, 1))):
        path = out / f"{name}.json"
        path.write_text(json.dumps(problem_to_dict(problem), indent=1) + "\n")
        print(f"wrote {path} ({len(problem.stops)} stops)")


if __name__ == "__main__":
    main()
