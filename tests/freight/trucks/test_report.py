"""Heavy-truck report: charts and tables from a real plan, escaping, bad input named."""

from __future__ import annotations

import copy

import pytest

from freight.errors import InputError
from freight.network.loader import default_network
from freight.trucks.lanes import build_lanes
from freight.trucks.plan import plan_scenario
from freight.trucks.report import render_report, render_report_html
from freight.trucks.scenario import build_scenario


@pytest.fixture(scope="module")
def plan_json():
    net = default_network()
    ids = {"wh_coal>huyanghe", "hub_station_front>wusu", "etdz_north1>wusu"}
    lanes = tuple(x for x in build_lanes(2030, net).lanes if x.id in ids)
    return plan_scenario(build_scenario(2030, lanes, net, target_tkm_share=0.6)).to_dict()


def test_report_has_charts_stations_and_lanes(plan_json):
    md = render_report(plan_json)
    assert md.count("<svg") == 3
    for s in plan_json["stations"]:
        assert s["id"] in md.replace("\\_", "_")
    electrified = [x for x in plan_json["lanes"] if x["electrified"]]
    assert electrified and all(x["origin"] in md.replace("\\_", "_") for x in electrified)
    page = render_report_html({"kind": "heavy-truck-plan-years", "plans": [plan_json] * 2})
    assert page.lower().startswith("<!doctype html>") and page.count("<svg") == 3


def test_report_escapes_text(plan_json):
    bad = copy.deepcopy(plan_json)
    bad["stations"][0]["id"] = "<script>x</script>"
    assert "<script>" not in render_report_html(bad)
    assert "<script>" not in render_report(bad)


def test_report_names_missing_field(plan_json):
    broken = {k: v for k, v in plan_json.items() if k != "stations"}
    with pytest.raises(InputError, match=r"plans\[0\]\.stations"):
        render_report(broken)
