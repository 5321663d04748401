"""Result tables: CSV and Parquet round-trip into pandas with the documented columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from freight.cli.main import app
from freight.tables import COLUMNS, fleet_solution_tables, write_tables


@pytest.fixture(scope="module")
def fleet_result() -> dict:
    from api.routes.fleet_routes import EXAMPLE
    from freight.fleet.jobs import run

    return run(dict(EXAMPLE))


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_round_trip(tmp_path: Path, fleet_result: dict, fmt: str) -> None:
    tables = fleet_solution_tables(fleet_result)
    paths = write_tables(tables, tmp_path, fmt)
    assert {p.stem for p in paths} == set(COLUMNS["fleet-route"])
    for p in paths:
        back = pd.read_csv(p) if fmt == "csv" else pd.read_parquet(p)
        assert list(back.columns) == list(COLUMNS["fleet-route"][p.stem])
        assert len(back) == len(tables[p.stem])
    visits = pd.read_csv(tmp_path / "visits.csv") if fmt == "csv" else pd.read_parquet(
        tmp_path / "visits.parquet")  # fmt: skip
    served = sum(1 for r in fleet_result["routes"] for v in r["visits"] if "id" in v)
    assert (visits["kind"] == "stop").sum() == served == fleet_result["served"]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_cli_conversion_tables(tmp_path: Path, fmt: str) -> None:
    res = CliRunner().invoke(
        app, ["convert", "plan", "--time-limit", "20", "--format", fmt, "--out", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    read = pd.read_csv if fmt == "csv" else pd.read_parquet
    flows = read(tmp_path / f"flows.{fmt}")
    assert list(flows.columns) == list(COLUMNS["conversion-plan"]["flows"])
    assert len(flows) >= 10 and set(flows["mode"]) <= {"bulk_rail", "container_rail", "road"}
    summary = read(tmp_path / f"summary.{fmt}")
    assert len(summary) == 1 and summary.loc[0, "objective_cny"] > 0
    # the flows add up to the tonnes the plan moved
    assert flows["tonnes"].sum() == pytest.approx(summary.loc[0, "tonnes_total"], rel=0.05)


def test_cli_table_options_are_checked_before_solving(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["convert", "plan", "--format", "xlsx", "--out", str(tmp_path)])
    assert res.exit_code != 0 and "csv or parquet" in res.output
    res = CliRunner().invoke(app, ["assign", "--format", "csv"])
    assert res.exit_code != 0 and "needs --out" in res.output
    assert not any(tmp_path.iterdir())
