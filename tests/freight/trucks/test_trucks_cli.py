"""``freight trucks``: lanes and plan from the command line; errors without a traceback."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from freight.cli.main import app

runner = CliRunner()


def test_lanes_json() -> None:
    r = runner.invoke(app, ["trucks", "lanes", "--year", "2030", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["kind"] == "heavy-truck-lanes" and len(out["lanes"]) > 20
    lane = out["lanes"][0]
    assert set(lane) >= {"origin", "destination", "path", "distance_km", "tonnes_year",
                         "tonnes_by_commodity", "tonnes_winter", "tonnes_summer"}  # fmt: skip


def test_plan_json_contract_and_errors() -> None:
    r = runner.invoke(app, ["trucks", "plan", "--year", "2030", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["kind"] == "heavy-truck-plan" and out["gap"] <= 0.01
    assert {"status", "stations", "lanes", "truck_types", "kpis"} <= set(out)
    bad = runner.invoke(app, ["trucks", "plan", "--year", "2030", "--budget", "-1"])
    assert bad.exit_code == 2 and "budget_cny" in bad.output and "Traceback" not in bad.output
    poor = ["trucks", "plan", "--year", "2030", "--target", "1.0", "--budget", "1000000"]
    far = runner.invoke(app, poor)
    assert far.exit_code == 1 and "binding: target_tkm_share, budget_cny" in far.output
