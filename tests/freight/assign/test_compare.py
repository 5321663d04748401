"""freight scenario compare: both sides assigned, the difference is the scenario's."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from freight.cli.main import app

runner = CliRunner()


def _scenario(tmp_path: Path, changes: list[dict[str, object]]) -> str:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"name": "s", "base_year": 2035, "changes": changes}))
    return str(path)


def test_removing_the_kuqa_railway_moves_tonnes_to_road(tmp_path: Path) -> None:
    other = _scenario(tmp_path, [{"op": "remove", "table": "links", "id": "r_kuytun__kuqa"}])
    md = tmp_path / "r.md"
    args = ["scenario", "compare", "base", other, "--year", "2035", "--json", "--report", str(md)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    text = md.read_text(encoding="utf-8")
    assert "| rail share |" in text and "<svg" in text and "Figure 1." in text
    out = json.loads(r.stdout)
    assert out["kind"] == "scenario-comparison" and out["year"] == 2035
    b, o, d = out["base"], out["other"], out["delta"]
    assert b["tonnes_total"] == o["tonnes_total"]
    assert d["rail_tonnes"] < 0  # Kuytun–Kuqa freight back on the road
    # every tonne is somewhere: rail + road + unassigned changes add up to nothing
    assert abs(d["rail_tonnes"] + d["road_tonnes"] + d["unassigned_tonnes"]) < 1.0
    assert d["rail_share"] < 0 and d["co2_t"] > 0
    page = tmp_path / "r.html"
    same = runner.invoke(
        app,
        ["scenario", "compare", "base", "base", "--year", "2035", "--json", "--report", str(page)],
    )
    assert json.loads(same.stdout)["delta"]["cost_cny"] == 0
    assert page.read_text(encoding="utf-8").lower().startswith("<!doctype html>")


def test_bad_scenario_names_the_change(tmp_path: Path) -> None:
    bad = _scenario(tmp_path, [{"op": "update", "table": "links", "id": "nope", "values": {}}])
    r = runner.invoke(app, ["scenario", "compare", "base", bad, "--year", "2035"])
    assert r.exit_code == 2 and "$.changes[0].id" in r.output and "Traceback" not in r.output
