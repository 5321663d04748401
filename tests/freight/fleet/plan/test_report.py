"""The fleet-plan report: numbers match the input, SVG charts are well-formed, input is checked."""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest

from freight.errors import InputError
from freight.fleet.plan.report import render_report, render_report_html
from tests.freight.fleet.plan.contract_sample import plan, plans

SVG = "{http://www.w3.org/2000/svg}"


def svgs(text: str) -> list[ET.Element]:
    found = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
    return [ET.fromstring(s) for s in found]


def titled_rects(svg: ET.Element, size: str = "height") -> dict[str, float]:
    """``{tooltip: height}`` (or width) of the bars that carry a tooltip."""
    out = {}
    for r in svg.iter(SVG + "rect"):
        t = r.find(SVG + "title")
        if t is not None and t.text:
            out[t.text] = float(r.get(size, 0))
    return out


def test_single_year_numbers_match_the_input() -> None:
    md = render_report(plan())
    assert md.startswith("# Fleet and charger plan, Kuytun urban delivery, 2035\n")
    for text in [
        # the plan's 3,000 are additions to the 2025 fleet: compare with 150 + 3,000
        "planned for 2035: 522 = the 150 of 2025 + 372 added",
        "The plan adds 3,000 by 2035, so its fleet then is 3,150 = 150 + 3,000",
        "the demand needs −2,628 against it (372 of the 3,000 additions, 12.4 %)",
        "Vehicles in the fleet: 522.",  # 412 + 17 + 93
        "3.79 city-wide (at most 4): within the limit",
        "3.26 % (at least 0.50 %): met",
        "Overnight charging restores the fleet: yes",
        "30,406 of 30,417 stops served, 11 unserved",
        "| total | 9,555,776 |",
        "| vehicles | 1,234,567 |",
        "| drivers and maintenance | 7,654,321 |",
        "| 1,830.5 |",
        "| 270.5 |",
        "| 12.5 |",
        "| 3.68 |",
        "| winter | 30,417 | 30,406 | 11 | 2,710 | 390,000 | 121,000 | yes | 300 |",
        "| summer | 28,123 | 28,123 | 0 | 2,456 | 350,000.5 | 95,000 | yes | 250 |",
    ]:
        assert text in md, text
    # winter comes first whatever the input order
    assert md.index("| winter |") < md.index("| summer |")
    # fleet table total and charger total
    assert re.search(r"\| total \|.*\| 522 \|", md)
    assert re.search(r"\| total \|[^\n]*\| 139 \|", md)  # 103 + 9 + 27


def test_charts_are_well_formed_and_scaled_to_the_input() -> None:
    md = render_report(plans())
    fleet, chargers, seasons = svgs(md)
    bars = titled_rects(fleet)
    # heights are rounded to 0.1 px: 3 x a rounded height is within 0.2 (+ float noise)
    assert bars["2035 bev_light: 1,236"] == pytest.approx(3 * bars["2026 bev_light: 412"], abs=0.25)
    assert bars["2030 phev_medium: 186"] == pytest.approx(2 * bars["2026 phev_medium: 93"], abs=0.2)
    labels = [t.text for t in fleet.iter(SVG + "text")]
    assert {"522", "1,044", "1,566", "target 3,150", "bev_reefer"} <= set(labels)
    # chargers by site for the horizon year: count stacked by power class, peak summed
    crect = titled_rects(chargers, "width")
    assert crect["cs_dep_station_front: 103 × 22 kW"] == pytest.approx(
        103 / 9 * crect["cs_dep_station_front: 9 × 60 kW"], rel=0.02
    )
    ctext = [t.text for t in chargers.iter(SVG + "text")]
    assert "112" in ctext and "2,310.5" in ctext  # 103 + 9 chargers; 1830.5 + 480 kW
    # winter vs summer: 3 years x 2 days x 4 metrics
    srect = titled_rects(seasons)
    assert len(srect) == 24
    assert srect["2035 winter energy kWh: 121,000"] > srect["2035 summer energy kWh: 95,000"]


def test_html_page_is_self_contained_with_the_same_charts() -> None:
    data = plans()
    md, page = render_report(data), render_report_html(data)
    assert page.startswith("<!DOCTYPE html>")
    assert re.findall(r"<svg\b.*?</svg>", md, flags=re.S) == re.findall(
        r"<svg\b.*?</svg>", page, flags=re.S
    )
    assert not re.search(r"(src|href)=", page)
    assert "http" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "9,555,776" in page and "1,234.5 s" in page


def test_output_is_deterministic_and_independent_of_list_order() -> None:
    a = plans()
    b = copy.deepcopy(a)
    for p in b["plans"]:
        p["vehicles"].reverse()
        p["chargers"].reverse()
    assert render_report(a) == render_report(a) == render_report(b)
    assert render_report_html(a) == render_report_html(b)


def test_every_string_from_the_input_is_escaped() -> None:
    data = plan()
    evil = '<script>alert("x")</script>|**bold**'
    data["vehicles"][0]["depot"] = evil
    data["chargers"][0]["site"] = evil
    data["policy"]["note"] = "# heading\n- item <img src=x onerror=alert(1)>"
    md = render_report(data)
    page = render_report_html(data)
    for text in (md, page):
        assert "<script" not in text and "<img" not in text
        for svg in svgs(text):  # still well-formed
            assert svg.tag == SVG + "svg"
    assert "\\|" in md and "\\*\\*bold\\*\\*" in md  # table and emphasis syntax escaped
    assert "\n# heading" not in md and "Note: \\# heading - item" in md

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: set[str] = set()

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            self.tags.add(tag)

    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.tags and "img" not in parser.tags


def test_policy_breaches_are_spelled_out() -> None:
    data = plan()
    data["vehicles_per_charger"] = 4.6
    data["refrigerated_share"] = 0.004
    data["overnight_energy_ok"] = False
    md = render_report(data)
    assert "4.60 city-wide (at most 4): ABOVE THE LIMIT" in md
    assert "0.40 % (at least 0.50 %): NOT MET" in md
    assert "restores the fleet: NO, chargers or grid are short" in md


def test_flags_for_sampled_and_partial_plans() -> None:
    data = plans()
    data["plans"][1]["sampled"] = True
    data["partial"] = True
    md = render_report(data)
    assert "Sampled run" in md and "Partial: the time limit cut the plan short" in md
    assert "Sampled run" not in render_report(plan())


def test_a_sampled_plan_is_not_compared_with_the_target() -> None:
    data = plan()
    data["sampled"] = True
    md = render_report(data)
    assert "522 (sampled days: not comparable with the plan's target of 3,150 by 2035)" in md
    assert "−2,628" not in md and "additions" not in md.split("## Summary")[1].split("##")[0]


def test_a_plan_stored_without_a_baseline_compares_with_its_target_as_stored() -> None:
    data = plan()
    for k in ("baseline_vehicles", "baseline_year", "additional_vehicles"):
        del data["policy"][k]
    data["policy"]["target_new_energy_vehicles"] = 3000
    md = render_report(data)
    assert "522 against the plan's target of 3,000 by 2035 (−2,478, 17.4 % of the target)" in md


def test_years_table_shows_additions_and_the_plans_fleet_of_each_year() -> None:
    data = plans()
    for p, for_year in zip(data["plans"], (450, 1650, 3150), strict=True):
        p["policy"]["target_for_year"] = for_year
    md = render_report(data)
    assert "| added since baseline | plan's fleet (baseline + additions) |" in md
    assert re.search(r"\| 2026 \| 522 \| 372 \| 450 \|", md)
    assert re.search(r"\| 2035 \| 1,566 \| 1,416 \| 3,150 \|", md)


def test_minimal_issue_answer_renders() -> None:
    """Only the fields the contract requires; optional ones show as dashes."""
    data = {
        "year": 2030,
        "vehicles": [
            {
                "type": "bev_light",
                "depot": "d1",
                "count": 5,
                "powertrain": "bev",
                "refrigerated": False,
            }
        ],
        "chargers": [{"site": "cs_1", "power_kw": 7.4, "count": 2}],
        "vehicles_per_charger": 2.5,
        "refrigerated_share": 0.0,
        "overnight_energy_ok": True,
        "daily_check": [{"day": "winter", "stops": 40, "served": 40, "unserved": 0}],
        "policy": {"target_new_energy_vehicles": 3000, "planned_new_energy_vehicles": 5},
        "cost": {},
        "wall_s": 1.5,
    }
    md = render_report(data)
    assert "| cs\\_1 | – | 7.4 | 2 | – |" in md
    assert len(svgs(md)) == 3
    assert "0.00 % (at least 0.50 %): NOT MET" in md


def mutate(path: str, value: Any, multi: bool = False) -> dict[str, Any]:
    data = plans() if multi else plan()
    *head, last = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    node: Any = data
    for p in head:
        node = node[p]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return data


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "multi", "expected"),
    [
        ("vehicles[0].count", DELETE, False, "$.vehicles[0].count"),
        ("vehicles[0].count", -3, False, "$.vehicles[0].count"),
        ("vehicles[1].powertrain", "diesel", False, "$.vehicles[1].powertrain"),
        ("vehicles[2].refrigerated", "no", False, "$.vehicles[2].refrigerated"),
        ("daily_check[0].day", "spring", False, "$.daily_check[0].day"),
        ("daily_check[1].served", 1.5, False, "$.daily_check[1].served"),
        ("policy", DELETE, False, "$.policy"),
        ("policy.target_new_energy_vehicles", "3000", False, "$.policy.target_new_energy_vehicles"),
        ("cost.total_cny_per_year", "a lot", False, "$.cost.total_cny_per_year"),
        ("chargers", {"site": "x"}, False, "$.chargers"),
        ("vehicles_per_charger", float("nan"), False, "$.vehicles_per_charger"),
        ("plans[1].chargers[0].power_kw", -1, True, "$.plans[1].chargers[0].power_kw"),
        ("plans[2].year", 2029, True, "$.plans[2].year"),
        ("plans[0]", "2026", True, "$.plans[0]"),
        ("plans", [], True, "$.plans"),
    ],
)
def test_bad_input_names_the_json_path(path: str, value: Any, multi: bool, expected: str) -> None:
    data = mutate(path, value, multi)
    with pytest.raises(InputError) as err:
        render_report(data)
    assert expected in [i.loc for i in err.value.issues], err.value
    with pytest.raises(InputError):
        render_report_html(data)


def test_not_an_object() -> None:
    with pytest.raises(InputError) as err:
        render_report([plan()])  # type: ignore[arg-type]
    assert err.value.issues[0].loc == "$"


def with_duties_and_midday() -> dict[str, Any]:
    """The sample plan with the duty and midday-charging fields of newer plans."""
    data = plan()
    for d, (routes, used, bound, midday) in zip(
        data["daily_check"], [(2600, 2456, 2400, 30), (2900, 2710, 2650, 41)], strict=True
    ):
        d.update(
            routes=routes,
            vehicles_used=used,
            duty_lower_bound=bound,
            duties_with_midday_charge=midday,
        )
    for c, (kwh, kw, n) in zip(
        data["chargers"], [(0.0, 0.0, 0), (350.5, 120.0, 6), (40.0, 22.0, 2)], strict=True
    ):
        c.update(midday_kwh=kwh, midday_peak_kw=kw, midday_vehicles=n)
    return data


def test_duty_and_midday_columns_show_the_input() -> None:
    md = render_report(with_duties_and_midday())
    for text in [
        "| day | stops | served | unserved | routes | vehicles used (duties) | duty lower bound "
        "| duties with midday charge | distance km | energy kWh | verified | wall s |",
        "| winter | 30,417 | 30,406 | 11 | 2,900 | 2,710 | 2,650 | 41 | 390,000 | 121,000 | yes "
        "| 300 |",
        "| summer | 28,123 | 28,123 | 0 | 2,600 | 2,456 | 2,400 | 30 | 350,000.5 | 95,000 | yes "
        "| 250 |",
        "| peak kW | energy kWh | midday kWh | midday peak kW | midday vehicles | occupancy |",
        # sorted by (site, power): east_industrial 11 kW, station_front 22 kW, 60 kW
        "| 270.5 | 1,500 | 40 | 22 | 2 | 60.0 % |",
        "| 1,830.5 | 9,120 | 0 | 0 | 0 | 71.0 % |",
        "| 480 | 2,100 | 350.5 | 120 | 6 | 50.0 % |",
        "| total |   |   | 139 |   |   | 390.5 |",
    ]:
        assert text in md, text
    page = re.sub(r" class=\"\w+\"", "", render_report_html(with_duties_and_midday()))
    for text in ["<th>duty lower bound</th>", "<th>midday peak kW</th>", "<td>2,650</td>"]:
        assert text in page, text


def test_midday_columns_hidden_when_no_site_charges_at_midday() -> None:
    data = with_duties_and_midday()
    for c in data["chargers"]:
        c.update(midday_kwh=0.0, midday_peak_kw=0.0, midday_vehicles=0)
    md = render_report(data)
    assert "midday kWh" not in md and "midday peak kW" not in md
    assert "| duties with midday charge |" in md  # the day table still reports duties
    # plans from before these fields keep the old day table
    assert "| vehicles used | distance km |" in render_report(plan())


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("daily_check[0].routes", -1),
        ("daily_check[1].duty_lower_bound", "many"),
        ("daily_check[0].duties_with_midday_charge", 2.5),
        ("chargers[1].midday_kwh", float("inf")),
        ("chargers[0].midday_peak_kw", True),
        ("chargers[2].midday_vehicles", -2),
    ],
)
def test_bad_new_fields_name_the_json_path(path: str, value: Any) -> None:
    data = with_duties_and_midday()
    *head, last = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    node: Any = data
    for p in head:
        node = node[p]
    node[last] = value
    with pytest.raises(InputError) as err:
        render_report(data)
    assert [i.loc for i in err.value.issues] == [f"$.{path}"], err.value
