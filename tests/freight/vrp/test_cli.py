"""`freight vrp solve`: JSON contract and clean errors (no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from freight.cli.main import app

DATA = Path(__file__).resolve().parents[2] / "data" / "vrp"
runner = CliRunner()


def test_json_answer_for_evrptw() -> None:
    res = runner.invoke(
        app, ["vrp", "solve", str(DATA / "evrptw" / "c101C5.txt"), "--time-limit", "3", "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert {"distance", "vehicles", "routes", "wall_s", "instance", "bks", "gap_pct"} <= set(out)
    assert out["vehicles"] == 2 and round(out["distance"], 2) == 257.75 and out["optimal"]
    served = [v for r in out["routes"] for v in r if v.startswith("C")]
    assert sorted(served) == sorted(["C30", "C12", "C100", "C85", "C64"])


def test_missing_file_exits_2_without_traceback(tmp_path: Path) -> None:
    res = runner.invoke(app, ["vrp", "solve", str(tmp_path / "none.txt")])
    assert res.exit_code == 2
    assert "no such instance file" in res.output and "Traceback" not in res.output


def test_garbage_file_is_data_error(tmp_path: Path) -> None:
    f = tmp_path / "g.vrp"
    f.write_text("NAME : g\nTYPE : CVRP\nDIMENSION : 3\n")
    res = runner.invoke(app, ["vrp", "solve", str(f)])
    assert res.exit_code == 2 and "error:" in res.output and "Traceback" not in res.output
