"""``freight fleet route``: JSON answer, readable errors, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from freight.cli.main import app

EXAMPLE = Path(__file__).resolve().parents[3] / "demand_data" / "examples" / "fleet_small.json"


def test_route_json() -> None:
    res = CliRunner().invoke(
        app, ["fleet", "route", str(EXAMPLE), "--time-limit", "3", "--iterations", "200", "--json"]
    )
    assert res.exit_code == 0, res.output
    ans = json.loads(res.stdout)
    assert ans["status"] == "feasible"
    assert {"objective_cny", "distance_km", "vehicles_used", "routes", "unserved", "wall_s"} <= set(
        ans
    )


def test_errors_are_one_line_messages(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"depots": [], "vehicle_types": [], "stops": [{"id": "s"}]}')
    res = CliRunner().invoke(app, ["fleet", "route", str(bad)])
    assert res.exit_code == 2
    assert "$.stops[0].lat" in res.output and "Traceback" not in res.output
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    res = CliRunner().invoke(app, ["fleet", "route", str(broken)])
    assert res.exit_code == 2 and "invalid JSON at line 1" in res.output
    res = CliRunner().invoke(app, ["fleet", "route", str(EXAMPLE), "--method", "magic"])
    assert res.exit_code == 2 and "--method" in res.output
