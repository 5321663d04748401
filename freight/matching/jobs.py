"""Job runner for large matching rounds: pure, importable by name, JSON in and out.

The service snapshots the open pool into ``params`` (vehicles, loads, declined pairs);
this runner only solves. Claiming the matched trucks and loads is the service's step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from freight.matching.io import load_from_dict, result_to_dict, vehicle_from_dict
from freight.matching.solve import Method, match
from freight.network.loader import default_network


def run(params: dict[str, Any], progress: Callable[..., Any] | None = None) -> dict[str, Any]:
    """params: vehicles, loads (API JSON), declined ([vehicle, load] pairs), method."""
    network = default_network()
    if progress:
        progress(0.05, "reading the pool")
    vehicles = [
        vehicle_from_dict(d, network, f"$.vehicles[{n}]") for n, d in enumerate(params["vehicles"])
    ]
    loads = [load_from_dict(d, network, f"$.loads[{n}]") for n, d in enumerate(params["loads"])]
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
    return result_to_dict(result)
