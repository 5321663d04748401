"""Job runner for large matching rounds: pure, importable by name, JSON in and out.

The service snapshots the open pool into ``params`` (vehicles, loads, declined pairs);
this runner only solves. Claiming the matched trucks and loads is the service's step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from freight.clock import current_year
from freight.matching.io import load_from_dict, result_to_dict, round_year, vehicle_from_dict
from freight.matching.solve import Method, match
from freight.network.scenario import network_of


def run(params: dict[str, Any], progress: Callable[..., Any] | None = None) -> dict[str, Any]:
    """params: vehicles, loads (API JSON), declined ([vehicle, load] pairs), method, and the
    network: ``network_year`` (default: the year of the earliest pickup, else the current
    year) and ``network_scenario`` (a stored scenario's patch, resolved by the service)."""
    given = params.get("network_year")
    year = int(given) if given is not None else round_year(params["loads"]) or current_year()
    patch = params.get("network_scenario")
    network = network_of(year, patch)
    if progress:
        progress(0.05, "reading the pool")
    # node ids are checked by ``match``: one the year lacks is an unmatched load, not an error
    vehicles = [
        vehicle_from_dict(d, None, f"$.vehicles[{n}]") for n, d in enumerate(params["vehicles"])
    ]
    loads = [load_from_dict(d, None, f"$.loads[{n}]") for n, d in enumerate(params["loads"])]
    declined = frozenset((str(a), str(b)) for a, b in params.get("declined", []))
    if progress:
        progress(0.2, f"matching {len(loads)} loads to {len(vehicles)} trucks")
    result = match(
        network,
        vehicles,
        loads,
        declined=declined,
        method=Method(params.get("method", "auto")),
        id_prefix=str(params.get("id_prefix", "a")),
        verify=True,
    )
    out = result_to_dict(result)
    out["network_year"] = year
    out["network_scenario"] = patch["id"] if patch else None
    return out
