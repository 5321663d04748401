"""A Python client generated from /v1/openapi.json (openapi-python-client) works against a
running service: health, network, route query and fleet routing, with typed models."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from api.db import Database
from api.routes.fleet_routes import EXAMPLE as FLEET_EXAMPLE
from api.routes.routes import EXAMPLE as ROUTE_EXAMPLE
from api.security import create_key
from freight.clock import current_year
from freight.network.years import default_network_for_year

PACKAGE = "kfo_client"


@pytest.fixture()
def generated(tmp_path: Path, live_server: Any) -> Iterator[tuple[Any, ModuleType, str]]:
    """(server, the generated package, an operator key) — generated from the live schema."""
    url = f"sqlite:///{tmp_path / 'client.sqlite3'}"
    server = live_server(url, FREIGHT_JOB_WORKERS="1")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(httpx.get(server.base + "/v1/openapi.json", timeout=30).json()))
    tool = Path(sys.executable).parent / "openapi-python-client"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    proc = subprocess.run(
        [str(tool), "generate", "--path", str(spec), "--output-path", str(tmp_path / PACKAGE),
         "--meta", "none"],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    db = Database(url)
    _, secret = create_key(db, "operator", "generated-client")
    db.dispose()
    sys.path.insert(0, str(tmp_path))
    try:
        yield server, importlib.import_module(PACKAGE), secret
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def op(name: str) -> ModuleType:
    """The generated module of operation ``name`` (whatever tag folder it is in)."""
    base = Path(importlib.import_module(PACKAGE).__file__ or "").parent / "api"
    found = next(base.glob(f"*/{name}.py"))
    return importlib.import_module(f"{PACKAGE}.api.{found.parent.name}.{name}")


def test_generated_client_calls_the_service(generated: tuple[Any, ModuleType, str]) -> None:
    server, pkg, secret = generated
    models = importlib.import_module(f"{PACKAGE}.models")
    client = pkg.Client(base_url=server.base, timeout=httpx.Timeout(120.0))

    health = op("get_health").sync(client=client)
    assert isinstance(health, models.Health) and health.status == "ok"
    assert health.network_nodes > 0

    network = op("get_network").sync(client=client)
    assert isinstance(network, models.FeatureCollection)
    assert network.network_year == current_year()  # the current year's network, named
    year_net = default_network_for_year(network.network_year)
    assert len(network.features) == len(year_net.nodes) + len(year_net.links)
    # the stored snapshot (health's counts) holds every element of every year
    assert len(network.features) <= health.network_nodes + health.network_links

    answer = op("create_route_query").sync(
        client=client, body=models.RouteQueryIn.from_dict(ROUTE_EXAMPLE)
    )
    assert isinstance(answer, models.RouteAnswer), answer
    assert answer.alternatives[0].rank == 1 and answer.alternatives[0].legs
    assert answer.ready_at.endswith("+08:00")

    body = models.FleetRouteRequest.from_dict({**FLEET_EXAMPLE, "mode": "sync"})
    auth = pkg.AuthenticatedClient(base_url=server.base, token=secret,
                                   timeout=httpx.Timeout(120.0))  # fmt: skip
    res = op("solve_fleet_routes").sync_detailed(client=auth, body=body)
    assert res.status_code == 200, res.content[:500]
    plan = res.parsed
    assert isinstance(plan, models.FleetSolution)
    assert plan.served + len(plan.unserved) == len(FLEET_EXAMPLE["stops"])
    assert all(r.visits for r in plan.routes)
