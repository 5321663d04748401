"""Bookings and matching rounds as tables: builders, ``freight bookings replay`` and
``freight match round`` with ``--format csv|parquet --out DIR``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from freight.cli.main import app
from freight.tables import COLUMNS, booking_tables, matching_round_tables

TRUCK = {"id": "T1", "kind": "flatbed", "capacity_t": 30, "location": "kuytun",
         "available_from": "2025-06-02T06:00:00+08:00",
         "available_until": "2025-06-03T06:00:00+08:00"}  # fmt: skip
CARGO = {"commodity": "steel", "form": "general", "quantity": 20, "unit": "t"}
# pickups in UTC: 06:00 and 08:00 Beijing time
OUT = {"id": "out", "origin": "kuytun", "destination": "dushanzi", "cargo": CARGO,
       "pickup_from": "2025-06-01T22:00:00Z", "pickup_until": "2025-06-02T02:00:00Z",
       "deliver_by": "2025-06-02T18:00:00+08:00", "price_cny": 900}  # fmt: skip
BACK = {**OUT, "id": "back", "origin": "dushanzi", "destination": "kuytun",
        "pickup_from": "2025-06-02T00:00:00Z", "pickup_until": "2025-06-02T16:00:00+08:00",
        "deliver_by": "2025-06-03T02:00:00+08:00"}  # fmt: skip
HAZ = {**OUT, "id": "haz", "cargo": {**CARGO, "commodity": "petrochemicals", "form": "hazmat"}}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_match_round_cli_tables(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "v.json").write_text(json.dumps({"items": [TRUCK]}))
    (tmp_path / "l.json").write_text(json.dumps([OUT, BACK, HAZ]))
    out = tmp_path / "tables"
    res = CliRunner().invoke(app, [
        "match", "round", "--vehicles", str(tmp_path / "v.json"), "--loads",
        str(tmp_path / "l.json"), "--id", "r1", "--format", fmt, "--out", str(out),
    ])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "2/3 loads matched" in res.output
    tables = {name: _read(out / f"{name}.{fmt}") for name in COLUMNS["matching-round"]}
    for name, df in tables.items():
        assert list(df.columns) == list(COLUMNS["matching-round"][name]), name
    lines = tables["lines"]
    assert lines["load"].tolist() == ["out", "back"]
    assert lines["backhaul"].tolist() == [False, True] and set(lines["round_id"]) == {"r1"}
    assert lines["pickup_at"].tolist()[0] == "2025-06-02T06:00:00+08:00"  # given in UTC
    assert all(t.endswith("+08:00") for t in lines["deliver_at"])
    assert tables["unmatched"][["load", "reason"]].values.tolist() == [
        ["haz", "no_compatible_truck"]
    ]
    s = tables["summary"].iloc[0]
    assert (s["loads"], s["matched"], s["network_year"]) == (3, 2, 2025)
    assert lines["empty_km"].sum() == pytest.approx(s["empty_km"])
    assert lines["loaded_km"].sum() == pytest.approx(s["loaded_km"])


def test_match_round_cli_bad_input(tmp_path: Path) -> None:
    (tmp_path / "v.json").write_text(json.dumps([TRUCK, {**TRUCK, "capacity_t": 0}]))
    (tmp_path / "l.json").write_text("[{")
    args = ["match", "round", "--vehicles", str(tmp_path / "v.json")]
    res = CliRunner().invoke(app, [*args, "--loads", str(tmp_path / "l.json")])
    assert res.exit_code == 2 and "v.json" in res.output
    assert "$[1].id: duplicate id 'T1'" in res.output
    (tmp_path / "v.json").write_text(json.dumps([TRUCK]))
    res = CliRunner().invoke(app, [*args, "--loads", str(tmp_path / "l.json")])
    assert res.exit_code == 2 and "l.json: not JSON (line 1" in res.output
    (tmp_path / "l.json").write_text(json.dumps([{**OUT, "origin": "atlantis"}]))
    res = CliRunner().invoke(app, [*args, "--loads", str(tmp_path / "l.json")])
    assert res.exit_code == 2 and "$[0].origin" in res.output
    res = CliRunner().invoke(app, [*args, "--loads", str(tmp_path / "l.json"), "--format", "csv"])
    assert res.exit_code == 2 and "needs --out" in res.output


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_bookings_replay_cli_tables(tmp_path: Path, fmt: str) -> None:
    res = CliRunner().invoke(app, ["bookings", "replay", "--days", "1", "--json", "--format",
                                   fmt, "--out", str(tmp_path)])  # fmt: skip
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert "bookings" not in report  # the JSON report is unchanged
    heads, legs = _read(tmp_path / f"bookings.{fmt}"), _read(tmp_path / f"legs.{fmt}")
    assert list(heads.columns) == list(COLUMNS["booking"]["bookings"])
    assert list(legs.columns) == list(COLUMNS["booking"]["legs"])
    assert len(heads) == report["accepted"] > 0
    assert (heads["rail_legs"] > 0).sum() == report["accepted_rail"]
    assert heads["legs"].sum() == len(legs)
    assert set(legs["booking_id"]) == set(heads["booking_id"])
    assert all(str(t).endswith("+08:00") for t in [*heads["eta"], *legs["expected_arrive"]])
    # a leg's delay is its expected arrival after its planned one
    planned = pd.to_datetime(legs["arrive"], format="ISO8601")
    expected = pd.to_datetime(legs["expected_arrive"], format="ISO8601")
    minutes = (expected - planned).dt.total_seconds() / 60
    assert legs["delay_min"].tolist() == pytest.approx(minutes.round(1).tolist())
    per_booking = legs.groupby("booking_id")["price_cny"].sum()
    assert heads.set_index("booking_id")["price_cny"].to_dict() == pytest.approx(
        per_booking.to_dict(), rel=1e-6
    )


def test_empty_tables_have_the_columns() -> None:
    tables = booking_tables([])
    assert {k: list(v.columns) for k, v in tables.items()} == {
        k: list(v) for k, v in COLUMNS["booking"].items()
    }
    empty_round = {"assignments": [], "unmatched": [], "method": "auto", "objective": "",
                   "bound_matched": None, "wall_s": 0.0,
                   "kpis": {"loads": 0, "matched": 0, "empty_km": 0.0, "loaded_km": 0.0,
                            "empty_share": 0.0, "trucks_used": 0, "cost_cny": 0.0,
                            "revenue_cny": 0.0}}  # fmt: skip
    round_tables = matching_round_tables(empty_round)
    assert round_tables["lines"].to_csv(index=False).strip() == ",".join(
        COLUMNS["matching-round"]["lines"]
    )
    assert len(round_tables["summary"]) == 1


@pytest.mark.parametrize(("kind", "doc"), [("booking", "bookings.md"),
                                           ("matching-round", "matching.md")])  # fmt: skip
def test_every_column_is_documented(kind: str, doc: str) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / doc).read_text(encoding="utf-8")
    section = text[text.index("## Tables (CSV and Parquet)") :]
    for table, cols in COLUMNS[kind].items():
        assert f"`{table}`" in section, table
        missing = [c for c in cols if f"`{c}`" not in section]
        assert not missing, (table, missing)


def test_a_matching_round_job_result_has_the_tables() -> None:
    """``GET /v1/jobs/{id}/tables/{table}`` of a ``matching-round`` job builds on this."""
    from freight.matching.jobs import run
    from freight.tables import TABLE_BUILDERS

    result = run({"vehicles": [TRUCK], "loads": [OUT, BACK, HAZ], "id_prefix": "j-"})
    tables = TABLE_BUILDERS["matching-round"](result)
    assert tables["lines"]["assignment_id"].tolist() == ["j-1", "j-1"]
    assert tables["lines"]["round_id"].isna().all()  # a job's result has no round id yet
    assert tables["unmatched"]["load"].tolist() == ["haz"]
    assert tables["summary"].loc[0, "network_year"] == 2025
