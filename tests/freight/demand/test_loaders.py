"""Loaders: files on disk equal the generator, missing years are generated, bad rows are named."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from typer.testing import CliRunner

from freight.cli.main import app
from freight.demand import generate as G
from freight.demand import (
    generate_shipments,
    generate_urban_day,
    load_bulk_flows,
    load_charging_sites,
    load_depots,
    load_shipments,
    load_urban_day,
)
from freight.errors import DataError, InputError
from freight.paths import demand_dir

runner = CliRunner()

SHIP_HEADER = "id,origin,destination,commodity,form,quantity,unit,tonnes,ready_date,due_date\n"
GOOD_SHIP = "s1,siding_power_coal,urumqi,coal,bulk,3000.0,t,3000.0,2025-03-01,2025-03-04\n"
POINT_HEADER = (
    "id,lat,lon,demand_kg,demand_m3,service_min,window_open,window_close,refrigerated,zone,town\n"
)
GOOD_POINT = "p1,44.42,84.90,50.0,0.2,5,08:00,12:00,0,kt22,kuytun\n"


def test_disk_files_load_equal_to_the_generator():
    assert load_shipments(2025) == generate_shipments(2025)
    assert load_urban_day(2026, "winter") == generate_urban_day(2026, "winter")
    assert load_bulk_flows() == G.bulk_flows()
    assert load_depots() == G.urban_depots()
    assert load_charging_sites() == G.charging_sites()


def test_years_not_on_disk_are_generated(tmp_path):
    assert load_urban_day(2028, "summer", folder=tmp_path) == generate_urban_day(2028, "summer")
    assert load_bulk_flows(folder=tmp_path) == G.bulk_flows()
    assert len(load_depots(folder=tmp_path)) == 7


def test_plain_csv_takes_precedence_over_gz(tmp_path):
    (tmp_path / "shipments_2025.csv").write_text(SHIP_HEADER + GOOD_SHIP)
    (tmp_path / "shipments_2025.csv.gz").write_bytes(gzip.compress(b"garbage"))
    (s,) = load_shipments(2025, folder=tmp_path)
    assert s.tonnes == 3000.0 and s.ready_date.month == 3


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"year": 2024}, "2025..2035"), ({"year": 2036}, "2025..2035")],
)
def test_bad_year_is_an_input_error(kwargs, match):
    with pytest.raises(InputError, match=match):
        load_shipments(**kwargs)


def test_bad_urban_year_or_season_is_an_input_error():
    with pytest.raises(InputError, match="2026..2035"):
        load_urban_day(2025, "winter")
    with pytest.raises(InputError, match="season"):
        load_urban_day(2030, "spring")


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (GOOD_SHIP.replace(",3000.0,t,3000.0,", ",3000.0,t,-5,"), "row 3:tonnes"),
        (GOOD_SHIP.replace("urumqi", "atlantis"), "row 3:destination"),
        (GOOD_SHIP.replace("2025-03-04", "2025-02-01"), "row 3:id"),  # due before ready
        (GOOD_SHIP.replace("2025-03-01", "2024-12-30"), "row 3:ready_date"),
        (GOOD_SHIP.replace("2025-03-04", "March 4"), "row 3:due_date"),
        (GOOD_SHIP.replace(",t,", ",kg,"), "row 3:unit"),
        (GOOD_SHIP.replace("coal,bulk", "coal,liquid"), "row 3:id"),
        (GOOD_SHIP, "row 3:id"),  # duplicate id
    ],
)
def test_bad_shipment_rows_name_file_row_field(tmp_path, row, where):
    (tmp_path / "shipments_2025.csv").write_text(SHIP_HEADER + GOOD_SHIP + row)
    with pytest.raises(DataError) as exc:
        load_shipments(2025, folder=tmp_path)
    assert f"shipments_2025.csv:{where}" in str(exc.value)


def test_missing_column_and_corrupt_gzip(tmp_path):
    (tmp_path / "shipments_2030.csv").write_text("id,origin\ns1,kuytun\n")
    with pytest.raises(DataError, match="missing column"):
        load_shipments(2030, folder=tmp_path)
    (tmp_path / "shipments_2035.csv.gz").write_bytes(b"not gzip")
    with pytest.raises(DataError, match="shipments_2035.csv.gz: unreadable"):
        load_shipments(2035, folder=tmp_path)


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (GOOD_POINT.replace("08:00,12:00", "13:00,12:00"), "row 2:window_close"),
        (GOOD_POINT.replace("08:00", "8h"), "row 2:window_open"),
        (GOOD_POINT.replace("44.42", "43.80"), "row 2:lat"),  # Urumqi is not in the area
        (GOOD_POINT.replace(",50.0,", ",0,"), "row 2:demand_kg"),
        (GOOD_POINT.replace("kuytun\n", "karamay\n"), "row 2:town"),
        (GOOD_POINT.replace(",0,kt22", ",maybe,kt22"), "row 2:refrigerated"),
    ],
)
def test_bad_delivery_points_name_file_row_field(tmp_path, row, where):
    (tmp_path / "urban_2030_winter.csv").write_text(POINT_HEADER + row)
    with pytest.raises(DataError) as exc:
        load_urban_day(2030, "winter", folder=tmp_path)
    assert f"urban_2030_winter.csv:{where}" in str(exc.value)


def test_bad_bulk_flow_depot_and_site_rows(tmp_path):
    text = G.bulk_flows_csv(G.bulk_flows()[:2]).splitlines()
    cells = text[2].split(",")
    cells[5] = "0.9"  # m01: shares no longer sum to 1
    (tmp_path / "bulk_flows.csv").write_text("\n".join([text[0], text[1], ",".join(cells)]))
    with pytest.raises(DataError, match=r"bulk_flows.csv:row 3:m01"):
        load_bulk_flows(folder=tmp_path)
    dep = G.depots_csv(G.urban_depots()[:1]).replace("06:00,22:00", "23:00,22:00")
    (tmp_path / "urban_depots.csv").write_text(dep)
    with pytest.raises(DataError, match=r"urban_depots.csv:row 2:open"):
        load_depots(folder=tmp_path)
    site = G.charging_sites_csv(G.charging_sites()[:1]).replace(",60.0,", ",-1,")
    (tmp_path / "charging_sites.csv").write_text(site)
    with pytest.raises(DataError, match=r"charging_sites.csv:row 2:power_kw"):
        load_charging_sites(folder=tmp_path)


# ------------------------------------------------------------------------------ CLI


@pytest.fixture
def small_set(monkeypatch):
    """Only the small files, so the CLI round trip stays fast."""
    full = G.checked_in_files

    def small(seed: int = G.A.DEFAULT_SEED):
        keep = ("urban_2026_winter.csv.gz", "bulk_flows.csv", "urban_depots.csv")
        return {k: v for k, v in full(seed).items() if k in keep}

    monkeypatch.setattr(G, "checked_in_files", small)


def test_cli_generate_then_check_then_detect_a_change(tmp_path: Path, small_set):
    out = tmp_path / "d"
    r = runner.invoke(app, ["demand", "generate", "--check", "--out", str(out)])
    assert r.exit_code == 1 and "missing" in r.output
    r = runner.invoke(app, ["demand", "generate", "--out", str(out)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["demand", "generate", "--check", "--out", str(out)])
    assert r.exit_code == 0 and "OK" in r.output
    name = "urban_2026_winter.csv.gz"
    assert (out / name).read_bytes() == (demand_dir() / name).read_bytes()  # byte-for-byte
    p = out / "bulk_flows.csv"
    p.write_text(p.read_text().replace("coal", "cole", 1))
    r = runner.invoke(app, ["demand", "generate", "--check", "--out", str(out)])
    assert r.exit_code == 1 and "bulk_flows.csv: differs" in r.output


def test_cli_summary_and_bad_year():
    r = runner.invoke(app, ["demand", "summary", "--year", "2025", "--json"])
    assert r.exit_code == 0 and '"rail_share"' in r.output
    r = runner.invoke(app, ["demand", "summary", "--year", "2040"])
    assert r.exit_code == 2 and "2025..2035" in r.output and "Traceback" not in r.output
