"""network_for_year: the plan's works date the network's elements (works.csv)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from freight.errors import DataError, InputError, IssueCollector
from freight.network.validate import validate_network
from freight.network.years import (
    default_network_for_year,
    default_plan,
    load_plan,
    network_for_year,
)
from freight.paths import network_dir


@pytest.fixture(scope="module")
def plan():
    return load_plan()


@pytest.mark.parametrize("year", range(2025, 2036))
def test_every_year_of_the_plan_is_a_valid_network(plan, year):
    net = network_for_year(plan, year)
    issues = IssueCollector()
    validate_network(net, {}, issues)
    issues.raise_if_any(f"network of {year}")
    assert net.meta["year"] == str(year)


def test_hazmat_station_is_a_plan_not_a_fact_of_2025(plan):
    before, after = network_for_year(plan, 2025), network_for_year(plan, 2028)
    assert "kuytun_hazmat" not in before.nodes and "kuytun_hazmat" in after.nodes
    # its branch and the trains calling there go with it
    assert "r_kuytun_east__kuytun_hazmat" not in before.links
    assert not any("kuytun_hazmat" in s.route for s in before.services.values())
    assert {"haz_kuytun_urumqi", "haz_kuytun_dostyk"} <= set(after.services)
    assert not any("kuytun_hazmat" in (lk.source, lk.target) for lk in before.links.values())


def test_capacities_change_from_the_works_year_on(plan):
    link = "d_j_312_wx__wusu"
    caps = {y: network_for_year(plan, y).links[link].capacity_per_day for y in (2026, 2027, 2035)}
    assert caps[2026] == plan.base.links[link].capacity_per_day == 15000
    assert caps[2027] == caps[2035] == 24000
    bonded = network_for_year(plan, 2030).nodes["bonded_center"]
    assert bonded.handling.capacity_teu_per_day == 800 and "bonded zone" in bonded.role
    assert network_for_year(plan, 2029).nodes["bonded_center"].handling.capacity_teu_per_day == 400


def test_new_lines_open_in_their_year(plan):
    n2034, n2035 = network_for_year(plan, 2034), network_for_year(plan, 2035)
    assert "r_kuytun__kuqa" not in n2034.links and not n2034.nodes["kuqa"].rail_access
    assert "r_kuytun__kuqa" in n2035.links and n2035.nodes["kuqa"].rail_access
    assert "reg_kuytun_kuqa" in n2035.services and "reg_kuytun_kuqa" not in n2034.services
    assert "d_dushanzi__kuqa_g3033" in network_for_year(plan, 2030).links
    assert "d_dushanzi__kuqa_g3033" not in network_for_year(plan, 2029).links


def test_pure_and_cached(plan):
    n_links = len(plan.base.links)
    cap = plan.base.links["d_j_312_wx__wusu"].capacity_per_day
    network_for_year(plan, 2035)
    assert len(plan.base.links) == n_links
    assert plan.base.links["d_j_312_wx__wusu"].capacity_per_day == cap
    assert default_network_for_year(2035) is default_network_for_year(2035)
    assert default_plan() is default_plan()


def test_every_work_has_a_source_in_sources_md(plan):
    text = (network_dir() / "SOURCES.md").read_text(encoding="utf-8")
    for w in plan.works:
        assert f"**{w.source}**" in text, (w.work, w.source)


@pytest.fixture
def net_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "kuytun"
    shutil.copytree(network_dir(), dst)
    return dst


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("w,open,links,no_such_link,,,2030,W1", "id"),
        ("w,build,links,r_kuytun__kuqa,,,2030,W1", "op"),
        ("w,set,links,r_kuytun__kuqa,corridor,x,2030,W1", "column"),
        ("w,set,links,r_kuytun__kuqa,capacity_per_day,-3,2030,W1", "value"),
        ("w,open,links,r_kuytun__kuqa,,,20x0,W1", "year"),
        ("w,open,links,r_kuytun__kuqa,,,2030,", "source"),
    ],
)
def test_bad_work_rows_name_file_row_and_field(net_copy: Path, row: str, field: str):
    works = net_copy / "works.csv"
    n_lines = len(works.read_text(encoding="utf-8").splitlines())
    with works.open("a", encoding="utf-8") as fh:
        fh.write(row + "\n")
    with pytest.raises(DataError) as e:
        load_plan(net_copy)
    assert f"works.csv:row {n_lines + 1}:{field}" in str(e.value)


def test_out_of_range_year_is_refused(plan):
    with pytest.raises(InputError) as e:
        network_for_year(plan, 1900)
    assert e.value.issues[0].loc == "year"
