"""``freight convert plan``: JSON contract, sweeps with a report, errors without traceback."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from freight.cli.main import app

from .test_scenario import write_toml

runner = CliRunner()


def test_plan_json_contract(tiny, tmp_path: Path) -> None:
    path = write_toml(tiny, tmp_path / "s.toml")
    r = runner.invoke(app, ["convert", "plan", "--scenario", str(path), "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    for key in (
        "status",
        "objective_cny",
        "bound_cny",
        "gap",
        "flows",
        "terminals",
        "containers_teu",
        "kpis",
        "baselines",
        "wall_s",
    ):
        assert key in out
    assert out["status"] == "optimal"
    assert set(out["kpis"]) >= {"rail_share", "converted_share", "co2_t", "losses_t"}
    assert set(out["baselines"]) == {"all_bulk", "all_container"}
    for f in out["flows"]:
        assert set(f) >= {"id", "commodity", "tonnes", "mode", "terminal"}
        assert f["mode"] in {"bulk_rail", "container_rail", "road"}
        assert (f["terminal"] is not None) == (f["mode"] == "container_rail")
    for t in out["terminals"]:
        assert set(t) >= {"id", "equipment", "throughput_t", "utilization_peak"}


def test_default_plan_text_runs() -> None:
    r = runner.invoke(app, ["convert", "plan", "--time-limit", "5"])
    assert r.exit_code == 0, r.output
    assert "baselines" in r.stdout


def test_sweep_writes_table_report_and_chart(tiny, tmp_path: Path) -> None:
    path = write_toml(tiny, tmp_path / "s.toml")
    out_dir = tmp_path / "rep"
    r = runner.invoke(
        app,
        [
            "convert",
            "plan",
            "--scenario",
            str(path),
            "--sweep",
            "capacity:t1",
            "--values",
            "0,1",
            "--out",
            str(out_dir),
            "--time-limit",
            "3",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "capacity factor of t1" in r.stdout
    md = (out_dir / "sweep-capacity-t1.md").read_text(encoding="utf-8")
    assert "| 0 |" in md and "| 1 |" in md
    assert (out_dir / "sweep-capacity-t1.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_file_is_one_line_error(tmp_path: Path) -> None:
    r = runner.invoke(app, ["convert", "plan", "--scenario", str(tmp_path / "missing.toml")])
    assert r.exit_code == 2
    assert "missing.toml" in r.stderr
    assert "Traceback" not in r.output


def test_bad_sweep_kind(tiny, tmp_path: Path) -> None:
    path = write_toml(tiny, tmp_path / "s.toml")
    r = runner.invoke(app, ["convert", "plan", "--scenario", str(path), "--sweep", "moon"])
    assert r.exit_code == 2
    assert "--sweep must be" in r.stderr


def test_infeasible_exit_names_binding(tiny, tmp_path: Path) -> None:
    tiny["commodities"]["grain"]["min_converted_share"] = 1.0
    tiny["pool"]["max_owned_teu"] = 0
    tiny["pool"]["max_leased_teu"] = 0
    path = write_toml(tiny, tmp_path / "s.toml")
    r = runner.invoke(app, ["convert", "plan", "--scenario", str(path)])
    assert r.exit_code == 1
    assert "binding: container_pool, policy_floor:grain" in r.stderr
