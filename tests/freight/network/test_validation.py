"""Every validation rule has a broken fixture; all problems of a file come in one error."""

from __future__ import annotations

from pathlib import Path

import pytest

from freight.errors import DataError
from freight.network.loader import load_network

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "network"

CASES = [
    ("duplicate_node_id", "nodes.csv:row 8:id", "duplicate id 'b'"),
    ("duplicate_link_id", "links.csv:row 7:id", "duplicate id"),
    ("bad_node_kind", "nodes.csv:row 3:kind", "spaceport"),
    ("bad_link_mode", "links.csv:row 2:mode", "hyperloop"),
    ("bad_cargo_form", "nodes.csv:row 2:forms", "liquid"),
    ("dangling_link", "links.csv:row 3:target", "unknown node id 'nowhere'"),
    ("zero_length", "links.csv:row 2:length_km", "must be > 0"),
    ("negative_speed", "links.csv:row 2:speed_kmh", "must be > 0"),
    ("zero_capacity", "links.csv:row 2:capacity_per_day", "must be > 0"),
    ("negative_handling", "nodes.csv:row 2:cost_cny_per_t", "must be >= 0"),
    ("outside_xinjiang", "nodes.csv:row 3:lat", "outside Xinjiang"),
    ("freight_link_to_passenger", "links.csv:row 7:target", "accepts no freight"),
    ("service_unknown_station", "services.csv:row 2:route", "unknown station 'atlantis'"),
    ("service_station_without_rail", "services.csv:row 2:route", "'j' has no rail"),
    ("service_no_rail_path", "services.csv:row 4:route", "no rail path"),
    ("disconnected_component", "nodes.csv:row 8:id", "not connected"),
    ("missing_file", "services.csv", "missing file"),
    ("missing_column", "links.csv", "missing column(s): speed_kmh"),
    ("unparsable_number", "links.csv:row 3:length_km", "expected a number, got '24O'"),
    ("bad_truck_ban", "links.csv:row 5:truck_bans", "HH:MM"),
    ("bad_service_time", "services.csv:row 2:depart", "25:99"),
    ("bad_offsets", "services.csv:row 2:offsets_h", "increase"),
    ("bad_costs", "costs.toml:modes.road.reefer", "missing table"),
]


def test_good_fixture_loads_with_abroad_node_outside_xinjiang():
    net = load_network(FIX / "good")
    assert net.nodes["d"].region == "abroad" and net.nodes["d"].lat > 50
    assert net.services["s2"].weekdays == {0, 3}
    assert [(b.start_min, b.end_min) for b in net.links["d_aj"].truck_bans] == [
        (450, 570),
        (1050, 1200),
    ]
    assert net.links["d_aj"].geometry[-1] == (84.90, 44.43)


@pytest.mark.parametrize(("case", "loc", "text"), CASES)
def test_broken_fixture_names_file_row_field(case, loc, text):
    with pytest.raises(DataError) as info:
        load_network(FIX / case)
    locs = [i.loc for i in info.value.issues]
    assert loc in locs, locs
    assert any(text in i.message for i in info.value.issues if i.loc == loc), info.value.issues
    assert f"{loc}:" in str(info.value)


def test_all_problems_collected_in_one_error():
    with pytest.raises(DataError) as info:
        load_network(FIX / "many_errors")
    assert [i.loc for i in info.value.issues] == [
        "nodes.csv:row 3:kind",
        "links.csv:row 2:length_km",
        "links.csv:row 4:speed_kmh",
    ]


def test_missing_directory():
    with pytest.raises(DataError, match="does not exist"):
        load_network(FIX / "no_such_dir")


def test_every_fixture_dir_is_tested():
    tested = {c for c, _, _ in CASES} | {"good", "many_errors"}
    assert {p.name for p in FIX.iterdir() if p.is_dir()} == tested
