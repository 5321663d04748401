"""Piggyback ramps, drop-and-hook terminals and piggyback trains in the data files: good
rows load with their years, every bad row is named by file:row:field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from freight.errors import DataError
from freight.network.loader import load_network
from freight.network.model import DROP_AND_HOOK, PIGGYBACK_RAMP
from freight.network.years import load_plan, network_for_year

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "network" / "good"
HEADER = (
    "node,option,from_year,to_year,hours,cost_cny_per_trailer,capacity_trailers_per_day,"
    "forms,source\n"
)
TRAILER_TOML = """
[piggyback]
trailer_payload_t = 30.0
trailer_tare_t = 7.0
teu_per_trailer = 2.0
cost_cny_per_trailer_km = 5.18
fixed_cny_per_trailer = 555.0
co2_g_per_trailer_km = 418.1

[drop_and_hook]
tractor_fixed_share_saved = {share}
"""
PB_SERVICE = "pb1,A to C piggyback,a>b>c,1234567,21:00,0;0.5;6,80,1200,{forms},{kind},,{cap}\n"


def net_dir(
    tmp_path: Path,
    options: str = "",
    *,
    share: float = 0.5,
    costs: str | None = None,
    service: str | None = None,
    planned: str | None = None,
) -> Path:
    root = tmp_path / "net"
    shutil.copytree(FIX, root)
    with (root / "costs.toml").open("a", encoding="utf-8") as fh:
        fh.write(TRAILER_TOML.format(share=share) if costs is None else costs)
    (root / "terminal_options.csv").write_text(HEADER + options, encoding="utf-8")
    if service is not None:
        lines = (root / "services.csv").read_text(encoding="utf-8").splitlines()
        lines[0] += ",capacity_trailers"
        lines = [lines[0]] + [line + "," for line in lines[1:]] + [service.rstrip("\n")]
        (root / "services.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if planned is not None:
        head = (root / "services.csv").read_text(encoding="utf-8").splitlines()[0]
        if "capacity_trailers" not in head:
            head += ",capacity_trailers"
        (root / "planned_services.csv").write_text(head + "\n" + planned, encoding="utf-8")
    return root


GOOD = (
    "a,piggyback_ramp,2030,,1,150,80,container;general,W8\n"
    "c,piggyback_ramp,2030,,1,150,80,container;general;reefer,W8\n"
    "a,drop_and_hook,2027,2033,2,50,100,container;general,W9\n"
)


def test_good_rows_load_and_take_effect_in_their_years(tmp_path):
    root = net_dir(tmp_path, GOOD, service=PB_SERVICE.format(
        forms="container;general", kind="piggyback", cap=40))  # fmt: skip
    net = load_network(root)
    assert net.costs.trailer is not None and net.costs.trailer.fixed_cny_per_trailer == 555.0
    assert net.services["pb1"].is_piggyback and net.services["pb1"].capacity_trailers == 40
    ramp = net.option("a", PIGGYBACK_RAMP)
    assert ramp is not None and ramp.from_year == 2030 and ramp.hours == 1.0
    plan = load_plan(root)
    by_year = {y: network_for_year(plan, y).options for y in (2026, 2027, 2030, 2033)}
    assert by_year[2026] == ()
    assert [o.option for o in by_year[2027]] == [DROP_AND_HOOK]
    assert len(by_year[2030]) == 3
    assert [o.option for o in by_year[2033]] == [PIGGYBACK_RAMP, PIGGYBACK_RAMP]  # to_year


BAD_ROWS = [
    ("nowhere,piggyback_ramp,,,1,150,80,general,x\n", "row 2:node", "unknown node id"),
    ("j,piggyback_ramp,,,1,150,80,general,x\n", "row 2:node", "no rail freight access"),
    ("a,hovercraft,,,1,150,80,general,x\n", "row 2:option", "unknown option"),
    ("a,piggyback_ramp,2030,2028,1,150,80,general,x\n", "row 2:to_year", "after from_year"),
    ("a,piggyback_ramp,soon,,1,150,80,general,x\n", "row 2:from_year", "expected a year"),
    ("a,piggyback_ramp,,,1,150,80,general;bulk,x\n", "row 2:forms", "no bulk"),
    ("a,piggyback_ramp,,,1,-5,80,general,x\n", "row 2:cost_cny_per_trailer", ">= 0"),
    ("a,piggyback_ramp,,,1,150,0,general,x\n", "row 2:capacity_trailers_per_day", "> 0"),
    ("a,piggyback_ramp,,,1,150,80,,x\n", "row 2:forms", "name the cargo forms"),
    ("a,drop_and_hook,,,5,50,100,general,x\n", "row 2:hours", "takes 4 h"),
    ("b,drop_and_hook,,,1,50,100,bulk,x\n", "row 2:forms", "does not handle bulk"),
    (
        "a,piggyback_ramp,2030,,1,150,80,general,x\na,piggyback_ramp,2032,,1,150,80,general,x\n",
        "row 3:from_year",
        "overlaps",
    ),
]


@pytest.mark.parametrize(("rows", "where", "text"), BAD_ROWS)
def test_bad_option_rows_name_file_row_field(tmp_path, rows, where, text):
    with pytest.raises(DataError) as info:
        load_network(net_dir(tmp_path, rows))
    loc = f"terminal_options.csv:{where}"
    msgs = [i.message for i in info.value.issues if i.loc == loc]
    assert msgs and any(text in m for m in msgs), info.value.issues


def test_a_swap_may_not_save_more_tractor_time_than_the_node_charges(tmp_path):
    # share 1.0 of road general 5 CNY/t fixed = 5 CNY/t <= 12 CNY/t handling: fine;
    # containers: 100 CNY/TEU saved <= 350 CNY/TEU: fine. A node charging 2 CNY/t is not.
    root = net_dir(tmp_path, "a,drop_and_hook,,,1,50,100,general,x\n", share=1.0)
    load_network(root)
    nodes = (root / "nodes.csv").read_text(encoding="utf-8")
    (root / "nodes.csv").write_text(
        nodes.replace("container;bulk;general,12,350", "container;bulk;general,2,350"),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as info:
        load_network(root)
    (issue,) = [i for i in info.value.issues if i.loc == "terminal_options.csv:row 2:node"]
    assert "would cost < 0" in issue.message


@pytest.mark.parametrize(
    ("forms", "kind", "cap", "field", "text"),
    [
        ("container;general", "piggyback", "", "capacity_trailers", "needs capacity_trailers"),
        ("container;general", "regional", "40", "capacity_trailers", "only piggyback"),
        ("container;bulk", "piggyback", "40", "forms", "no bulk"),
    ],
)
def test_bad_piggyback_services_name_their_field(tmp_path, forms, kind, cap, field, text):
    root = net_dir(tmp_path, GOOD, service=PB_SERVICE.format(forms=forms, kind=kind, cap=cap))
    with pytest.raises(DataError) as info:
        load_network(root)
    loc = f"services.csv:row 4:{field}"
    assert any(i.loc == loc and text in i.message for i in info.value.issues), info.value.issues


def test_a_piggyback_train_needs_ramps_at_two_stops(tmp_path):
    one_ramp = "a,piggyback_ramp,,,1,150,80,general,x\n"
    svc = PB_SERVICE.format(forms="general", kind="piggyback", cap=40)
    with pytest.raises(DataError) as info:
        load_network(net_dir(tmp_path, one_ramp, service=svc))
    (issue,) = [i for i in info.value.issues if i.loc == "services.csv:row 4:route"]
    assert "ramps at: a" in issue.message
    # the same train as a planned service is checked when the plan is loaded
    with pytest.raises(DataError) as info:
        load_plan(net_dir(tmp_path / "planned", one_ramp, planned=svc))
    locs = [i.loc for i in info.value.issues]
    assert "planned_services.csv:row 2:route" in locs, info.value.issues


def test_trailer_cost_tables_come_together_and_are_checked(tmp_path):
    only_piggyback = TRAILER_TOML.format(share=0.5).split("[drop_and_hook]")[0]
    with pytest.raises(DataError) as info:
        load_network(net_dir(tmp_path, GOOD, costs=only_piggyback))
    assert "costs.toml:drop_and_hook" in [i.loc for i in info.value.issues]
    negative = TRAILER_TOML.format(share=0.5).replace("= 5.18", "= -1")
    with pytest.raises(DataError) as info:
        load_network(net_dir(tmp_path / "neg", GOOD, costs=negative))
    assert "costs.toml:piggyback.cost_cny_per_trailer_km" in [i.loc for i in info.value.issues]
    with pytest.raises(DataError) as info:
        load_network(net_dir(tmp_path / "none", GOOD, costs=""))
    assert "costs.toml:piggyback" in [i.loc for i in info.value.issues]


def test_a_scenario_adds_a_piggyback_train_and_names_a_bad_value_by_json_path():
    from freight.errors import InputError
    from freight.network.scenario import apply_scenario, change_of

    extra = change_of(
        "add", "services", "pb_extra_horgos",
        {"name": "Extra Kuytun West–Horgos piggyback", "route": "kuytun_west>horgos",
         "weekdays": "Sun", "depart": "20:00", "offsets_h": "0;8.5", "capacity_teu": 80,
         "capacity_t": 1200, "forms": "container;general;reefer", "kind": "piggyback",
         "capacity_trailers": 40},
    )  # fmt: skip
    net = apply_scenario(2035, (extra,))
    assert net.services["pb_extra_horgos"].capacity_trailers == 40
    bad = change_of("update", "services", "reg_kuytun_urumqi", {"capacity_trailers": 10})
    with pytest.raises(InputError) as info:
        apply_scenario(2035, (bad,))
    assert [i.loc for i in info.value.issues] == ["$.changes[0].values.capacity_trailers"]
